/** Settings shared by the RQ modules. */
import { frameworkFacts, type FrameworkFacts } from '../bindings/index.js';

export type Correction = 'bonferroni' | 'holm';

export interface AnalysisOptions extends FrameworkFacts {
  /** Family-wise significance level. Default 0.05. */
  alpha: number;
  /** Multiple-comparison correction within each family. Default Bonferroni, as the study. */
  correction: Correction;
}

/** The binding registry's references and neutral runtimes, the study's alpha and correction. */
export const defaultAnalysisOptions: AnalysisOptions = { ...frameworkFacts(), alpha: 0.05, correction: 'bonferroni' };
