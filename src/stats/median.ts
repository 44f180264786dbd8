import { sortedCopy } from './sorted-copy.js';
import { validateSample } from './validate.js';

/**
 * The middle order statistic; for an even number of values, the mean of the two middle ones, (a + b) / 2.
 *
 * Matches `numpy.median(x)` bit for bit. Throws RangeError on an empty sample, NaN or ±Infinity.
 */
export function median(x: readonly number[]): number {
  const sorted = sortedCopy(validateSample(x, 'x'));
  const n = sorted.length;
  const upper = sorted[n >> 1]!;
  return n % 2 === 1 ? upper : (sorted[(n >> 1) - 1]! + upper) / 2;
}
