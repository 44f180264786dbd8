import { validateAlpha, validatePValues, type MultipleTestingResult } from './multiple-testing.js';

/**
 * Bonferroni correction for m tests: adjusted p_i = min(1, m p_i); reject H_i when p_i <= alpha / m.
 *
 * Matches `statsmodels.stats.multitest.multipletests(pvalues, alpha, method='bonferroni')` (reject, pvals_corrected).
 * Throws RangeError on an empty family, a p-value outside [0, 1] (NaN included) or alpha outside (0, 1).
 */
export function bonferroni(pvalues: readonly number[], alpha = 0.05): MultipleTestingResult {
  validatePValues(pvalues);
  validateAlpha(alpha);
  const m = pvalues.length;
  const threshold = alpha / m;
  return {
    adjusted: pvalues.map((p) => Math.min(p * m, 1)),
    reject: pvalues.map((p) => p <= threshold),
  };
}
