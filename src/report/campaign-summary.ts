/**
 * The per-binding table a campaign ends with: accuracy and training time side by side, each binding's time as a
 * ratio to its framework's reference (Python) binding measured in the same campaign.
 */
import type { RunResultFile } from '../store/run-dir.js';
import { renderTextTable } from './text-table.js';
import { median as statsMedian } from '../stats/index.js';

export interface SummaryRow {
  model: string;
  binding: string;
  framework: string;
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

/** The median, or null for no values (a binding whose runs all failed). */
function median(xs: number[]): number | null {
  return xs.length ? statsMedian(xs) : null;
}

export function summarizeCampaign(results: RunResultFile[], referenceOf: (framework: string) => string | undefined): SummaryRow[] {
  const groups = new Map<string, RunResultFile[]>();
  for (const r of results.filter((x) => x.cell.mode === 'train')) {
    const key = `${r.cell.model}\u0000${r.cell.binding}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: SummaryRow[] = [];
  for (const runs of groups.values()) {
    const ok = runs.filter((r) => r.status === 'ok');
    const acc = ok.map((r) => r.final_test_accuracy).filter((x): x is number => x !== null);
    const problems = [...new Set(runs.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.reason ?? ''}`))];
    rows.push({
      model: runs[0]!.cell.model,
      binding: runs[0]!.cell.binding,
      framework: runs[0]!.framework,
      ok: ok.length,
      total: runs.length,
      problems,
      meanTestAccuracy: acc.length ? acc.reduce((a, b) => a + b, 0) / acc.length : null,
      minTestAccuracy: acc.length ? Math.min(...acc) : null,
      medianTrainSeconds: median(ok.map((r) => r.train_seconds).filter((x): x is number => x !== null)),
      ratioToReference: null,
    });
  }
  for (const row of rows) {
    const ref = rows.find((r) => r.model === row.model && r.binding === referenceOf(row.framework));
    if (ref?.medianTrainSeconds && row.medianTrainSeconds !== null) row.ratioToReference = row.medianTrainSeconds / ref.medianTrainSeconds;
  }
  return rows.sort((a, b) => a.model.localeCompare(b.model) || a.binding.localeCompare(b.binding));
}

const fmt = (x: number | null, digits: number, suffix = '') => (x === null ? '—' : x.toFixed(digits) + suffix);

export function renderCampaignSummary(rows: SummaryRow[], opts: { markdown?: boolean } = {}): string {
  const table = renderTextTable(
    ['model', 'binding', 'runs ok', 'mean test acc', 'min test acc', 'median train s', 'time vs Python'],
    rows.map((r) => [r.model, r.binding, `${r.ok}/${r.total}`, fmt(r.meanTestAccuracy, 4), fmt(r.minTestAccuracy, 4), fmt(r.medianTrainSeconds, 2), fmt(r.ratioToReference, 2, 'x')]),
    opts,
  );
  const notes = rows.flatMap((r) => r.problems.map((p) => `- ${r.model} ${r.binding}: ${p}`));
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}

export interface InferSummaryRow {
  model: string;
  source: string;
  target: string;
  loadMode: string;
  device: string;
  ok: number;
  total: number;
  reproduced: number;
  stable: number;
  problems: string[];
  medianInferenceSeconds: number | null;
  ratioToReference: number | null;
}

/** The cross-binding table: per source × target × mode, how many loaded models reproduced and how fast they ran. */
export function summarizeInference(results: RunResultFile[], referenceOf: (framework: string) => string | undefined): InferSummaryRow[] {
  const groups = new Map<string, RunResultFile[]>();
  for (const r of results.filter((x) => x.cell.mode === 'infer' && x.cell.source)) {
    const key = [r.cell.model, r.cell.source!.binding, r.cell.binding, r.cell.source!.loadMode, r.cell.device].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: InferSummaryRow[] = [...groups.values()].map((runs) => {
    const ok = runs.filter((r) => r.status === 'ok');
    const first = runs[0]!;
    return {
      model: first.cell.model,
      source: first.cell.source!.binding,
      target: first.cell.binding,
      loadMode: first.cell.source!.loadMode,
      device: first.cell.device,
      ok: ok.length,
      total: runs.length,
      reproduced: ok.filter((r) => r.source?.reproduced).length,
      stable: ok.filter((r) => r.source?.stable).length,
      problems: [...new Set(runs.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.reason ?? ''}`))],
      medianInferenceSeconds: median(ok.map((r) => r.mean_inference_seconds).filter((x): x is number => x !== null)),
      ratioToReference: null,
    };
  });
  const frameworkOf = (binding: string) => results.find((r) => r.cell.binding === binding)?.framework ?? '';
  for (const row of rows) {
    // Compared with the reference of the framework the model runs in: the source's, or for a cross-framework load
    // (a PyTorch model in a TensorFlow binding) the target's, loading the same model.
    const source = frameworkOf(row.source);
    const target = frameworkOf(row.target);
    const framework = target === 'onnx' || target === '' ? source : target;
    const ref = rows.find((r) => r.model === row.model && r.source === row.source && r.device === row.device && r.target === referenceOf(framework) && r.loadMode === 'states');
    if (ref?.medianInferenceSeconds && row.medianInferenceSeconds !== null) row.ratioToReference = row.medianInferenceSeconds / ref.medianInferenceSeconds;
  }
  return rows;
}

export function renderInferenceSummary(rows: InferSummaryRow[], opts: { markdown?: boolean } = {}): string {
  const table = renderTextTable(
    ['model', 'trained in', 'loaded in', 'mode', 'device', 'runs ok', 'same correct count', 'stable', 'median infer s', 'time vs Python'],
    rows.map((r) => [r.model, r.source, r.target, r.loadMode, r.device, `${r.ok}/${r.total}`, `${r.reproduced}/${r.ok}`, `${r.stable}/${r.ok}`, fmt(r.medianInferenceSeconds, 4), fmt(r.ratioToReference, 2, 'x')]),
    opts,
  );
  const notes = rows.flatMap((r) => r.problems.map((p) => `- ${r.model} ${r.source} -> ${r.target} (${r.loadMode}): ${p}`));
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}
