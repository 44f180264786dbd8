/**
 * The standard normal distribution, to the accuracy the tests need (relative error near 1e-16 over the whole range,
 * tails included), written from the textbook series and continued fraction rather than a ported library.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/**
 * log(DBL_MAX). Where x^2 exceeds it, erfc(x) is reported as 0, as Cephes (SciPy's `special.erfc`/`ndtr`) does,
 * so p-values beyond about 1e-308 read exactly 0 in both instead of a subnormal here and 0 there.
 */
const MAX_LOG = 709.782712893384;

/** erf(x) for |x| < 1 by its Maclaurin series, sum (-1)^k x^(2k+1) / (k! (2k+1)), times 2/sqrt(pi). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let power = x;
  let sum = x;
  for (let k = 1; k < 60; k++) {
    power *= -x2 / k;
    const term = power / (2 * k + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/**
 * sqrt(pi) exp(x^2) erfc(x) for x >= 1 by Laplace's continued fraction
 * 1 / (x + (1/2) / (x + (2/2) / (x + (3/2) / (x + ...)))), evaluated with the modified Lentz method.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < 5000; j++) {
    const a = j / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/** The error function, 2/sqrt(pi) times the integral of exp(-t^2) from 0 to x. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 1) return erfSeries(x);
  return x > 0 ? 1 - erfc(x) : erfc(-x) - 1;
}

/** The complementary error function, 1 - erf(x), accurate in relative terms far into the upper tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1) return 1 - erfSeries(x);
  const x2 = x * x;
  if (x2 > MAX_LOG) return 0;
  return Math.exp(-x2) * ONE_OVER_SQRT_PI * erfcContinuedFraction(x);
}

/**
 * Standard normal CDF, P(Z <= z). Same case split as SciPy's `special.ndtr` (erf near the centre, erfc in the
 * tails), so the lower tail keeps full relative precision.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = z * Math.SQRT1_2;
  if (Math.abs(x) < 1) return 0.5 + 0.5 * erf(x);
  const tail = 0.5 * erfc(Math.abs(x));
  return x > 0 ? 1 - tail : tail;
}

/**
 * Standard normal quantile, the z with P(Z <= z) = p; matches `scipy.stats.norm.ppf`. Found by bisection on
 * {@link normalCdf} down to adjacent doubles; the upper half uses the lower tail at 1 - p (exact for p >= 0.5).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be between 0 and 1, got ${String(p)}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p > 0.5 ? -lowerTailQuantile(1 - p) : lowerTailQuantile(p);
}

function lowerTailQuantile(p: number): number {
  let lo = -40; // normalCdf(-40) is 0, below every positive double
  let hi = 0;
  for (let i = 0; i < 2000; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return Math.abs(normalCdf(lo) - p) < Math.abs(normalCdf(hi) - p) ? lo : hi;
}
