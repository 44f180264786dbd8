/**
 * What the run browser's run page and comparison page show, loaded from the store (the campaign page uses
 * campaign-report.ts). Like campaign-report.ts, the one impure step before a pure page renderer.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeCampaign, loadCampaignData, type AnalysisOptions } from '../../analysis/index.js';
import type { IndexDb } from '../../store/index-db.js';
import { readRunDir, runPaths } from '../../store/run-dir.js';
import { accuracyBestSpec, accuracyGroups } from '../figures/accuracy-curves.js';
import { slug, type RenderedFigure } from '../figures/figure.js';
import { distinctValues, loadCampaignRuns, readRunEnvironment } from '../figures/queries.js';
import { renderFigures } from '../figures/render-svg.js';
import { comparisonFigures, comparisonRows, type ComparisonRow } from './comparison.js';
import type { RunPageInput } from './run-page.js';

function listFiles(dir: string, root = dir, depth = 0): string[] {
  if (!existsSync(dir) || depth > 3) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name), root, depth + 1) : d.isFile() ? [relative(root, join(dir, d.name))] : []));
}

/** null when the index has no such run (the only way a cell key from a URL reaches the file system). */
export async function loadRunPage(db: IndexDb, store: string, campaign: string, cellKey: string): Promise<RunPageInput | null> {
  const c = loadCampaignRuns(db, store, campaign);
  const run = c?.runs.find((r) => r.cellKey === cellKey);
  if (!c || !run) return null;
  const paths = runPaths(store, campaign, cellKey);
  const stored = readRunDir(paths);
  if (!stored) return null;
  const groups = accuracyGroups([run], c.epochs, [run.binding]);
  const figures = await renderFigures(groups.map((g) => ({ id: slug(campaign, cellKey, 'accuracy'), kind: 'accuracy-best' as const, title: `${run.binding} ${run.model}, seed ${run.seed}: accuracy per epoch`, tags: {}, spec: accuracyBestSpec(g, [run.binding], `${run.binding}, seed ${run.seed}`) })));
  return { run, stored, spec: c.spec, environment: readRunEnvironment(store, campaign, cellKey), figures, files: listFiles(paths.dir) };
}

export interface ComparisonData {
  a: string;
  b: string;
  rows: ComparisonRow[];
  figures: RenderedFigure[];
  choices: { models: string[]; bindings: string[]; devices: string[] };
}

/** null when either campaign is not in the index. */
export async function loadComparison(db: IndexDb, store: string, a: string, b: string, analysis: Partial<AnalysisOptions> = {}): Promise<ComparisonData | null> {
  const runsA = loadCampaignRuns(db, store, a);
  const runsB = loadCampaignRuns(db, store, b);
  if (!runsA || !runsB) return null;
  const rows = comparisonRows(analyzeCampaign(loadCampaignData(db, a), analysis), analyzeCampaign(loadCampaignData(db, b), analysis));
  const figures = await renderFigures(comparisonFigures(a, runsA.runs, b, runsB.runs));
  const all = [...runsA.runs, ...runsB.runs];
  return { a, b, rows, figures, choices: { models: distinctValues(all, 'model'), bindings: distinctValues(all, 'binding'), devices: distinctValues(all, 'device') } };
}
