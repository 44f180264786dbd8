/**
 * Figure (e): the statistics of RQ1-RQ4 as sortable HTML tables. A pure function of the analysis results
 * (src/analysis): every p-value, correction, effect size and verdict comes from there; this module only formats,
 * the same way the Markdown report does.
 */
import type { CampaignAnalysis } from '../../analysis/analyze-campaign.js';
import type { Comparison } from '../../analysis/compare-to-reference.js';
import type { TimingFamily } from '../../analysis/timing-families.js';
import { formatP, formatSeconds } from '../analysis-markdown.js';
import { numberCell, renderDataTable, type CellValue, type Column, type Row } from './data-table.js';
import { escapeHtml } from './escape.js';

const DASH = '—';

function correctionName(a: CampaignAnalysis): string {
  return a.settings.correction === 'holm' ? 'Holm' : 'Bonferroni';
}

const fixed = (digits: number) => (x: number) => x.toFixed(digits);

function pCell(p: number | null | undefined): CellValue {
  if (p === null || p === undefined) return { text: DASH, sort: null };
  return { text: formatP(p), sort: Number.isNaN(p) ? null : p };
}

function cliffCell(c: Comparison | undefined): CellValue {
  if (!c?.cliffsDelta) return { text: DASH, sort: null };
  const d = c.cliffsDelta;
  return { text: `${d.delta.toFixed(2)} (${d.magnitude})`, sort: d.delta, title: `95% CI ${d.ci[0].toFixed(2)} to ${d.ci[1].toFixed(2)}` };
}

function verdictCell(c: Comparison | undefined): CellValue {
  if (!c) return { text: 'reference', sort: '' };
  return { text: c.verdict, title: c.note ?? undefined, className: `verdict-${c.verdict.replace(/\s+/g, '-')}` };
}

function bindingLabel(binding: string, reference: string): string {
  return binding === reference ? `${binding} (reference)` : binding;
}

export function renderWarnings(a: CampaignAnalysis): string {
  if (a.warnings.length === 0) return '';
  const items = a.warnings.map((w) => `<li><strong>${escapeHtml(w.code)}</strong> (${escapeHtml(w.scope)}): ${escapeHtml(w.message)}. <em>What to do:</em> ${escapeHtml(w.action)}.</li>`);
  return `<ul class="warnings">${items.join('')}</ul>`;
}

export function renderRq1Tables(a: CampaignAnalysis): string {
  const curveColumns: Column[] = [
    { label: 'framework' },
    { label: 'model' },
    { label: 'device' },
    { label: 'bindings', numeric: true },
    { label: 'max DTW train', numeric: true, title: 'largest FastDTW distance between training-accuracy curves of two bindings, same seed, divided by the number of epochs' },
    { label: 'max DTW test', numeric: true, title: 'the same for test-accuracy curves' },
    { label: 'seed noise (train)', numeric: true, title: 'largest distance between training curves of one binding with different seeds' },
    { label: 'largest train pair vs noise' },
  ];
  const curveRows: Row[] = a.rq1.map((g) => {
    const worst = [...g.pairs].filter((p) => p.train.max !== null).sort((x, y) => y.train.max! - x.train.max!)[0];
    const versus = !worst ? DASH : worst.withinNoiseFloor === null ? 'no noise floor' : worst.withinNoiseFloor ? 'within seed noise' : `exceeds (${worst.a} vs ${worst.b})`;
    return {
      cells: [g.framework, g.model, g.device, numberCell(g.bindings.length, String), numberCell(g.maxTrainDtw, fixed(3)), numberCell(g.maxTestDtw, fixed(3)), numberCell(g.noiseFloor.max, fixed(3)), versus],
      tags: { framework: g.framework, model: g.model, device: g.device, binding: g.bindings.map((b) => b.binding) },
    };
  });
  const accuracyColumns: Column[] = [
    { label: 'framework' },
    { label: 'model' },
    { label: 'device' },
    { label: 'binding' },
    { label: 'runs', numeric: true },
    { label: 'mean final test acc', numeric: true },
    { label: 'p (MWU)', numeric: true, title: 'two-sided Mann-Whitney U against the reference' },
    { label: 'p adjusted', numeric: true, title: `after the ${correctionName(a)} correction within the family` },
    { label: "Cliff's δ", numeric: true, title: 'binding over reference; hover a value for its 95% CI' },
    { label: 'vs reference' },
  ];
  const accuracyRows: Row[] = a.rq1.flatMap((g) =>
    g.bindings.map((b): Row => {
      const c = g.finalTestAccuracy.find((x) => x.binding === b.binding);
      return {
        cells: [
          g.framework,
          g.model,
          g.device,
          bindingLabel(b.binding, g.reference),
          numberCell(b.finalTestAccuracies.length, String),
          numberCell(b.meanFinalTestAccuracy, fixed(4)),
          pCell(c?.mannWhitney?.pvalue),
          pCell(c?.adjustedP),
          cliffCell(c),
          verdictCell(c),
        ],
        tags: { framework: g.framework, model: g.model, device: g.device, binding: b.binding },
        className: b.binding === g.reference ? 'reference' : undefined,
      };
    }),
  );
  return [
    '<h3>RQ1: accuracy</h3>',
    '<p class="note">FastDTW distance (radius 1) between per-epoch accuracy curves, divided by the number of epochs: the largest over every pair of bindings and every shared seed. Seed noise: the largest distance between training curves of one binding with different seeds.</p>',
    renderDataTable(curveColumns, curveRows, { empty: 'No training runs with per-epoch accuracies.' }),
    `<p class="note">Final test accuracy: two-sided Mann-Whitney U against the reference binding, ${correctionName(a)}-corrected within each framework × model × device (alpha ${a.settings.alpha}).</p>`,
    renderDataTable(accuracyColumns, accuracyRows, { empty: 'No finished training runs.' }),
  ].join('\n');
}

