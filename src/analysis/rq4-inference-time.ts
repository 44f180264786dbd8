/**
 * RQ4: how long does inference take in each binding? The sample is, per loaded model, the mean duration of one
 * timed pass over the whole test set, pooled over every load mode the binding ran; compared with the reference
 * binding per family × model × device (families.ts: loads of a framework-neutral export such as ONNX form their own).
 */
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { inNeutralTimingFamily } from './families.js';
import { timingFamilies, type TimingFamily } from './timing-families.js';

export interface Rq4Result {
  families: TimingFamily[];
  warnings: AnalysisWarning[];
}

export function analyzeRq4(data: CampaignData, opts: AnalysisOptions): Rq4Result {
  const infer = data.runs.filter((r) => r.mode === 'infer');
  // The binding families first, then the neutral-export ones, each in family, model, device order.
  const native = timingFamilies(infer.filter((r) => !inNeutralTimingFamily(r)), (r) => r.meanInferenceSeconds, 'RQ4', opts);
  const neutral = timingFamilies(infer.filter(inNeutralTimingFamily), (r) => r.meanInferenceSeconds, 'RQ4', opts);
  return { families: [...native.families, ...neutral.families], warnings: [...native.warnings, ...neutral.warnings] };
}
