/**
 * The statistics of RQ1-RQ4 as tables, built once from the analysis results and rendered by both the Markdown report
 * (analysis-markdown.ts) and the HTML one (html/statistics-tables.ts). Every p-value, correction, effect size and
 * verdict comes from src/analysis; this module only chooses columns and formats.
 */
import type { CampaignAnalysis } from '../analysis/analyze-campaign.js';
import type { Comparison } from '../analysis/compare-to-reference.js';
import type { TimingFamily } from '../analysis/timing-families.js';
import { correctionName, countText, DASH, formatP, formatSeconds } from './format.js';
import { TIME_PHASES } from '../store/run-result.js';
import { BINDING_ROW_COLUMNS, FAMILY_COLUMNS, numberCell, type CellValue, type Column, type Row, type Table } from './table-model.js';

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
  const core = c.coreVersions;
  // Beside the verdict, not only in a warning: the verdict then measures the binding and the core's version together.
  const text = core ? `${c.verdict} (${core.binding} vs ${core.reference})` : c.verdict;
  const caveat = core ? `the two sides ran different versions of the framework's core (${core.binding} against ${core.reference}): the difference may come from that as well as from the binding` : null;
  const title = [c.note, caveat].filter(Boolean).join('; ') || undefined;
  return { text, title, className: `verdict-${c.verdict.replace(/\s+/g, '-')}` };
}

/** The test of a binding against its reference: p, corrected p, effect size and verdict (the reference row has none). */
function comparisonColumns(a: CampaignAnalysis, cliffTitle: string): Column[] {
  return [
    { label: 'p (MWU)', numeric: true, title: 'two-sided Mann-Whitney U against the reference' },
    { label: 'p adjusted', numeric: true, title: `after the ${correctionName(a.settings.correction)} correction within the family` },
    { label: "Cliff's δ", numeric: true, title: `${cliffTitle}; hover a value for its 95% CI` },
  ];
}

function comparisonCells(c: Comparison | undefined): CellValue[] {
  return [pCell(c?.mannWhitney?.pvalue), pCell(c?.adjustedP), cliffCell(c), verdictCell(c)];
}

function bindingLabel(binding: string, reference: string): string {
  return binding === reference ? `${binding} (reference)` : binding;
}


interface Family {
  framework: string;
  model: string;
  device: string;
  style: string;
  reference: string;
}

/** A binding's row of a family: who it is, its own numbers, then its test against the family's reference. */
function bindingRow(f: Family, binding: string, comparisons: readonly Comparison[], numbers: (c: Comparison | undefined) => CellValue[]): Row {
  const c = comparisons.find((x) => x.binding === binding);
  return {
    cells: [f.framework, f.model, f.device, f.style, bindingLabel(binding, f.reference), ...numbers(c), ...comparisonCells(c)],
    tags: { framework: f.framework, model: f.model, device: f.device, binding },
    className: binding === f.reference ? 'reference' : undefined,
  };
}

/** RQ1, curves: the largest DTW distance per group and the seed noise beside it. */
export function rq1CurveTable(a: CampaignAnalysis): Table {
  return {
    columns: [
      ...FAMILY_COLUMNS,
      { label: 'bindings', numeric: true },
      { label: 'max DTW train', numeric: true, title: 'largest FastDTW distance between training-accuracy curves of two bindings, same seed, divided by the number of epochs' },
      { label: 'max DTW test', numeric: true, title: 'the same for test-accuracy curves' },
      { label: 'seed noise (train)', numeric: true, title: 'largest distance between training curves of one binding with different seeds' },
      { label: 'largest train pair vs noise' },
    ],
    rows: a.rq1.map((g) => {
      const worst = [...g.pairs].filter((p) => p.train.max !== null).sort((x, y) => y.train.max! - x.train.max!)[0];
      const versus = !worst ? DASH : worst.withinNoiseFloor === null ? 'no noise floor' : worst.withinNoiseFloor ? 'within seed noise' : `exceeds (${worst.a} vs ${worst.b})`;
      return {
        cells: [g.framework, g.model, g.device, g.style, numberCell(g.bindings.length, String), numberCell(g.maxTrainDtw, fixed(3)), numberCell(g.maxTestDtw, fixed(3)), numberCell(g.noiseFloor.max, fixed(3)), versus],
        tags: { framework: g.framework, model: g.model, device: g.device, binding: g.bindings.map((b) => b.binding) },
      };
    }),
    empty: 'No training runs with per-epoch accuracies.',
  };
}

