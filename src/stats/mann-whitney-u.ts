import { averageRanks } from './average-ranks.js';
import { mannWhitneyExactSurvival } from './mann-whitney-exact.js';
import { normalCdf } from './normal.js';
import { pairwiseSum } from './pairwise-sum.js';
import { validateChoice, validateSample } from './validate.js';

export type Alternative = 'two-sided' | 'less' | 'greater';
export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

export interface MannWhitneyUOptions {
  /** 'less': x is stochastically smaller than y; 'greater': larger. Default 'two-sided'. */
  alternative?: Alternative;
  /** Default 'auto': exact when the smaller sample has at most 8 values and nothing is tied. */
  method?: MannWhitneyMethod;
  /** Half-unit continuity correction of the normal approximation (asymptotic method only). Default true. */
  useContinuity?: boolean;
}

export interface MannWhitneyUResult {
  /** U of the first sample: the number of pairs (x_i, y_j) with x_i > y_j, ties counting one half. */
  statistic: number;
  pvalue: number;
  /** The method that produced the p-value ('auto' resolved). */
  method: 'exact' | 'asymptotic';
}

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];
const METHODS: readonly MannWhitneyMethod[] = ['auto', 'exact', 'asymptotic'];

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples.
 *
 * Definition: rank the pooled samples with mid-ranks, R1 = sum of the ranks of x, U1 = R1 - n1 (n1 + 1) / 2,
 * U2 = n1 n2 - U1. The p-value is P(U >= U1) for 'greater', P(U >= U2) for 'less' and 2 P(U >= max(U1, U2)) for
 * 'two-sided' (clipped to 1), where U follows
 * - 'exact': the exact null distribution (Löffler's recurrence; ties are not corrected for and a fractional U is
 *   truncated to an integer, as SciPy does);
 * - 'asymptotic': N(n1 n2 / 2, s^2), s^2 = n1 n2 / 12 ((n + 1) - sum(t^3 - t) / (n (n - 1))) with t the sizes of
 *   the tie groups, and U reduced by 1/2 when `useContinuity`.
 * 'auto' is SciPy's current rule (`_mwu_choose_method`): asymptotic when both samples have more than 8 values or
 * any value is tied, exact otherwise.
 *
 * Matches `scipy.stats.mannwhitneyu(x, y, use_continuity, alternative, method=method)` (SciPy 1.17) to 1e-12
 * relative, degenerate inputs included: samples of one value, complete separation, and all values equal, where
 * SciPy's asymptotic test gives p = 1 with the continuity correction and p = NaN without it (0/0 in the z-score);
 * this function returns the same rather than inventing a value.
 *
 * Cost: ranking is O(n log n); the exact distribution is O((n1 n2 / 2)^2), meant for the small samples 'auto' gives
 * it (forcing it on hundreds of values per sample takes seconds or more, as in SciPy).
 *
 * Throws RangeError on an empty sample or NaN. ±Infinity is allowed (it only needs to be ranked).
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  opts: MannWhitneyUOptions = {},
): MannWhitneyUResult {
  const xs = validateSample(x, 'x', { allowInfinite: true });
  const ys = validateSample(y, 'y', { allowInfinite: true });
  const alternative = validateChoice(opts.alternative ?? 'two-sided', ALTERNATIVES, 'alternative');
  const requested = validateChoice(opts.method ?? 'auto', METHODS, 'method');
  const useContinuity = opts.useContinuity ?? true;
  if (typeof useContinuity !== 'boolean') throw new RangeError('useContinuity must be true or false');

  const n1 = xs.length;
  const n2 = ys.length;
  const { ranks, tieCounts } = averageRanks([...xs, ...ys]);
  const u1 = pairwiseSum(ranks, 0, n1) - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const [u, factor] = alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2];

  const hasTies = tieCounts.some((t) => t > 1);
  const method = requested === 'auto' ? chooseMethod(n1, n2, hasTies) : requested;

  const oneSided =
    method === 'exact'
      ? mannWhitneyExactSurvival(n1, n2, Math.trunc(u))
      : normalCdf(-standardizedU(u, n1, n2, tieCounts, useContinuity));
  const pvalue = Math.min(Math.max(oneSided * factor, 0), 1);
  return { statistic: u1, pvalue, method };
}

/** SciPy's `_mwu_choose_method`. */
function chooseMethod(n1: number, n2: number, hasTies: boolean): 'exact' | 'asymptotic' {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return hasTies ? 'asymptotic' : 'exact';
}

/** SciPy's `_get_mwu_z`, term for term, so the z-score (and the p-value) is the same double. */
function standardizedU(u: number, n1: number, n2: number, tieCounts: number[], useContinuity: boolean): number {
  const n = n1 + n2;
  const tieTerm = pairwiseSum(tieCounts.map((t) => t ** 3 - t));
  const s = Math.sqrt(((n1 * n2) / 12) * ((n + 1) - tieTerm / (n * (n - 1))));
  let numerator = u - (n1 * n2) / 2;
  if (useContinuity) numerator -= 0.5;
  return numerator / s;
}
