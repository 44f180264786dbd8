import { normalQuantile } from './normal.js';
import { validateOpenUnit } from './validate.js';

/**
 * Wilson score interval (Wilson 1927) for a binomial proportion: k successes in n trials, without continuity
 * correction. With z = Φ⁻¹((1 + c) / 2) and p̂ = k / n, the bounds are
 *   (p̂ + z²/2n ∓ z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n),
 * clipped to [0, 1] (k = 0 gives exactly 0 below, k = n exactly 1 above).
 *
 * Matches `scipy.stats.binomtest(k, n).proportion_ci(confidence_level=c, method='wilson')` (tested). Unlike the
 * normal (Wald) interval it stays inside [0, 1] and is not empty at k = 0, which is where a false-alarm rate lives.
 * Throws RangeError unless n is a positive integer, k an integer in [0, n] and c in (0, 1).
 */
export function wilsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${String(n)}`);
  if (!Number.isSafeInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, ${n}], got ${String(k)}`);
  validateOpenUnit(confidence, 'confidence');
  const z = normalQuantile((1 + confidence) / 2);
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const low = k === 0 ? 0 : Math.max(0, (centre - half) / denominator);
  const high = k === n ? 1 : Math.min(1, (centre + half) / denominator);
  return [low, high];
}
