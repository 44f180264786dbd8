/**
 * The analysis report as Markdown: a pure function of the analysis results (nothing is computed here beyond
 * formatting). The JSON report is the same objects serialised; see analysis-json.ts.
 */
import type { CampaignAnalysis } from '../analysis/analyze-campaign.js';
import type { Comparison } from '../analysis/compare-to-reference.js';
import type { TimingFamily } from '../analysis/timing-families.js';
import { renderTextTable } from './text-table.js';

const DASH = '—';

export function formatSeconds(x: number | null): string {
  if (x === null) return DASH;
  if (x >= 100) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return DASH;
  if (Number.isNaN(p)) return 'n/a';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

const fixed = (x: number | null, digits: number) => (x === null ? DASH : x.toFixed(digits));

function cliff(c: Comparison): string {
  return c.cliffsDelta ? `${c.cliffsDelta.delta.toFixed(2)} (${c.cliffsDelta.magnitude})` : DASH;
}

function table(header: string[], rows: string[][]): string {
  return rows.length ? renderTextTable(header, rows, { markdown: true }) : '_No data._';
}

function warningsSection(a: CampaignAnalysis): string {
  if (a.warnings.length === 0) return '';
  const lines = a.warnings.map((w) => `- **${w.code}** (${w.scope}): ${w.message}. _What to do:_ ${w.action}.`);
  return `## Warnings\n\n${lines.join('\n')}\n`;
}

function rq1Section(a: CampaignAnalysis): string {
  const curves = table(
    ['framework', 'model', 'device', 'bindings', 'max DTW train', 'max DTW test', 'seed noise (train)', 'largest train pair vs noise'],
    a.rq1.map((g) => {
      const worst = [...g.pairs].filter((p) => p.train.max !== null).sort((x, y) => y.train.max! - x.train.max!)[0];
      const versus = !worst ? DASH : worst.withinNoiseFloor === null ? 'no noise floor' : worst.withinNoiseFloor ? 'within seed noise' : `exceeds (${worst.a} vs ${worst.b})`;
      return [g.framework, g.model, g.device, String(g.bindings.length), fixed(g.maxTrainDtw, 3), fixed(g.maxTestDtw, 3), fixed(g.noiseFloor.max, 3), versus];
    }),
  );
  const accuracyRows: string[][] = [];
  for (const g of a.rq1) {
    for (const b of g.bindings) {
      const c = g.finalTestAccuracy.find((x) => x.binding === b.binding);
      accuracyRows.push([
        g.framework,
        g.model,
        g.device,
        b.binding === g.reference ? `${b.binding} (reference)` : b.binding,
        String(b.finalTestAccuracies.length),
        fixed(b.meanFinalTestAccuracy, 4),
        c ? formatP(c.mannWhitney?.pvalue) : DASH,
        c ? formatP(c.adjustedP) : DASH,
        c ? cliff(c) : DASH,
        c ? c.verdict : DASH,
      ]);
    }
  }
  const accuracy = table(['framework', 'model', 'device', 'binding', 'runs', 'mean final test acc', 'p (MWU)', 'p adjusted', "Cliff's δ", 'vs reference'], accuracyRows);
  return [
    '## RQ1: accuracy',
    '',
    'FastDTW distance (radius 1) between per-epoch accuracy curves, divided by the number of epochs: the largest over every pair of bindings and every shared seed. Seed noise is the largest distance between the training curves of runs of one binding with different seeds.',
    '',
    curves,
    '',
    `Final test accuracy, two-sided Mann-Whitney U against the reference, ${a.settings.correction === 'holm' ? 'Holm' : 'Bonferroni'}-corrected within each framework × model × device (alpha ${a.settings.alpha}).`,
    '',
    accuracy,
    '',
  ].join('\n');
}

function countOf(part: number, whole: number, unknown: number): string {
  if (unknown === whole && whole > 0) return 'not recorded';
  return unknown ? `${part}/${whole - unknown} (${unknown} not recorded)` : `${part}/${whole}`;
}

function rq2Section(a: CampaignAnalysis): string {
  const rows = a.rq2.map((r) => [
    r.framework,
    r.model,
    r.source,
    r.target,
    r.loadMode,
    r.device,
    String(r.models),
    countOf(r.reproduced, r.models, r.reproductionUnknown),
    countOf(r.stable, r.models, r.stabilityUnknown),
    r.verdict,
  ]);
  const problems = a.rq2.flatMap((r) => r.problems.map((p) => `- ${r.model} ${r.target} (${r.loadMode}, ${r.device}): ${p}`));
  return [
    '## RQ2: reproducing a model in another binding',
    '',
    'Per loaded model: the same number of correctly classified test samples as the model had in the binding that trained it (reproduced), and the same result on every repeated evaluation (stable).',
    '',
    table(['framework', 'model', 'trained in', 'loaded in', 'mode', 'device', 'models', 'reproduced', 'stable', 'verdict'], rows),
    ...(problems.length ? ['', ...problems] : []),
    '',
  ].join('\n');
}

function timingTable(families: TimingFamily[], unit: string): string {
  const rows: string[][] = [];
  for (const f of families) {
    for (const s of f.samples) {
      const c = f.comparisons.find((x) => x.binding === s.binding);
      rows.push([
        f.framework,
        f.model,
        f.device,
        s.binding === f.reference ? `${s.binding} (reference)` : s.binding,
        String(s.summary.n),
        formatSeconds(s.summary.median),
        c ? (c.ratio === null ? DASH : `${c.ratio.toFixed(2)}x`) : '1.00x',
        c ? (c.ratioText ?? DASH) : DASH,
        c ? formatP(c.mannWhitney?.pvalue) : DASH,
        c ? formatP(c.adjustedP) : DASH,
        c ? cliff(c) : DASH,
        c ? c.verdict : DASH,
      ]);
    }
  }
  return table(['framework', 'model', 'device', 'binding', unit, 'median s', 'time / reference', 'speed vs reference', 'p (MWU)', 'p adjusted', "Cliff's δ", 'verdict'], rows);
}

function rq3Section(a: CampaignAnalysis): string {
  return [
    '## RQ3: training time',
    '',
    `One value per training run: its training time with the per-epoch evaluations excluded. Two-sided Mann-Whitney U against the reference, ${a.settings.correction === 'holm' ? 'Holm' : 'Bonferroni'}-corrected within each framework × model × device; Cliff's δ of the binding over the reference (positive: slower).`,
    '',
    timingTable(a.rq3, 'runs'),
    '',
  ].join('\n');
}

function rq4Section(a: CampaignAnalysis): string {
  return [
    '## RQ4: inference time',
    '',
    `One value per loaded model: the mean duration of a timed pass over the whole test set, pooled over every load mode the binding ran. Same tests as RQ3, corrected within each framework × model × device.`,
    '',
    timingTable(a.rq4, 'models'),
    '',
  ].join('\n');
}

/** One campaign's report. */
export function renderAnalysisMarkdown(a: CampaignAnalysis): string {
  const refs = Object.entries(a.settings.references).map(([fw, b]) => `${fw}: ${b}`).join(', ');
  const header = [
    `# bindbench analysis: ${a.campaign}`,
    '',
    `Campaign created ${a.created}; ${a.runs.train} training runs, ${a.runs.infer} inference runs${a.runs.notOk ? ` (${a.runs.notOk} not ok, left out)` : ''}. Reference bindings: ${refs || DASH}. Significance level ${a.settings.alpha}, ${a.settings.correction === 'holm' ? 'Holm' : 'Bonferroni'} correction. Definitions: docs/methodology.md.`,
    '',
  ].join('\n');
  return [header, warningsSection(a), rq1Section(a), rq2Section(a), rq3Section(a), rq4Section(a)].filter(Boolean).join('\n').trimEnd() + '\n';
}

/** Several campaigns, one after another. */
export function renderAnalysesMarkdown(analyses: CampaignAnalysis[]): string {
  return analyses.map(renderAnalysisMarkdown).join('\n---\n\n');
}
