import { binomialCoefficient } from './binomial-coefficient.js';

/**
 * Number of arrangements of two samples of sizes m <= n that give U = 0, 1, ..., maxU under the null hypothesis,
 * by the recurrence of Löffler (1983) that SciPy uses (`scipy.stats._mannwhitneyu._MWU.build_u_freqs_array`):
 *
 *   u f(u) = sum_{i=0}^{u-1} f(i) sigma(u - i),   f(0) = 1,
 *   sigma(a) = sum of the divisors d of a with d <= m  -  sum of the divisors d of a with n < d <= n + m.
 *
 * The arithmetic follows SciPy's: each step is a float64 dot product, truncated to an integer while the counts fit
 * in a uint64 and kept as a float after that, so the counts (and the p-values) agree with SciPy's even where they
 * exceed 2^53.
 */
export function mannWhitneyCounts(m: number, n: number, maxU: number): Float64Array {
  const sigma = new Float64Array(maxU + 1);
  for (let d = 1; d <= m; d++) for (let a = d; a <= maxU; a += d) sigma[a]! += d;
  for (let d = n + 1; d <= n + m; d++) for (let a = d; a <= maxU; a += d) sigma[a]! -= d;

  const counts = new Float64Array(maxU + 1);
  counts[0] = 1;
  const uint64Max = 18446744073709551615; // rounds to 2^64, as NumPy compares
  let integerCounts = true;
  for (let u = 1; u <= maxU; u++) {
    let dot = 0;
    for (let i = 0; i < u; i++) dot += counts[i]! * sigma[u - i]!;
    const value = dot / u;
    if (integerCounts && value > uint64Max) integerCounts = false;
    counts[u] = integerCounts ? Math.trunc(value) : value;
  }
  return counts;
}

/**
 * P(U >= k) under the null hypothesis for samples of sizes n1 and n2, as `_MWU.sf(k)`: summed from the left
 * (through the symmetry U <-> n1 n2 - U) so no tail probability is found by subtracting two numbers near 1 unless
 * the answer itself is near 1.
 */
export function mannWhitneyExactSurvival(n1: number, n2: number, k: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const total = binomialCoefficient(m + n, m);
  const complement = m * n - k;
  const upTo = Math.min(k, complement);
  const counts = mannWhitneyCounts(m, n, upTo);
  let cdf = 0;
  for (let u = 0; u <= upTo; u++) cdf += counts[u]! / total;
  if (k < complement) return 1 - cdf + counts[k]! / total;
  return cdf;
}
