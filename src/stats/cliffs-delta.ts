import { normalQuantile } from './normal.js';
import { pairwiseSum } from './pairwise-sum.js';
import { sortedCopy } from './sorted-copy.js';
import { studentTCritical } from './student-t.js';
import { validateChoice, validateOpenUnit, validateSample } from './validate.js';

export type CliffsMagnitude = 'negligible' | 'small' | 'medium' | 'large';

export interface CliffsDeltaOptions {
  /** Confidence level of the interval, strictly between 0 and 1. Default 0.95. */
  confidence?: number;
  /**
   * Distribution of the critical value: Student's t with n1 + n2 - 2 degrees of freedom (Feng & Cliff 2004; the
   * default of R's effsize) or the standard normal (effsize `use.normal = TRUE`). Default 'student-t'.
   */
  distribution?: 'student-t' | 'normal';
}

export interface CliffsDeltaResult {
  /** P(X > Y) - P(X < Y) over all n1 n2 pairs. */
  delta: number;
  magnitude: CliffsMagnitude;
  /** Lower and upper confidence bounds, within [-1, 1]. */
  ci: [number, number];
  /** The consistent variance estimate s_d^2 behind the interval. */
  variance: number;
}

/** Hess & Kromrey (2004) thresholds on |delta|: < 0.147 negligible, < 0.33 small, < 0.474 medium, else large. */
export function cliffsMagnitude(delta: number): CliffsMagnitude {
  const size = Math.abs(delta);
  if (size < 0.147) return 'negligible';
  if (size < 0.33) return 'small';
  if (size < 0.474) return 'medium';
  return 'large';
}

/**
 * Cliff's delta (Cliff 1993), the dominance effect size of x over y, with an asymmetric confidence interval.
 *
 * delta = (#{(i,j): x_i > y_j} - #{(i,j): x_i < y_j}) / (n1 n2), computed from integer counts, so it is the correctly
 * rounded ratio. With d_ij = sign(x_i - y_j), row means d_i., column means d_.j, and d' = delta (rescaled by
 * (n1 n2 - 1) / (n1 n2) when |delta| = 1, so that fully separated samples do not get a zero-width interval):
 *
 *   s_d^2 = ((n2 - 1) S_i + (n1 - 1) S_j + S_ij) / (n1 n2),   the consistent estimator (Cliff 1996; Long et al. 2003)
 *   S_i = sum_i (d_i. - d')^2 / (n1 - 1),  S_j = sum_j (d_.j - d')^2 / (n2 - 1),
 *   S_ij = sum_ij (d_ij - d')^2 / ((n1 - 1)(n2 - 1))
 *
 *   CI = (d' - d'^3 -/+ z s_d sqrt((1 - d'^2)^2 + z^2 s_d^2)) / (1 - d'^2 + z^2 s_d^2)
 *
 * (Feng & Cliff 2004), with the bound at ±1 set to exactly ±1 when delta = ±1. This is R's
 * `effsize::cliff.delta(x, y, conf.level, use.unbiased = FALSE, use.normal)`; effsize's own default variance is the
 * unbiased estimator, which can be negative, hence the consistent one here. There is no SciPy/statsmodels equivalent;
 * tests compare with an independent dominance-matrix implementation in scripts/reference/make_stats_fixtures.py.
 *
 * Throws RangeError unless each sample has at least 2 values (the variance divides by n - 1) and is free of NaN.
 * ±Infinity is allowed (only comparisons are used).
 */
export function cliffsDelta(x: readonly number[], y: readonly number[], opts: CliffsDeltaOptions = {}): CliffsDeltaResult {
  const xs = validateSample(x, 'x', { minLength: 2, allowInfinite: true });
  const ys = validateSample(y, 'y', { minLength: 2, allowInfinite: true });
  const confidence = validateOpenUnit(opts.confidence ?? 0.95, 'confidence');
  const distribution = validateChoice(opts.distribution ?? 'student-t', ['student-t', 'normal'] as const, 'distribution');

  const n1 = xs.length;
  const n2 = ys.length;
  const pairs = n1 * n2;
  const sortedX = sortedCopy(xs);
  const sortedY = sortedCopy(ys);

  // Row i: how many y lie below x_i minus how many lie above; column j likewise from y_j's side.
  let xWins = 0;
  let yWins = 0;
  const rowNet = xs.map((v) => {
    const below = countBelow(sortedY, v);
    const above = n2 - countAtOrBelow(sortedY, v);
    xWins += below;
    yWins += above;
    return below - above;
  });
  const columnNet = ys.map((v) => (n1 - countAtOrBelow(sortedX, v)) - countBelow(sortedX, v));

  const delta = (xWins - yWins) / pairs;
  const d = Math.abs(delta) === 1 ? delta * ((pairs - 1) / pairs) : delta;

  const rowSquares = pairwiseSum(rowNet.map((r) => (r / n2 - d) ** 2));
  const columnSquares = pairwiseSum(columnNet.map((c) => (c / n1 - d) ** 2));
  const ties = pairs - xWins - yWins;
  const cellSquares = xWins * (1 - d) ** 2 + ties * d ** 2 + yWins * (1 + d) ** 2;

  const rowVariance = rowSquares / (n1 - 1);
  const columnVariance = columnSquares / (n2 - 1);
  const cellVariance = cellSquares / ((n1 - 1) * (n2 - 1));
  const variance = ((n2 - 1) * rowVariance + (n1 - 1) * columnVariance + cellVariance) / pairs;

  const z = distribution === 'normal' ? normalQuantile((1 + confidence) / 2) : studentTCritical(confidence, n1 + n2 - 2);
  const centre = d - d ** 3;
  const halfWidth = z * Math.sqrt(variance) * Math.sqrt((1 - d ** 2) ** 2 + z ** 2 * variance);
  const denominator = 1 - d ** 2 + z ** 2 * variance;
  const ci: [number, number] = [(centre - halfWidth) / denominator, (centre + halfWidth) / denominator];
  if (delta === 1) ci[1] = 1;
  if (delta === -1) ci[0] = -1;
  return { delta, magnitude: cliffsMagnitude(delta), ci, variance };
}

/** Number of values in `sorted` strictly below v. */
function countBelow(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of values in `sorted` at or below v. */
function countAtOrBelow(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