/** RQ1, final test accuracy per binding against the reference. */
export function rq1AccuracyTable(a: CampaignAnalysis): Table {
  return {
    columns: [
      ...BINDING_ROW_COLUMNS,
      { label: 'runs', numeric: true },
      { label: 'mean final test acc', numeric: true },
      ...comparisonColumns(a, 'binding over reference'),
      { label: 'vs reference' },
    ],
    rows: a.rq1.flatMap((g) =>
      g.bindings.map((b) => bindingRow(g, b.binding, g.finalTestAccuracy, () => [numberCell(b.finalTestAccuracies.length, String), numberCell(b.meanFinalTestAccuracy, fixed(4))])),
    ),
    empty: 'No finished training runs.',
  };
}

/** RQ2: the reproduction matrix as rows. Its problems column is HTML's; the Markdown lists them under the table. */
export function rq2Table(a: CampaignAnalysis): Table {
  return {
    columns: [
      { label: 'framework' },
      { label: 'model' },
      { label: 'trained in' },
      { label: 'style', title: 'how the loaded models were trained' },
      { label: 'loaded in' },
      { label: 'mode' },
      { label: 'device' },
      { label: 'models', numeric: true },
      { label: 'reproduced', numeric: true, title: 'same number of correctly classified test samples as in the binding that trained the model' },
      { label: 'stable', numeric: true, title: 'the same result on every repeated evaluation' },
      { label: 'verdict' },
      { label: 'problems', markdown: false },
    ],
    rows: a.rq2.map((r) => ({
      cells: [
        r.framework,
        r.model,
        r.source,
        r.style,
        r.target,
        r.loadMode,
        r.device,
        numberCell(r.models, String),
        { text: countText(r.reproduced, r.models, r.reproductionUnknown), sort: r.models - r.reproductionUnknown ? r.reproduced / (r.models - r.reproductionUnknown) : null },
        { text: countText(r.stable, r.models, r.stabilityUnknown), sort: r.models - r.stabilityUnknown ? r.stable / (r.models - r.stabilityUnknown) : null },
        { text: r.verdict, className: `verdict-${r.verdict.replace(/\s+/g, '-')}` },
        { text: r.problems.join('; '), sort: r.problems.length },
      ],
      tags: { framework: r.framework, model: r.model, device: r.device, binding: [r.target, ...r.source.split(', ')] },
    })),
    empty: 'No inference runs: run the campaign with --experiments train,infer.',
  };
}

/** A family's style, with its schedule where the runs did not have the machine to themselves one at a time. */
const withSchedule = (f: TimingFamily): TimingFamily => (f.schedule === 'serial' ? f : { ...f, style: `${f.style}, ${f.schedule}` });

/** How a quantity compared with the reference reads: its unit and how a ratio is worded. */
interface QuantityWords {
  median: string;
  ratio: string;
  direction: string;
  delta: string;
  format(x: number): string;
  empty: string;
}

const TIME_WORDS: QuantityWords = { median: 'median s', ratio: 'time / reference', direction: 'speed vs reference', delta: 'binding over reference (positive: slower)', format: formatSeconds, empty: 'No timed runs.' };
const MEMORY_WORDS: QuantityWords = {
  median: 'median peak MiB',
  ratio: 'memory / reference',
  direction: 'memory vs reference',
  delta: 'binding over reference (positive: more memory)',
  format: (x) => x.toFixed(1),
  empty: 'No run recorded its peak memory (imported runs and runs made before bindbench measured it have none).',
};

function referenceTable(a: CampaignAnalysis, families: readonly TimingFamily[], unit: string, words: QuantityWords): Table {
  return {
    columns: [
      ...BINDING_ROW_COLUMNS,
      { label: unit, numeric: true },
      { label: words.median, numeric: true },
      { label: words.ratio, numeric: true },
      { label: words.direction },
      ...comparisonColumns(a, words.delta),
      { label: 'verdict' },
    ],
    rows: families.map(withSchedule).flatMap((f) =>
      f.samples.map((s) =>
        bindingRow(f, s.binding, f.comparisons, (c) => [
          numberCell(s.summary.n, String),
          numberCell(s.summary.median, words.format, { title: s.summary.min !== null ? `min ${words.format(s.summary.min)}, max ${words.format(s.summary.max!)}` : undefined }),
          c ? numberCell(c.ratio, (x) => `${x.toFixed(2)}x`) : { text: '1.00x', sort: 1 },
          { text: c?.ratioText ?? DASH },
        ]),
      ),
    ),
    empty: words.empty,
  };
}

