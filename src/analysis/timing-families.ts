/**
 * RQ3 and RQ4 share one shape: a time per run, samples per binding, and each binding compared with the reference
 * within a family (framework × model × device × training style). Only what the sample is differs, so it is passed in.
 */
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { RunRecord } from './campaign-data.js';
import { compareToReference, summarize, type Comparison, type Direction, type SampleSummary } from './compare-to-reference.js';
import { familyOf } from './families.js';
import { groupBy, orderBindings } from './grouping.js';

export interface BindingSample {
  binding: string;
  /** Seconds, one per run, in run order. */
  values: number[];
  summary: SampleSummary;
}

export interface TimingFamily {
  framework: string;
  model: string;
  device: string;
  /** The training style of the runs (an infer run's: its source's); bindings are compared within one style. */
  style: string;
  /** How the campaign scheduled the runs (`serial`, or how many ran at once on how many cores): never mixed in a family. */
  schedule: string;
  reference: string;
  samples: BindingSample[];
  comparisons: Comparison[];
}

/**
 * The family a time is grouped by: `timingFamily` (see families.ts), and the schedule: a time measured beside other
 * cells on pinned cores is not the time of a cell that had the machine to itself, so the two are never compared.
 * `direction` says how a ratio reads (times: slower/faster; memory: more/less).
 */
export function timingFamilies(runs: readonly RunRecord[], secondsOf: (r: RunRecord) => number | null, label: string, opts: AnalysisOptions, direction: Direction = 'time'): { families: TimingFamily[]; warnings: AnalysisWarning[] } {
  const warnings: AnalysisWarning[] = [];
  const families: TimingFamily[] = [];
  const timed = runs.filter((r) => r.status === 'ok' && secondsOf(r) !== null).map((run) => ({ run, family: familyOf(run, opts) }));
  for (const entries of groupBy(timed, ({ run, family }) => [family.timingFamily, run.model, run.device, run.style])) {
    const schedules = [...new Set(entries.map((e) => e.run.schedule))].sort();
    if (schedules.length > 1) {
      const { run, family } = entries[0]!;
      warnings.push({
        code: 'mixed-schedules',
        scope: `${label} ${family.timingFamily} ${run.model} (${run.device}, ${run.style})`,
        message: `its runs ran on ${schedules.length} schedules (${schedules.join('; ')}): each is compared on its own, never with the others`,
        action: 'rerun the campaign on one schedule (`--parallel`, `--cores-per-cell`) to compare every run, or read each schedule\'s rows apart',
      });
    }
  }
  for (const entries of groupBy(timed, ({ run, family }) => [family.timingFamily, run.model, run.device, run.style, run.schedule])) {
    const group = entries.map((e) => e.run);
    const { model, device, style, schedule } = group[0]!;
    const { timingFamily: framework, reference } = entries[0]!.family;
    const scope = `${label} ${framework} ${model} (${device}, ${style}${schedule === 'serial' ? '' : `, ${schedule}`})`;
    const samples = orderBindings(group.map((r) => r.binding), reference).map((binding): BindingSample => {
      const values = group.filter((r) => r.binding === binding).map((r) => secondsOf(r)!);
      return { binding, values, summary: summarize(values) };
    });
    const refValues = samples.find((s) => s.binding === reference)?.values ?? [];
    const members = samples.filter((s) => s.binding !== reference).map((s) => ({ binding: s.binding, values: s.values }));
    if (refValues.length === 0 && members.length) {
      warnings.push({ code: 'no-reference', scope, message: `no ${reference} times: ${members.map((m) => m.binding).join(', ')} cannot be compared`, action: `add ${reference} to the campaign's bindings` });
    }
    const comparisons = compareToReference(reference, refValues, members, direction, opts);
    const small = comparisons.filter((c) => c.verdict === 'too few samples');
    if (small.length) {
      warnings.push({
        code: 'too-few-samples',
        scope,
        message: `no verdict for ${small.map((c) => `${c.binding} (${c.note})`).join('; ')}`,
        action: 'run more seeds per binding (the study used 5; `--seeds`), or compare fewer bindings at once',
      });
    }
    families.push({ framework, model, device, style, schedule, reference, samples, comparisons });
  }
  return { families, warnings };
}
