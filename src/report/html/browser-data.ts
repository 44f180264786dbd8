/**
 * What the run browser's run page and comparison page show, loaded from the store (the campaign page uses
 * campaign-report.ts). Like campaign-report.ts, the one impure step before a pure page renderer.
 */
import { analyzeCampaign, defaultAnalysisOptions, maxAbsLogitDiff, type AnalysisOptions } from '../../analysis/index.js';
import { isCanonicalLoad } from '../../protocol/load-modes.js';
import type { ResultStore } from '../../store/result-store.js';
import { accuracyBestSpec, accuracyGroups } from '../figures/accuracy-curves.js';
import { slug, type RenderedFigure } from '../figures/figure.js';
import { distinctValues, loadCampaignRuns, loadCampaignViews, type ReportRun } from '../campaign-runs.js';
import { renderFigures } from '../figures/render-svg.js';
import { comparisonFigures, comparisonRows, type ComparisonRow } from './comparison.js';
import { compareSides, type GateResult } from '../../analysis/compare-sides.js';
import type { RunPageInput } from './run-page.js';

/** null when the index has no such run (the only way a cell key from a URL reaches the file system). */
/**
 * How far an infer run's logits are from its source binding loading its own canonical weights (the reference
 * logits); an older store recorded the number itself.
 */
function logitDifference(store: ResultStore, runs: readonly ReportRun[], run: ReportRun): number | null {
  if (run.maxAbsLogitDiff !== null || run.mode !== 'infer') return run.maxAbsLogitDiff;
  const self = runs.find((r) => r.mode === 'infer' && r.sourceRun === run.sourceRun && r.binding === run.sourceBinding && r.device === run.device && isCanonicalLoad(r.loadMode));
  return self ? maxAbsLogitDiff(store.testLogits(self.campaign, self.cellKey), store.testLogits(run.campaign, run.cellKey)) : null;
}

export async function loadRunPage(store: ResultStore, campaign: string, cellKey: string, analysis: Partial<AnalysisOptions> = {}): Promise<RunPageInput | null> {
  const c = loadCampaignRuns(store, campaign, {}, { ...defaultAnalysisOptions, ...analysis });
  const found = c?.runs.find((r) => r.cellKey === cellKey);
  if (!c || !found) return null;
  const stored = store.readRun(campaign, cellKey);
  if (!stored) return null;
  const run = { ...found, maxAbsLogitDiff: logitDifference(store, c.runs, found) };
  const groups = accuracyGroups([run], c.epochs, [run.binding]);
  const figures = await renderFigures(groups.map((g) => ({ id: slug(campaign, cellKey, 'accuracy'), kind: 'accuracy-best' as const, title: `${run.binding} ${run.model}, seed ${run.seed}: accuracy per epoch`, tags: {}, spec: accuracyBestSpec(g, [run.binding], `${run.binding}, seed ${run.seed}`) })));
  return { run, stored, spec: c.spec, environment: store.runEnvironment(campaign, cellKey), figures, files: store.runFiles(campaign, cellKey) };
}

export interface ComparisonData {
  a: string;
  b: string;
  rows: ComparisonRow[];
  figures: RenderedFigure[];
  choices: { models: string[]; bindings: string[]; devices: string[] };
  /** The regression gate's verdicts, B (candidate) against A (baseline), as `bindbench compare A B` gives them. */
  gate: GateResult;
}

/** null when either campaign is not in the index. */
export async function loadComparison(store: ResultStore, a: string, b: string, analysis: Partial<AnalysisOptions> = {}): Promise<ComparisonData | null> {
  const settings = { ...defaultAnalysisOptions, ...analysis };
  const viewsA = loadCampaignViews(store, a, settings);
  const viewsB = loadCampaignViews(store, b, settings);
  if (!viewsA || !viewsB) return null;
  const rows = comparisonRows(analyzeCampaign(viewsA.data, settings), analyzeCampaign(viewsB.data, settings));
  const figures = await renderFigures(comparisonFigures(a, viewsA.runs.runs, b, viewsB.runs.runs));
  const all = [...viewsA.runs.runs, ...viewsB.runs.runs];
  const gate = compareSides({ label: a, runs: viewsA.data.runs, curves: viewsA.data.curves }, { label: b, runs: viewsB.data.runs, curves: viewsB.data.curves }, { alpha: settings.alpha });
  return { a, b, rows, figures, gate, choices: { models: distinctValues(all, 'model'), bindings: distinctValues(all, 'binding'), devices: distinctValues(all, 'device') } };
}
