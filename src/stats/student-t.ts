/**
 * Student's t distribution with an integer number of degrees of freedom nu: central probability and the two-sided
 * critical value. Integer nu allows the closed forms of Abramowitz & Stegun 26.7.3-26.7.4 in the angle
 * theta = atan(t / sqrt(nu)), finite sums instead of incomplete-beta approximations.
 *
 * Those sums are truncations of the series of 1/sin(theta) (nu even) and (pi/2 - theta)/(sin(theta) cos(theta))
 * (nu odd) in powers of cos^2(theta), so the upper tail 1 - A is the series' remainder: positive terms, no
 * cancellation. The critical value is searched on the tail, where a small absolute error in A would be a large
 * relative one. For large nu the series run to tens of thousands of terms, so two sources of rounding are kept
 * from compounding: powers of cos^2(theta) are re-anchored with exp(k ln cos^2(theta)) every few terms, and the
 * terms are added with compensated (Neumaier) summation.
 */

function validateDegreesOfFreedom(nu: number): void {
  if (!Number.isSafeInteger(nu) || nu < 1) {
    throw new RangeError(`degrees of freedom must be a positive integer, got ${String(nu)}`);
  }
}

/** Ratio of consecutive series coefficients: (2k-1)/(2k) for nu even, (2k)/(2k+1) for nu odd. */
function coefficientRatio(k: number, even: boolean): number {
  return even ? (2 * k - 1) / (2 * k) : (2 * k) / (2 * k + 1);
}

/**
 * Sum of coef(k) cos^(2k)(theta) for k from `from` up to (excluding) `to`, or until the terms stop mattering when
 * `to` is Infinity; coef(0) = 1, coef(k) = coef(k-1) coefficientRatio(k). `logC2` is ln cos^2(theta).
 */
function seriesSum(even: boolean, logC2: number, from: number, to: number): number {
  let coef = 1;
  for (let k = 1; k <= from; k++) coef *= coefficientRatio(k, even);
  const c2 = Math.exp(logC2);
  let power = Math.exp(from * logC2);
  let sum = 0;
  let compensation = 0;
  for (let k = from; k < to; k++) {
    const term = coef * power;
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
    if (to === Infinity && (term <= 1e-17 * sum || term < 1e-300)) break;
    coef *= coefficientRatio(k + 1, even);
    power = (k + 1 - from) % 32 === 0 ? Math.exp((k + 1) * logC2) : power * c2;
  }
  return sum + compensation;
}

/** Number of leading terms in A&S 26.7.3/26.7.4: up to c^(nu-2) for nu even, c^(nu-3) for nu odd. */
function headLength(nu: number): number {
  return nu % 2 === 0 ? nu / 2 : (nu - 1) / 2;
}

/** A(t | nu) = P(|T| <= t) for u = t / sqrt(nu) >= 0. */
function centralProbability(u: number, nu: number): number {
  const r = Math.sqrt(1 + u * u);
  const sum = seriesSum(nu % 2 === 0, -Math.log1p(u * u), 0, headLength(nu));
  return nu % 2 === 0 ? (u / r) * sum : (2 / Math.PI) * (Math.atan(u) + (u / r) * (1 / r) * sum);
}

/** 1 - A(t | nu) = P(|T| > t) for u = t / sqrt(nu) >= 0: the remainder of the series behind A. */
function tailProbability(u: number, nu: number): number {
  const r = Math.sqrt(1 + u * u);
  const sum = seriesSum(nu % 2 === 0, -Math.log1p(u * u), headLength(nu), Infinity);
  return nu % 2 === 0 ? (u / r) * sum : (2 / Math.PI) * (u / r) * (1 / r) * sum;
}

/** P(|T| <= t) for Student's t with `nu` (positive integer) degrees of freedom. */
export function studentTCentralProbability(t: number, nu: number): number {
  validateDegreesOfFreedom(nu);
  return centralProbability(Math.abs(t) / Math.sqrt(nu), nu);
}

/**
 * The two-sided critical value: the t > 0 with P(|T| <= t) = `confidence`, i.e. `scipy.stats.t.ppf((1 + c) / 2, nu)`
 * and R's `-qt((1 - c) / 2, nu)`. Bisection on t down to adjacent doubles. For confidence >= 0.5 it compares the
 * tail with 1 - confidence (exact in floating point there), except where the remainder series would need millions
 * of terms (huge nu with t far below sqrt(nu)), where the central sum is cheaper.
 */
export function studentTCritical(confidence: number, nu: number): number {
  validateDegreesOfFreedom(nu);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be strictly between 0 and 1, got ${String(confidence)}`);
  }
  const rootNu = Math.sqrt(nu);
  // Signed distance from the target, increasing in t.
  const excess = (t: number): number => {
    const u = t / rootNu;
    const useTail = confidence >= 0.5 && u * u > 1e-5;
    return useTail ? 1 - confidence - tailProbability(u, nu) : centralProbability(u, nu) - confidence;
  };
  let lo = 0;
  let hi = 1e20; // P(|T| > 1e20) is below every representable 1 - confidence
  for (let i = 0; i < 5000; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (excess(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.abs(excess(lo)) < Math.abs(excess(hi)) ? lo : hi;
}
