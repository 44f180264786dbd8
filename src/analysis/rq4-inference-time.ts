/**
 * RQ4: how long does inference take in each binding? The sample is, per loaded model, the mean duration of one
 * timed pass over the whole test set, pooled over every load mode the binding ran; compared with the reference
 * binding per framework × model × device. Runs of ONNX exports form their own family (`<framework>+onnx`): they time
 * an ONNX runtime, not the binding, so pooling them with the binding's native loads would blur both.
 */
import { withFamilyReferences, type AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { timingFamilies, type TimingFamily } from './timing-families.js';

/** Marks the family of ONNX-export runs of a framework. */
export const ONNX_SUFFIX = '+onnx';

export interface Rq4Result {
  families: TimingFamily[];
  warnings: AnalysisWarning[];
}

export function analyzeRq4(data: CampaignData, opts: AnalysisOptions): Rq4Result {
  const infer = data.runs.filter((r) => r.mode === 'infer');
  const native = timingFamilies(infer.filter((r) => r.loadMode !== 'onnx'), (r) => r.meanInferenceSeconds, 'RQ4', opts);
  const onnxRuns = infer.filter((r) => r.loadMode === 'onnx').map((r) => ({ ...r, framework: `${r.framework}${ONNX_SUFFIX}` }));
  const onnx = timingFamilies(onnxRuns, (r) => r.meanInferenceSeconds, 'RQ4', withFamilyReferences(opts));
  return { families: [...native.families, ...onnx.families], warnings: [...native.warnings, ...onnx.warnings] };
}
