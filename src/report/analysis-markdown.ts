/**
 * The analysis report as Markdown: the tables of analysis-tables.ts (the ones the HTML report shows) with the
 * headings and explanations around them. The JSON report is the same objects serialised; see analysis-json.ts.
 */
import type { CampaignAnalysis } from '../analysis/analyze-campaign.js';
import { API_COST_NOTE, apiCostTable, MEMORY_NOTE, memoryTable, PHASES_NOTE, phasesTable, rq1AccuracyTable, rq1CurveTable, rq2Table, timingTable } from './analysis-tables.js';
import { correctionName, DASH } from './format.js';
import { renderLadderBlocks } from './ladder-report.js';
import { LADDER_NOTE } from './ladder-tables.js';
import { renderMarkdownTable } from './table-model.js';

function warningsSection(a: CampaignAnalysis): string {
  if (a.warnings.length === 0) return '';
  const lines = a.warnings.map((w) => `- **${w.code}** (${w.scope}): ${w.message}. _What to do:_ ${w.action}.`);
  return `## Warnings\n\n${lines.join('\n')}\n`;
}

function rq1Section(a: CampaignAnalysis): string {
  return [
    '## RQ1: accuracy',
    '',
    'FastDTW distance (radius 1) between per-epoch accuracy curves, divided by the number of epochs: the largest over every pair of bindings and every shared seed. Seed noise is the largest distance between the training curves of runs of one binding with different seeds.',
    '',
    renderMarkdownTable(rq1CurveTable(a)),
    '',
    `Final test accuracy, two-sided Mann-Whitney U against the reference, ${correctionName(a.settings.correction)}-corrected within each framework × model × device × training style (alpha ${a.settings.alpha}).`,
    '',
    renderMarkdownTable(rq1AccuracyTable(a)),
    '',
  ].join('\n');
}

function rq2Section(a: CampaignAnalysis): string {
  const problems = a.rq2.flatMap((r) => r.problems.map((p) => `- ${r.model} ${r.target} (${r.loadMode}, ${r.device}): ${p}`));
  return [
    '## RQ2: reproducing a model in another binding',
    '',
    'Per loaded model: the same number of correctly classified test samples as the model had in the binding that trained it (reproduced), and the same result on every repeated evaluation (stable).',
    '',
    renderMarkdownTable(rq2Table(a)),
    ...(problems.length ? ['', ...problems] : []),
    '',
  ].join('\n');
}

/** A heading, then paragraphs and tables separated by blank lines. */
function section(heading: string, ...blocks: string[]): string {
  return [`## ${heading}`, ...blocks, ''].join('\n\n');
}

function timingSections(a: CampaignAnalysis): string[] {
  const correction = correctionName(a.settings.correction);
  return [
    section(
      'RQ3: training time',
      `One value per training run: its training time with the per-epoch evaluations excluded. Two-sided Mann-Whitney U against the reference, ${correction}-corrected within each framework × model × device × training style; Cliff's δ of the binding over the reference (positive: slower).`,
      renderMarkdownTable(timingTable(a, a.rq3, 'runs')),
    ),
    section(
      'RQ4: inference time',
      'One value per loaded model: the mean duration of a timed pass over the whole test set, pooled over every load mode the binding ran. Same tests as RQ3, corrected within each framework × model × device × training style.',
      renderMarkdownTable(timingTable(a, a.rq4, 'models')),
    ),
    section("The binding API's own cost", API_COST_NOTE, renderMarkdownTable(apiCostTable(a))),
    section('Memory: peak resident memory in training', MEMORY_NOTE, renderMarkdownTable(memoryTable(a, a.memory))),
    ...(a.deviceMemory.length ? [section('Memory: peak device memory in training', "The framework's own peak device (GPU) memory, as the runner reported it (torch.cuda.max_memory_allocated, TensorFlow's get_memory_info peak). Same tests.", renderMarkdownTable(memoryTable(a, a.deviceMemory)))] : []),
    section("Where a cell's time goes", PHASES_NOTE, renderMarkdownTable(phasesTable(a))),
  ];
}

/** Present only when `bindbench explain` ran the campaign's ladder. */
function ladderSection(a: CampaignAnalysis): string {
  if (a.ladder.length === 0) return '';
  return ['## Why bindings differ: the attribution ladder', '', LADDER_NOTE, '', ...renderLadderBlocks(a.ladder, (x) => `Found: ${x.difference.found}.`, '###')].join('\n');
}

/** One campaign's report. */
export function renderAnalysisMarkdown(a: CampaignAnalysis): string {
  const refs = Object.entries(a.settings.references).map(([fw, b]) => `${fw}: ${b}`).join(', ');
  const header = [
    `# bindbench analysis: ${a.campaign}`,
    '',
    `Campaign created ${a.created}; ${a.runs.train} training runs, ${a.runs.infer} inference runs${a.runs.notOk ? ` (${a.runs.notOk} not ok, left out)` : ''}. Reference bindings: ${refs || DASH}. Significance level ${a.settings.alpha}, ${correctionName(a.settings.correction)} correction. Definitions: docs/methodology.md.`,
    '',
  ].join('\n');
  return [header, warningsSection(a), rq1Section(a), rq2Section(a), ...timingSections(a), ladderSection(a)].filter(Boolean).join('\n').trimEnd() + '\n';
}

/** Several campaigns, one after another. */
export function renderAnalysesMarkdown(analyses: CampaignAnalysis[]): string {
  return analyses.map(renderAnalysisMarkdown).join('\n---\n\n');
}
