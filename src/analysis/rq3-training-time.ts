/**
 * RQ3: how long does training take in each binding? The sample is one training time per run (the per-epoch
 * evaluations excluded), compared with the reference binding per framework × model × device.
 */
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { timingFamilies, type TimingFamily } from './timing-families.js';

export interface Rq3Result {
  families: TimingFamily[];
  warnings: AnalysisWarning[];
}

export function analyzeRq3(data: CampaignData, opts: AnalysisOptions): Rq3Result {
  const train = data.runs.filter((r) => r.mode === 'train');
  return timingFamilies(train, (r) => r.trainSeconds, 'RQ3', opts);
}