function countText(part: number, whole: number, unknown: number): string {
  if (unknown === whole && whole > 0) return 'not recorded';
  return unknown ? `${part}/${whole - unknown} (${unknown} not recorded)` : `${part}/${whole}`;
}

export function renderRq2Table(a: CampaignAnalysis): string {
  const columns: Column[] = [
    { label: 'framework' },
    { label: 'model' },
    { label: 'trained in' },
    { label: 'loaded in' },
    { label: 'mode' },
    { label: 'device' },
    { label: 'models', numeric: true },
    { label: 'reproduced', numeric: true, title: 'same number of correctly classified test samples as in the binding that trained the model' },
    { label: 'stable', numeric: true, title: 'the same result on every repeated evaluation' },
    { label: 'verdict' },
    { label: 'problems' },
  ];
  const rows: Row[] = a.rq2.map((r) => ({
    cells: [
      r.framework,
      r.model,
      r.source,
      r.target,
      r.loadMode,
      r.device,
      numberCell(r.models, String),
      { text: countText(r.reproduced, r.models, r.reproductionUnknown), sort: r.models - r.reproductionUnknown ? r.reproduced / (r.models - r.reproductionUnknown) : null },
      { text: countText(r.stable, r.models, r.stabilityUnknown), sort: r.models - r.stabilityUnknown ? r.stable / (r.models - r.stabilityUnknown) : null },
      { text: r.verdict, className: `verdict-${r.verdict.replace(/\s+/g, '-')}` },
      { html: r.problems.map((p) => `<span class="reason">${escapeHtml(p)}</span>`).join(''), sort: r.problems.length },
    ],
    tags: { framework: r.framework, model: r.model, device: r.device, binding: [r.target, ...r.source.split(', ')] },
  }));
  return [
    '<h3>RQ2: reproducing a model in another binding</h3>',
    '<p class="note">Per loaded model: the same number of correctly classified test samples as the model had in the binding that trained it (reproduced), and the same result on every repeated evaluation (stable).</p>',
    renderDataTable(columns, rows, { empty: 'No inference runs: run the campaign with --experiments train,infer.' }),
  ].join('\n');
}

function timingTable(a: CampaignAnalysis, families: TimingFamily[], unit: string): string {
  const columns: Column[] = [
    { label: 'framework' },
    { label: 'model' },
    { label: 'device' },
    { label: 'binding' },
    { label: unit, numeric: true },
    { label: 'median s', numeric: true },
    { label: 'time / reference', numeric: true },
    { label: 'speed vs reference' },
    { label: 'p (MWU)', numeric: true },
    { label: 'p adjusted', numeric: true, title: `after the ${correctionName(a)} correction within the family` },
    { label: "Cliff's δ", numeric: true, title: 'binding over reference (positive: slower); hover a value for its 95% CI' },
    { label: 'verdict' },
  ];
  const rows: Row[] = families.flatMap((f) =>
    f.samples.map((s): Row => {
      const c = f.comparisons.find((x) => x.binding === s.binding);
      return {
        cells: [
          f.framework,
          f.model,
          f.device,
          bindingLabel(s.binding, f.reference),
          numberCell(s.summary.n, String),
          numberCell(s.summary.median, formatSeconds, { title: s.summary.min !== null ? `min ${formatSeconds(s.summary.min)} s, max ${formatSeconds(s.summary.max)} s` : undefined }),
          c ? numberCell(c.ratio, (x) => `${x.toFixed(2)}x`) : { text: '1.00x', sort: 1 },
          c?.ratioText ?? DASH,
          pCell(c?.mannWhitney?.pvalue),
          pCell(c?.adjustedP),
          cliffCell(c),
          verdictCell(c),
        ],
        tags: { framework: f.framework, model: f.model, device: f.device, binding: s.binding },
        className: s.binding === f.reference ? 'reference' : undefined,
      };
    }),
  );
  return renderDataTable(columns, rows, { empty: 'No timed runs.' });
}

export function renderRq3Table(a: CampaignAnalysis): string {
  return [
    '<h3>RQ3: training time</h3>',
    `<p class="note">One value per training run: its training time with the per-epoch evaluations excluded. Two-sided Mann-Whitney U against the reference, ${correctionName(a)}-corrected within each framework × model × device.</p>`,
    timingTable(a, a.rq3, 'runs'),
  ].join('\n');
}

export function renderRq4Table(a: CampaignAnalysis): string {
  return [
    '<h3>RQ4: inference time</h3>',
    '<p class="note">One value per loaded model: the mean duration of a timed pass over the whole test set, pooled over every load mode the binding ran. Same tests as RQ3.</p>',
    timingTable(a, a.rq4, 'models'),
  ].join('\n');
}

/** All statistics of one campaign, warnings first. */
export function renderStatistics(a: CampaignAnalysis): string {
  const settings = `Significance level ${a.settings.alpha}, ${correctionName(a)} correction. Reference bindings: ${
    Object.entries(a.settings.references)
      .map(([fw, b]) => `${fw}: ${b}`)
      .join(', ') || DASH
  }. ${a.runs.train} training runs, ${a.runs.infer} inference runs${a.runs.notOk ? `, ${a.runs.notOk} not ok (left out of every sample)` : ''}.`;
  return [`<p class="note">${escapeHtml(settings)}</p>`, renderWarnings(a), renderRq1Tables(a), renderRq2Table(a), renderRq3Table(a), renderRq4Table(a)].filter(Boolean).join('\n');
}
