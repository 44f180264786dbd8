import { SeededRandom } from '../base/seeded-random.js';
import { quantileOfSorted } from './quantile.js';
import { validateOpenUnit, validateSample } from './validate.js';

export interface BootstrapOptions {
  /** Seed of the resampling generator (integer in [0, 2^32)); the same seed gives the same interval everywhere. */
  seed: number;
  /** Number of bootstrap resamples (positive integer). Default 10000. */
  resamples?: number;
  /** Confidence level, strictly between 0 and 1. Default 0.95. */
  confidence?: number;
}

/**
 * Percentile bootstrap confidence interval (Efron & Tibshirani 1993, ch. 13) of `statistic` over `x`.
 *
 * Each of B resamples draws n indices uniformly with replacement (`SeededRandom(seed).nextBelow(n)`, index by index,
 * resample by resample); the interval is the linear-interpolation ({@link quantile}, type 7) quantiles
 * (1 - c) / 2 and (1 + c) / 2 of the B statistic values. It is deterministic for a given seed; it is not
 * `scipy.stats.bootstrap` (whose default is BCa, with NumPy's generator), but the same procedure driven by the same
 * generator in Python gives the same numbers (tested).
 *
 * Throws RangeError on an empty sample, NaN, ±Infinity, bad options, or a statistic that returns a non-finite value.
 */
export function bootstrapCI(
  x: readonly number[],
  statistic: (sample: number[]) => number,
  opts: BootstrapOptions,
): [number, number] {
  const sample = validateSample(x, 'x');
  const { seed, resamples = 10000, confidence = 0.95 } = opts;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${String(seed)}`);
  }
  if (!Number.isSafeInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${String(resamples)}`);
  }
  validateOpenUnit(confidence, 'confidence');

  const rng = new SeededRandom(seed);
  const n = sample.length;
  const values = new Float64Array(resamples);
  const resample = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) resample[k] = sample[rng.nextBelow(n)]!;
    const value = statistic(resample.slice());
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`statistic returned ${String(value)} on bootstrap resample ${r}; it must return a finite number`);
    }
    values[r] = value;
  }
  values.sort();
  return [quantileOfSorted(values, (1 - confidence) / 2), quantileOfSorted(values, (1 + confidence) / 2)];
}
