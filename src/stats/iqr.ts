import { sortedCopy } from './sorted-copy.js';
import { validateSample } from './validate.js';

/**
 * Interquartile range, Q(0.75) - Q(0.25), both quartiles by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the same definition as {@link quantile}).
 *
 * Matches `scipy.stats.iqr(x)` with its defaults (rng=(25, 75), interpolation='linear', scale=1.0) bit for bit:
 * SciPy 1.17 computes the quartiles with `scipy.stats.quantile`, whose arithmetic, (1 - g) x(j) + g x(j+1) with
 * j + g = p n + 1 - p, rounds differently from NumPy's (so `quantile(x, 0.75) - quantile(x, 0.25)` can differ from
 * this in the last bits). Throws RangeError on an empty sample, NaN or ±Infinity.
 */
export function iqr(x: readonly number[]): number {
  const sorted = sortedCopy(validateSample(x, 'x'));
  return scipyLinearQuantile(sorted, 0.75) - scipyLinearQuantile(sorted, 0.25);
}

/** `scipy.stats.quantile(x, p, method='linear')` on sorted data (`_quantile_hf`). */
function scipyLinearQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const position = p * n + (1 - p); // 1-based position j + g
  const upper = Math.floor(position);
  const lower = upper - 1;
  const g = lower < 0 ? 0 : position - upper;
  const clamp = (i: number): number => Math.min(Math.max(i, 0), n - 1);
  return (1 - g) * sorted[clamp(lower)]! + g * sorted[clamp(upper)]!;
}
