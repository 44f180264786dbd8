/** Settings shared by the RQ modules. */

export type Correction = 'bonferroni' | 'holm';

export interface AnalysisOptions {
  /** The framework's reference binding (every other binding is compared with it). */
  referenceOf(framework: string): string;
  /** Family-wise significance level. Default 0.05. */
  alpha: number;
  /** Multiple-comparison correction within each family. Default Bonferroni, as the study. */
  correction: Correction;
}

/** bindbench's default reference: the framework's Python binding, `<framework>/python`. */
export function pythonReference(framework: string): string {
  return `${framework}/python`;
}

export const defaultAnalysisOptions: AnalysisOptions = { referenceOf: pythonReference, alpha: 0.05, correction: 'bonferroni' };
