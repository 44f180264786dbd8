/**
 * Memory, the other cost users compare bindings on: one value per training run, the peak resident memory of the
 * runner's whole process tree (MiB), compared with the reference binding exactly as training time is (RQ3's families,
 * tests and correction). A run whose peak was not observed (imported, or made before bindbench recorded it) is left out.
 */
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { timingFamilies, type TimingFamily } from './timing-families.js';

export const MIB = 1024 * 1024;

export interface MemoryResult {
  /** Peak resident memory in MiB per training run. */
  families: TimingFamily[];
  /** Peak device memory in MiB per training run, where runners reported one (GPU runs). */
  device: TimingFamily[];
  warnings: AnalysisWarning[];
}

export function analyzeMemory(data: CampaignData, opts: AnalysisOptions): MemoryResult {
  const train = data.runs.filter((r) => r.mode === 'train');
  const host = timingFamilies(train, (r) => (r.peakRssBytes === null ? null : r.peakRssBytes / MIB), 'memory', opts, 'memory');
  const device = timingFamilies(train, (r) => (r.peakDeviceBytes === null ? null : r.peakDeviceBytes / MIB), 'device memory', opts, 'memory');
  return { families: host.families, device: device.families, warnings: [...host.warnings, ...device.warnings] };
}
