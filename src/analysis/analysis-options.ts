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

/**
 * The framework whose reference a family is compared with: `pytorch+onnx` (ONNX exports of PyTorch models) is
 * PyTorch's, `pytorch→tensorflow` (PyTorch models loaded in TensorFlow bindings) TensorFlow's.
 */
export function referenceFramework(family: string): string {
  return family.split('→').pop()!.replace(/\+onnx$/, '');
}

/** Options whose `referenceOf` also answers for the composite families above. */
export function withFamilyReferences(opts: AnalysisOptions): AnalysisOptions {
  return { ...opts, referenceOf: (family) => opts.referenceOf(referenceFramework(family)) };
}

/** bindbench's default reference: the framework's Python binding, `<framework>/python`. */
export function pythonReference(framework: string): string {
  return `${framework}/python`;
}

export const defaultAnalysisOptions: AnalysisOptions = { referenceOf: pythonReference, alpha: 0.05, correction: 'bonferroni' };
