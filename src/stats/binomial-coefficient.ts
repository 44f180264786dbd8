/**
 * C(n, k) as the double nearest to the exact integer, computed with BigInt so there is no rounding on the way.
 *
 * (SciPy's `special.binom`, used as the denominator of its exact Mann-Whitney distribution, is exact to about 1e-15
 * for k < 20 and uses a beta-function formula with relative error up to about 1e-12 for k >= 20; the exact value is
 * used here.)
 */
export function binomialCoefficient(n: number, k: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(k) || n < 0 || k < 0 || k > n) {
    throw new RangeError(`binomial coefficient needs integers 0 <= k <= n, got n=${n}, k=${k}`);
  }
  const r = Math.min(k, n - k);
  let value = 1n;
  for (let i = 1; i <= r; i++) value = (value * BigInt(n - r + i)) / BigInt(i);
  return Number(value);
}
