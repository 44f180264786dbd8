/**
 * Where a cell's time goes, per binding: the median over its ok runs of each phase (start-up, data loading and model
 * building, training, evaluation, export, other; see TimePhases). Descriptive only: no test, since the phases are
 * there to show what a campaign's wall time is made of, not to rank bindings.
 */
import { median } from '../stats/index.js';
import { TIME_PHASES, type TimePhases } from '../store/run-result.js';
import type { RunRecord } from './campaign-data.js';
import { groupBy } from './grouping.js';

export interface PhaseRow {
  binding: string;
  model: string;
  device: string;
  mode: RunRecord['mode'];
  style: string;
  schedule: string;
  runs: number;
  /** Median seconds per phase over the runs. */
  median: TimePhases;
  /** Median of the runs' process seconds (the phases' medians need not add up to it). */
  medianTotal: number;
}

export function analyzeTimePhases(runs: readonly RunRecord[]): PhaseRow[] {
  const broken = runs.filter((r) => r.status === 'ok' && r.phases !== null);
  return groupBy(broken, (r) => [r.mode, r.model, r.device, r.style, r.schedule, r.binding]).map((group) => {
    const first = group[0]!;
    const med = Object.fromEntries(TIME_PHASES.map((p) => [p, median(group.map((r) => r.phases![p]))])) as unknown as TimePhases;
    const total = median(group.map((r) => TIME_PHASES.reduce((s, p) => s + r.phases![p], 0)));
    return { binding: first.binding, model: first.model, device: first.device, mode: first.mode, style: first.style, schedule: first.schedule, runs: group.length, median: med, medianTotal: total };
  });
}
