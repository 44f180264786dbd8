/**
 * The tables a campaign ends with, rendered as text or Markdown: accuracy and training time per binding, and the
 * cross-binding loads (src/analysis/campaign-summary.ts computes both).
 */
import type { InferSummaryRow, SummaryRow } from '../analysis/campaign-summary.js';
import { renderTextTable } from './text-table.js';

const fmt = (x: number | null, digits: number, suffix = '') => (x === null ? '—' : x.toFixed(digits) + suffix);

export function renderCampaignSummary(rows: SummaryRow[], opts: { markdown?: boolean } = {}): string {
  const table = renderTextTable(
    ['model', 'device', 'style', 'binding', 'runs ok', 'mean test acc', 'min test acc', 'median train s', 'time vs reference'],
    rows.map((r) => [r.model, r.device, r.style, r.binding, `${r.ok}/${r.total}`, fmt(r.meanTestAccuracy, 4), fmt(r.minTestAccuracy, 4), fmt(r.medianTrainSeconds, 2), fmt(r.ratioToReference, 2, 'x')]),
    opts,
  );
  const notes = rows.flatMap((r) => r.problems.map((p) => `- ${r.model} ${r.binding} (${r.device}, ${r.style}): ${p}`));
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}

export function renderInferenceSummary(rows: InferSummaryRow[], opts: { markdown?: boolean } = {}): string {
  const table = renderTextTable(
    ['model', 'trained in', 'style', 'loaded in', 'mode', 'device', 'runs ok', 'same correct count', 'stable', 'median infer s', 'time vs reference'],
    rows.map((r) => [r.model, r.source, r.style, r.target, r.loadMode, r.device, `${r.ok}/${r.total}`, `${r.reproduced}/${r.ok}`, `${r.stable}/${r.ok}`, fmt(r.medianInferenceSeconds, 4), fmt(r.ratioToReference, 2, 'x')]),
    opts,
  );
  const notes = rows.flatMap((r) => r.problems.map((p) => `- ${r.model} ${r.source} -> ${r.target} (${r.loadMode}): ${p}`));
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}
