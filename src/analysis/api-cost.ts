/**
 * What a binding's own training API costs on top of the framework core: per binding × model × device, the training
 * time of a run in style `idiomatic` over the time of the run with the same seed in style `minimal` (same campaign,
 * so the same epochs, data order and initialisation), summarised as the median ratio with a percentile bootstrap
 * interval over the seeds. Above 1: the API's data path and loop cost time bindbench's minimal loop does not spend.
 */
import { bootstrapCI, median } from '../stats/index.js';
import type { RunRecord } from './campaign-data.js';
import { groupBy } from './grouping.js';

export interface ApiCostRow {
  framework: string;
  binding: string;
  model: string;
  device: string;
  /** The schedule both styles ran on (`serial`, or how many cells at once on how many cores). */
  schedule: string;
  /** Seeds trained in both styles: one ratio each. */
  pairs: number;
  /** idiomatic / minimal training time, one per seed, in seed order. */
  ratios: number[];
  medianRatio: number;
  /** 95 % percentile bootstrap interval of the median ratio; null with fewer than 2 pairs. */
  interval: [number, number] | null;
  medianIdiomaticSeconds: number;
  medianMinimalSeconds: number;
}

/** Fixed, so the same runs give the same interval in every report. */
const BOOTSTRAP_SEED = 20261205;

export function analyzeApiCost(runs: readonly RunRecord[]): ApiCostRow[] {
  const timed = runs.filter((r) => r.mode === 'train' && r.status === 'ok' && r.trainSeconds !== null && r.trainSeconds > 0);
  const rows: ApiCostRow[] = [];
  // Both styles of a pair ran on one schedule: a parallel idiomatic run over a serial minimal one would price the schedule.
  for (const group of groupBy(timed, (r) => [r.binding, r.model, r.device, r.schedule])) {
    const bySeed = (style: string) => new Map(group.filter((r) => r.style === style).map((r) => [r.seed, r.trainSeconds!]));
    const idiomatic = bySeed('idiomatic');
    const minimal = bySeed('minimal');
    const seeds = [...idiomatic.keys()].filter((s) => minimal.has(s)).sort((a, b) => a - b);
    if (seeds.length === 0) continue;
    const ratios = seeds.map((s) => idiomatic.get(s)! / minimal.get(s)!);
    const { framework, binding, model, device, schedule } = group[0]!;
    rows.push({
      framework,
      binding,
      model,
      device,
      schedule,
      pairs: seeds.length,
      ratios,
      medianRatio: median(ratios),
      interval: seeds.length >= 2 ? bootstrapCI(ratios, median, { seed: BOOTSTRAP_SEED }) : null,
      medianIdiomaticSeconds: median(seeds.map((s) => idiomatic.get(s)!)),
      medianMinimalSeconds: median(seeds.map((s) => minimal.get(s)!)),
    });
  }
  return rows.sort((a, b) => a.framework.localeCompare(b.framework) || a.model.localeCompare(b.model) || a.device.localeCompare(b.device) || a.binding.localeCompare(b.binding));
}
