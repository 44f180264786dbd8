/** Warnings as data: what is wrong or missing, where, and what to do about it. Renderers only print them. */

export interface AnalysisWarning {
  /** Stable identifier, e.g. `failed-runs`, `too-few-samples`. */
  code: string;
  /** Which part of the analysis it concerns: `RQ3 pytorch lenet1`, `campaign`, ... */
  scope: string;
  message: string;
  /** The action that would remove the warning. */
  action: string;
}
