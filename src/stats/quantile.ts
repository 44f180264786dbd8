import { sortedCopy } from './sorted-copy.js';
import { validateClosedUnit, validateSample } from './validate.js';

/**
 * The q-th quantile by linear interpolation between order statistics (Hyndman & Fan type 7, the default of NumPy,
 * R and Excel): with the sample sorted as x(0) <= ... <= x(n-1), h = (n - 1) q, the result is
 * x(floor h) + (h - floor h) (x(floor h + 1) - x(floor h)).
 *
 * Matches `numpy.quantile(x, q)` (method 'linear'), including NumPy's two-sided interpolation formula, so results
 * agree to the last bit. Throws RangeError on an empty sample, NaN, ±Infinity or q outside [0, 1].
 */
export function quantile(x: readonly number[], q: number): number {
  const sample = validateSample(x, 'x');
  validateClosedUnit(q, 'q');
  return quantileOfSorted(sortedCopy(sample), q);
}

/** {@link quantile} on data already sorted ascending (not checked), for callers that need several quantiles. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtualIndex = (n - 1) * q;
  if (virtualIndex >= n - 1) return sorted[n - 1]!;
  const below = Math.floor(virtualIndex);
  return lerp(sorted[below]!, sorted[below + 1]!, virtualIndex - below);
}

/** NumPy's `_lerp`: interpolate from whichever end is nearer, so t = 0 and t = 1 return the end points exactly. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
