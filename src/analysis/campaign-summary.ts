/**
 * The tables a campaign ends with: per model and binding, accuracy and training time; per cross-binding load, how
 * many models reproduced and how fast they ran; each time as a ratio to its family's reference binding measured in
 * the same campaign (the families of families.ts, so these ratios and the RQ tables compare the same runs).
 */
import { median as statsMedian } from '../stats/index.js';
import { defaultAnalysisOptions } from './analysis-options.js';
import type { FrameworkFacts } from '../bindings/index.js';
import type { RunRecord } from './campaign-data.js';
import { familyOf } from './families.js';
import { groupBy } from './grouping.js';
import { reproductionOf } from './reproduction.js';
import { isCanonicalLoad } from '../protocol/load-modes.js';

export interface SummaryRow {
  model: string;
  binding: string;
  framework: string;
  device: string;
  /** Training style; a binding's two styles are two rows, each compared with the reference in the same style. */
  style: string;
  ok: number;
  total: number;
  /** Statuses other than ok, with their first reason. */
  problems: string[];
  meanTestAccuracy: number | null;
  minTestAccuracy: number | null;
  medianTrainSeconds: number | null;
  /** Median training time divided by the reference binding's, same model. */
  ratioToReference: number | null;
}

export interface InferSummaryRow {
  model: string;
  source: string;
  target: string;
  loadMode: string;
  device: string;
  style: string;
  ok: number;
  total: number;
  reproduced: number;
  stable: number;
  problems: string[];
  medianInferenceSeconds: number | null;
  ratioToReference: number | null;
}

/** The median, or null for no values (a binding whose runs all failed). */
function median(xs: number[]): number | null {
  return xs.length ? statsMedian(xs) : null;
}

const present = (xs: Array<number | null>): number[] => xs.filter((x): x is number => x !== null);
/** A median over its reference's, or null when either is missing (or the reference is 0). */
const ratio = (value: number | null, reference: number | null | undefined): number | null => (reference && value !== null ? value / reference : null);
const problemsOf = (runs: readonly RunRecord[]) => [...new Set(runs.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.reason ?? ''}`))];

export function summarizeTraining(runs: readonly RunRecord[], facts: FrameworkFacts = defaultAnalysisOptions): SummaryRow[] {
  const rows = groupBy(runs.filter((r) => r.mode === 'train'), (r) => [r.model, r.device, r.style, r.binding]).map((group): SummaryRow & { reference: string } => {
    const ok = group.filter((r) => r.status === 'ok');
    const acc = present(ok.map((r) => r.finalTestAccuracy));
    const family = familyOf(group[0]!, facts);
    return {
      model: group[0]!.model,
      binding: group[0]!.binding,
      framework: family.family,
      device: group[0]!.device,
      style: group[0]!.style,
      ok: ok.length,
      total: group.length,
      problems: problemsOf(group),
      meanTestAccuracy: acc.length ? acc.reduce((a, b) => a + b, 0) / acc.length : null,
      minTestAccuracy: acc.length ? Math.min(...acc) : null,
      medianTrainSeconds: median(present(ok.map((r) => r.trainSeconds))),
      ratioToReference: null,
      reference: family.reference,
    };
  });
  return rows.map(({ reference, ...row }) => {
    const ref = rows.find((r) => r.model === row.model && r.device === row.device && r.style === row.style && r.binding === reference);
    return { ...row, ratioToReference: ratio(row.medianTrainSeconds, ref?.medianTrainSeconds) };
  });
}

/**
 * Per source × target × load mode × device. A load's time is compared with the reference of its family loading the
 * same model with the canonical weights (for a cross-framework load, the target framework's reference).
 */
export function summarizeInference(runs: readonly RunRecord[], facts: FrameworkFacts = defaultAnalysisOptions): InferSummaryRow[] {
  const infer = runs.filter((r) => r.mode === 'infer' && r.sourceBinding !== null);
  const rows = groupBy(infer, (r) => [r.model, r.sourceBinding!, r.binding, r.loadMode ?? '', r.device, r.style]).map((group) => {
    const ok = group.filter((r) => r.status === 'ok');
    const verdicts = ok.map(reproductionOf);
    const first = group[0]!;
    return {
      model: first.model,
      source: first.sourceBinding!,
      target: first.binding,
      loadMode: first.loadMode ?? '',
      device: first.device,
      style: first.style,
      ok: ok.length,
      total: group.length,
      reproduced: verdicts.filter((v) => v.reproduced).length,
      stable: verdicts.filter((v) => v.stable).length,
      problems: problemsOf(group),
      medianInferenceSeconds: median(present(ok.map((r) => r.meanInferenceSeconds))),
      ratioToReference: null as number | null,
      reference: familyOf(first, facts).reference,
      canonical: isCanonicalLoad(first.loadMode),
    };
  });
  return rows.map(({ reference, canonical: _c, ...row }) => {
    const ref = rows.find((r) => r.model === row.model && r.source === row.source && r.device === row.device && r.style === row.style && r.target === reference && r.canonical);
    return { ...row, ratioToReference: ratio(row.medianInferenceSeconds, ref?.medianInferenceSeconds) };
  });
}
