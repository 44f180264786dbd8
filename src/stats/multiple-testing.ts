import { validateOpenUnit } from './validate.js';

/** Adjusted p-values (capped at 1) and rejection decisions, both in the order the p-values were given. */
export interface MultipleTestingResult {
  adjusted: number[];
  reject: boolean[];
}

/** Checks a family of p-values: non-empty, every value a number in [0, 1]. */
export function validatePValues(pvalues: readonly number[]): readonly number[] {
  if (!Array.isArray(pvalues)) throw new TypeError('pvalues must be an array of numbers');
  if (pvalues.length === 0) throw new RangeError('pvalues is empty; a correction needs at least one p-value');
  pvalues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`pvalues[${i}] is ${String(p)}; p-values must lie in [0, 1] (NaN is not dropped)`);
    }
  });
  return pvalues;
}

export function validateAlpha(alpha: number): number {
  return validateOpenUnit(alpha, 'alpha');
}
