/**
 * Figure (e): the statistics of RQ1-RQ4 as sortable HTML tables: the tables of analysis-tables.ts (the ones the
 * Markdown report prints) with the headings and notes of the page.
 */
import type { CampaignAnalysis } from '../../analysis/analyze-campaign.js';
import { API_COST_NOTE, apiCostTable, MEMORY_NOTE, memoryTable, PHASES_NOTE, phasesTable, rq1AccuracyTable, rq1CurveTable, rq2Table, timingTable } from '../analysis-tables.js';
import { correctionName, DASH } from '../format.js';
import type { Table } from '../table-model.js';
import { renderDataTable } from './data-table.js';
import { escapeHtml } from './escape.js';

const html = (t: Table) => renderDataTable(t.columns, t.rows, { empty: t.empty });

export function renderWarnings(a: CampaignAnalysis): string {
  if (a.warnings.length === 0) return '';
  const items = a.warnings.map((w) => `<li><strong>${escapeHtml(w.code)}</strong> (${escapeHtml(w.scope)}): ${escapeHtml(w.message)}. <em>What to do:</em> ${escapeHtml(w.action)}.</li>`);
  return `<ul class="warnings">${items.join('')}</ul>`;
}

export function renderRq1Tables(a: CampaignAnalysis): string {
  return [
    '<h3>RQ1: accuracy</h3>',
    '<p class="note">FastDTW distance (radius 1) between per-epoch accuracy curves, divided by the number of epochs: the largest over every pair of bindings and every shared seed. Seed noise: the largest distance between training curves of one binding with different seeds.</p>',
    html(rq1CurveTable(a)),
    `<p class="note">Final test accuracy: two-sided Mann-Whitney U against the reference binding, ${correctionName(a.settings.correction)}-corrected within each framework × model × device × training style (alpha ${a.settings.alpha}).</p>`,
    html(rq1AccuracyTable(a)),
  ].join('\n');
}

export function renderRq2Table(a: CampaignAnalysis): string {
  return [
    '<h3>RQ2: reproducing a model in another binding</h3>',
    '<p class="note">Per loaded model: the same number of correctly classified test samples as the model had in the binding that trained it (reproduced), and the same result on every repeated evaluation (stable).</p>',
    html(rq2Table(a)),
  ].join('\n');
}

export function renderRq3Table(a: CampaignAnalysis): string {
  return [
    '<h3>RQ3: training time</h3>',
    `<p class="note">One value per training run: its training time with the per-epoch evaluations excluded. Two-sided Mann-Whitney U against the reference, ${correctionName(a.settings.correction)}-corrected within each framework × model × device × training style.</p>`,
    html(timingTable(a, a.rq3, 'runs')),
  ].join('\n');
}

export function renderRq4Table(a: CampaignAnalysis): string {
  return [
    '<h3>RQ4: inference time</h3>',
    '<p class="note">One value per loaded model: the mean duration of a timed pass over the whole test set, pooled over every load mode the binding ran. Same tests as RQ3.</p>',
    html(timingTable(a, a.rq4, 'models')),
  ].join('\n');
}

export function renderApiCostTable(a: CampaignAnalysis): string {
  return ["<h3>The binding API's own cost</h3>", `<p class="note">${escapeHtml(API_COST_NOTE)}</p>`, html(apiCostTable(a))].join('\n');
}

export function renderMemoryTables(a: CampaignAnalysis): string {
  return [
    '<h3>Memory: peak resident memory in training</h3>',
    `<p class="note">${escapeHtml(MEMORY_NOTE)}</p>`,
    html(memoryTable(a, a.memory)),
    ...(a.deviceMemory.length ? ['<h3>Memory: peak device memory in training</h3>', '<p class="note">The framework\'s own peak device (GPU) memory, as the runner reported it. Same tests.</p>', html(memoryTable(a, a.deviceMemory))] : []),
  ].join('\n');
}

export function renderPhasesTable(a: CampaignAnalysis): string {
  return ["<h3>Where a cell's time goes</h3>", `<p class="note">${escapeHtml(PHASES_NOTE)}</p>`, html(phasesTable(a))].join('\n');
}

/** All statistics of one campaign, warnings first. */
export function renderStatistics(a: CampaignAnalysis): string {
  const references = Object.entries(a.settings.references).map(([fw, b]) => `${fw}: ${b}`).join(', ') || DASH;
  const settings = `Significance level ${a.settings.alpha}, ${correctionName(a.settings.correction)} correction. Reference bindings: ${references}. ${a.runs.train} training runs, ${a.runs.infer} inference runs${a.runs.notOk ? `, ${a.runs.notOk} not ok (left out of every sample)` : ''}.`;
  return [`<p class="note">${escapeHtml(settings)}</p>`, renderWarnings(a), renderRq1Tables(a), renderRq2Table(a), renderRq3Table(a), renderRq4Table(a), renderApiCostTable(a), renderMemoryTables(a), renderPhasesTable(a)].filter(Boolean).join('\n');
}
