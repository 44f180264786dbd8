import { pairwiseSum } from './pairwise-sum.js';
import { validateSample } from './validate.js';

/**
 * Arithmetic mean, sum(x) / n, summed pairwise as NumPy does.
 *
 * Matches `numpy.mean(x)` (bit for bit on float64 input). Throws RangeError on an empty sample, NaN or ±Infinity.
 */
export function mean(x: readonly number[]): number {
  const sample = validateSample(x, 'x');
  return pairwiseSum(sample) / sample.length;
}
