/**
 * Two campaigns side by side (e.g. two versions of a binding): per framework × model × device × binding, the
 * median training and inference times and the mean final test accuracy of A and B, from each campaign's own
 * analysis, with B relative to A, and the regression gate's verdicts of B against A (src/analysis/compare-sides.ts).
 */
import type { CampaignAnalysis } from '../../analysis/analyze-campaign.js';
import { formatSeconds } from '../format.js';
import { comparisonTimeSpec, trainingTimeGroups, inferenceTimeGroups, type ComparedTimeRow, type TimeGroup } from '../figures/time-boxplots.js';
import { slug, type FigureDef, type RenderedFigure } from '../figures/figure.js';
import { bindingOrder } from '../figures/figure-set.js';
import type { ReportRun } from '../campaign-runs.js';
import { numberCell, renderDataTable, type Column, type Row } from './data-table.js';
import { BINDING_ROW_COLUMNS } from '../table-model.js';
import { escapeHtml, hrefOf } from './escape.js';
import { renderFigure } from './figures-section.js';
import { renderPage } from './page.js';
import { renderGateSection } from './gate-section.js';
import type { GateResult } from '../../analysis/compare-sides.js';

interface Side {
  trainMedian: number | null;
  trainRuns: number;
  inferMedian: number | null;
  inferModels: number;
  accuracy: number | null;
  accuracyRuns: number;
}

export interface ComparisonRow {
  framework: string;
  model: string;
  device: string;
  style: string;
  binding: string;
  a: Side | null;
  b: Side | null;
}

type Key = string;
const keyOf = (framework: string, model: string, device: string, style: string, binding: string): Key => [framework, model, device, style, binding].join('\u0000');

function sides(analysis: CampaignAnalysis): Map<Key, Side> {
  const out = new Map<Key, Side>();
  const side = (k: Key) => {
    let s = out.get(k);
    if (!s) out.set(k, (s = { trainMedian: null, trainRuns: 0, inferMedian: null, inferModels: 0, accuracy: null, accuracyRuns: 0 }));
    return s;
  };
  for (const f of analysis.rq3) for (const s of f.samples) Object.assign(side(keyOf(f.framework, f.model, f.device, f.style, s.binding)), { trainMedian: s.summary.median, trainRuns: s.summary.n });
  for (const f of analysis.rq4) for (const s of f.samples) Object.assign(side(keyOf(f.framework, f.model, f.device, f.style, s.binding)), { inferMedian: s.summary.median, inferModels: s.summary.n });
  for (const g of analysis.rq1) for (const b of g.bindings) Object.assign(side(keyOf(g.framework, g.model, g.device, g.style, b.binding)), { accuracy: b.meanFinalTestAccuracy, accuracyRuns: b.finalTestAccuracies.length });
  return out;
}

export function comparisonRows(a: CampaignAnalysis, b: CampaignAnalysis): ComparisonRow[] {
  const sa = sides(a);
  const sb = sides(b);
  return [...new Set([...sa.keys(), ...sb.keys()])]
    .sort()
    .map((k) => {
      const [framework, model, device, style, binding] = k.split('\u0000') as [string, string, string, string, string];
      return { framework, model, device, style, binding, a: sa.get(k) ?? null, b: sb.get(k) ?? null };
    });
}

const ratio = (b: number | null | undefined, a: number | null | undefined) => (a && b !== null && b !== undefined ? b / a : null);

