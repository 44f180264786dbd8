import { validateAlpha, validatePValues, type MultipleTestingResult } from './multiple-testing.js';

/**
 * Holm's step-down Bonferroni correction (Holm 1979). With the p-values sorted ascending, p(1) <= ... <= p(m):
 * adjusted p(i) = min(1, max_{j <= i} (m - j + 1) p(j)); H(1), ..., H(k-1) are rejected, where k is the first index
 * with p(k) > alpha / (m - k + 1) (all of them when there is none).
 *
 * Matches `statsmodels.stats.multitest.multipletests(pvalues, alpha, method='holm')` (reject, pvals_corrected).
 * Throws RangeError on an empty family, a p-value outside [0, 1] (NaN included) or alpha outside (0, 1).
 */
export function holm(pvalues: readonly number[], alpha = 0.05): MultipleTestingResult {
  validatePValues(pvalues);
  validateAlpha(alpha);
  const m = pvalues.length;
  const order = pvalues.map((_, i) => i).sort((a, b) => pvalues[a]! - pvalues[b]! || a - b);
  const adjusted = new Array<number>(m);
  const reject = new Array<boolean>(m);
  let runningMax = -Infinity;
  let stillRejecting = true;
  order.forEach((original, rank) => {
    const p = pvalues[original]!;
    const multiplier = m - rank;
    if (p > alpha / multiplier) stillRejecting = false;
    reject[original] = stillRejecting;
    runningMax = Math.max(runningMax, p * multiplier);
    adjusted[original] = Math.min(runningMax, 1);
  });
  return { adjusted, reject };
}