/** RQ3 and RQ4: per family, each binding's median time against the reference. */
export function timingTable(a: CampaignAnalysis, families: readonly TimingFamily[], unit: string): Table {
  return referenceTable(a, families, unit, TIME_WORDS);
}

/** Peak memory: per family, each binding's median peak against the reference, with the same tests as the times. */
export function memoryTable(a: CampaignAnalysis, families: readonly TimingFamily[]): Table {
  return referenceTable(a, families, 'runs', MEMORY_WORDS);
}

/** What the memory table holds, said above it in both reports. */
export const MEMORY_NOTE =
  "One value per training run: the peak resident memory (MiB) of the runner's whole process tree, the larger of its summed RSS sampled every 250 ms and any one process's kernel high-water mark (VmHWM). Same tests as RQ3, corrected within each framework × model × device × training style.";

/** What the phase table holds. */
export const PHASES_NOTE =
  "Median seconds per binding of each part of a cell's process time: start-up (spawn to the runner's start event: interpreter, framework import, device set-up), loading (data loading and model building, up to the first epoch or pass), training and evaluation (the runner's own per-epoch and per-pass times), export (the last epoch or pass to the last artifact written), other (the rest: between-epoch work, shutdown). Descriptive: no test.";

export function phasesTable(a: CampaignAnalysis): Table {
  return {
    columns: [
      { label: 'mode' },
      { label: 'model' },
      { label: 'device' },
      { label: 'style' },
      { label: 'binding' },
      { label: 'runs', numeric: true },
      ...TIME_PHASES.map((p) => ({ label: `${p} s`, numeric: true })),
      { label: 'total s', numeric: true, title: 'median of the runs\' process seconds' },
    ],
    rows: a.phases.map((r) => ({
      cells: [r.mode, r.model, r.device, r.schedule === 'serial' ? r.style : `${r.style}, ${r.schedule}`, r.binding, numberCell(r.runs, String), ...TIME_PHASES.map((p) => numberCell(r.median[p], formatSeconds)), numberCell(r.medianTotal, formatSeconds)],
      tags: { model: r.model, binding: r.binding, device: r.device },
    })),
    empty: 'No run recorded where its time went (imported runs and runs made before bindbench recorded it have none).',
  };
}

/** What the API-cost table holds, said above it in both reports. */
export const API_COST_NOTE =
  "Per binding × model × device: the training time of each seed's run in the binding's own training API (style idiomatic) over the same seed's run in bindbench's minimal loop, same campaign, epochs, data order and initialisation. The median ratio over the seeds, with a 95 % percentile bootstrap interval (10,000 resamples); above 1, the API's data path and loop cost time the minimal loop does not spend.";

export function apiCostTable(a: CampaignAnalysis): Table {
  return {
    columns: [
      { label: 'framework' },
      { label: 'model' },
      { label: 'device' },
      { label: 'binding' },
      { label: 'seeds', numeric: true, title: 'seeds trained in both styles' },
      { label: 'idiomatic s (median)', numeric: true },
      { label: 'minimal s (median)', numeric: true },
      { label: 'idiomatic / minimal', numeric: true, title: 'median over the seeds of the per-seed ratio' },
      { label: '95% interval', title: 'percentile bootstrap interval of the median ratio; none with one seed' },
    ],
    rows: a.apiCost.map((r) => ({
      cells: [
        r.framework,
        r.model,
        r.device,
        r.binding,
        numberCell(r.pairs, String),
        numberCell(r.medianIdiomaticSeconds, formatSeconds),
        numberCell(r.medianMinimalSeconds, formatSeconds),
        numberCell(r.medianRatio, (x) => `${x.toFixed(2)}x`, { title: `per seed: ${r.ratios.map((x) => x.toFixed(3)).join(', ')}` }),
        r.interval ? `${r.interval[0].toFixed(2)}-${r.interval[1].toFixed(2)}x` : DASH,
      ],
      tags: { model: r.model, binding: r.binding, device: r.device, framework: r.framework },
    })),
    empty: 'No binding trained in both styles with the same seeds (`--styles minimal,idiomatic`).',
  };
}