export function renderComparisonTable(rows: readonly ComparisonRow[]): string {
  const columns: Column[] = [
    ...BINDING_ROW_COLUMNS,
    { label: 'A train s (median)', numeric: true },
    { label: 'B train s (median)', numeric: true },
    { label: 'B / A train', numeric: true, title: 'below 1: B trains faster' },
    { label: 'A infer s (median)', numeric: true },
    { label: 'B infer s (median)', numeric: true },
    { label: 'B / A infer', numeric: true, title: 'below 1: B infers faster' },
    { label: 'A test acc (mean)', numeric: true },
    { label: 'B test acc (mean)', numeric: true },
    { label: 'B − A acc', numeric: true },
  ];
  const seconds = (s: Side | null, pick: 'trainMedian' | 'inferMedian', n: 'trainRuns' | 'inferModels') => numberCell(s?.[pick] ?? null, formatSeconds, { title: s ? `${s[n]} value(s)` : 'not in this campaign' });
  const ratioCell = (x: number | null) => numberCell(x, (v) => `${v.toFixed(2)}x`, { className: x === null ? '' : x < 1 ? 'delta-better' : x > 1 ? 'delta-worse' : '' });
  const body: Row[] = rows.map((r) => {
    const accDiff = r.a?.accuracy != null && r.b?.accuracy != null ? r.b.accuracy - r.a.accuracy : null;
    return {
      cells: [
        r.framework,
        r.model,
        r.device,
        r.style,
        r.binding,
        seconds(r.a, 'trainMedian', 'trainRuns'),
        seconds(r.b, 'trainMedian', 'trainRuns'),
        ratioCell(ratio(r.b?.trainMedian, r.a?.trainMedian)),
        seconds(r.a, 'inferMedian', 'inferModels'),
        seconds(r.b, 'inferMedian', 'inferModels'),
        ratioCell(ratio(r.b?.inferMedian, r.a?.inferMedian)),
        numberCell(r.a?.accuracy ?? null, (x) => x.toFixed(4), { title: r.a ? `${r.a.accuracyRuns} run(s)` : undefined }),
        numberCell(r.b?.accuracy ?? null, (x) => x.toFixed(4), { title: r.b ? `${r.b.accuracyRuns} run(s)` : undefined }),
        numberCell(accDiff, (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`, { className: accDiff === null ? '' : accDiff < 0 ? 'delta-worse' : accDiff > 0 ? 'delta-better' : '' }),
      ],
      tags: { framework: r.framework, model: r.model, device: r.device, binding: r.binding },
    };
  });
  return renderDataTable(columns, body, { empty: 'Neither campaign has finished runs.' });
}

function compareGroups(groupsA: TimeGroup[], groupsB: TimeGroup[], labelA: string, labelB: string, kind: 'training' | 'inference', order: string[], campaignIds: string): FigureDef[] {
  const rows: Array<ComparedTimeRow & { framework: string; model: string }> = [
    ...groupsA.flatMap((g) => g.rows.map((r) => ({ ...r, campaign: labelA, framework: g.framework, model: g.model }))),
    ...groupsB.flatMap((g) => g.rows.map((r) => ({ ...r, campaign: labelB, framework: g.framework, model: g.model }))),
  ];
  // One figure per framework × model × device: a CPU and a GPU time never share a box.
  const keys = [...new Set(rows.map((r) => `${r.framework}\u0000${r.model}\u0000${r.device}`))].sort();
  return keys.map((k) => {
    const [fw, model, device] = k.split('\u0000') as [string, string, string];
    const mine = rows.filter((r) => r.framework === fw && r.model === model && r.device === device).map(({ framework: _f, model: _m, ...r }) => r);
    const bindings = order.filter((x) => mine.some((r) => r.binding === x));
    const title = `${fw} ${model} (${device}): ${kind} time, A vs B`;
    return {
      id: slug(campaignIds, `compare-${kind}`, fw, model, device),
      kind: 'comparison-time' as const,
      title,
      tags: { framework: fw, model, device },
      spec: comparisonTimeSpec(title, mine, bindings, [labelA, labelB], kind === 'training' ? 'training time (s, log)' : 'mean inference time (s, log)'),
    };
  });
}

/** Box plots of both campaigns' training and inference times, per framework × model (× device for training). */
export function comparisonFigures(idA: string, runsA: readonly ReportRun[], idB: string, runsB: readonly ReportRun[]): FigureDef[] {
  const order = bindingOrder([...runsA, ...runsB]);
  const labelA = `A: ${idA}`;
  const labelB = `B: ${idB}`;
  const ids = `${idA}-vs-${idB}`;
  return [
    ...compareGroups(trainingTimeGroups(runsA, order), trainingTimeGroups(runsB, order), labelA, labelB, 'training', order, ids),
    ...compareGroups(inferenceTimeGroups(runsA, order), inferenceTimeGroups(runsB, order), labelA, labelB, 'inference', order, ids),
  ];
}

export function renderComparison(idA: string, idB: string, rows: readonly ComparisonRow[], figures: readonly RenderedFigure[], gate?: GateResult): string {
  return [
    `<section id="comparison"><h2>A: ${escapeHtml(idA)} &nbsp;vs&nbsp; B: ${escapeHtml(idB)}</h2>`,
    '<p class="note">Medians and means come from each campaign\'s own analysis, with B relative to A. The gate below tests B against A as `bindbench compare A B` does; the campaigns ran separately (perhaps on different days or machines), so a time verdict also holds the drift between them: to judge two versions of a binding, run both in one campaign and compare them with --baseline and --candidate.</p>',
    renderComparisonTable(rows),
    '<h3>Times, A vs B</h3>',
    figures.length ? `<div class="figure-grid">${figures.map((f) => renderFigure(f)).join('\n')}</div>` : '<p class="note">No timed runs in either campaign.</p>',
    '</section>',
    gate ? renderGateSection(gate) : '',
  ].join('\n');
}

export function renderComparisonPage(data: { a: string; b: string; rows: readonly ComparisonRow[]; figures: readonly RenderedFigure[]; gate?: GateResult; choices: { models: string[]; bindings: string[]; devices: string[] } }): string {
  return renderPage({
    title: `Compare ${data.a} with ${data.b}`,
    subtitle: 'A is the baseline; B / A below 1 means B is faster.',
    nav: [
      { href: '/', label: 'all campaigns' },
      { href: hrefOf('campaigns', data.a), label: `A: ${data.a}` },
      { href: hrefOf('campaigns', data.b), label: `B: ${data.b}` },
    ],
    filters: { ...data.choices, mode: 'client' },
    body: renderComparison(data.a, data.b, data.rows, data.figures, data.gate),
  });
}
