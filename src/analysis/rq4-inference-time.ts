/**
 * RQ4: how long does inference take in each binding? The sample is, per loaded model, the mean duration of one
 * timed pass over the whole test set, pooled over every load mode the binding ran; compared with the reference
 * binding per framework × model × device.
 */
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { timingFamilies, type TimingFamily } from './timing-families.js';

export interface Rq4Result {
  families: TimingFamily[];
  warnings: AnalysisWarning[];
}

export function analyzeRq4(data: CampaignData, opts: AnalysisOptions): Rq4Result {
  const infer = data.runs.filter((r) => r.mode === 'infer');
  return timingFamilies(infer, (r) => r.meanInferenceSeconds, 'RQ4', opts);
}
