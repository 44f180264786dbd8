/**
 * Everything one campaign's report shows, loaded from the store: its runs (for the figures and the runs table),
 * its analysis (src/analysis, for the statistics tables), its figures rendered to SVG and its environment
 * manifest. The only async, impure step between the store and a page; the page renderers are pure functions of it.
 */
import { analyzeCampaign, defaultAnalysisOptions, type AnalysisOptions, type CampaignAnalysis } from '../../analysis/index.js';
import { BadInputError } from '../../base/errors.js';
import type { ResultStore } from '../../store/result-store.js';
import type { FigureDef, ShownFigure } from '../figures/figure.js';
import { campaignFigures } from '../figures/figure-set.js';
import { distinctValues, filterRuns, loadCampaignViews, type CampaignRuns, type RunFilter } from '../campaign-runs.js';
import { renderFigures } from '../figures/render-svg.js';
import { ladderFigures } from '../figures/ladder-figure.js';
import { environmentManifest, type EnvironmentManifest } from './environment-manifest.js';

export interface CampaignReport {
  /** The runs the figures and tables show (after the filter). */
  runs: CampaignRuns;
  /** What the filter menus offer: every model, binding and device of the whole campaign. */
  choices: { models: string[]; bindings: string[]; devices: string[] };
  filter: RunFilter;
  /** Always of the whole campaign: a filter hides rows, it never changes a test's family. */
  analysis: CampaignAnalysis;
  figures: ShownFigure[];
  environment: EnvironmentManifest;
}

export interface CampaignReportOptions {
  analysis?: Partial<AnalysisOptions>;
  filter?: RunFilter;
  /**
   * Where the page fetches each of the campaign's figures from, instead of drawing them into the page: a large
   * campaign's figures are most of its page's bytes and time. The ladder's few figures are always drawn.
   */
  figureSrc?(figure: FigureDef): string;
}

export async function loadCampaignReport(store: ResultStore, campaign: string, opts: CampaignReportOptions = {}): Promise<CampaignReport> {
  const settings = { ...defaultAnalysisOptions, ...opts.analysis };
  const views = loadCampaignViews(store, campaign, settings);
  if (!views) throw new BadInputError(`no campaign '${campaign}' in the index: \`bindbench runs list\` shows the campaigns (\`bindbench runs reindex\` rebuilds the index)`);
  const all = views.runs;
  const filter = opts.filter ?? {};
  const runs: CampaignRuns = { ...all, runs: filterRuns(all.runs, filter) };
  const analysis = analyzeCampaign(views.data, settings);
  const defs = campaignFigures(runs);
  const figures: ShownFigure[] = [
    ...(opts.figureSrc ? defs.map((f) => ({ ...f, src: opts.figureSrc!(f) })) : await renderFigures(defs)),
    ...(await renderFigures(ladderFigures(campaign, analysis.ladder))),
  ];
  const environment = environmentManifest(
    runs.runs.map((r) => ({ runId: r.id, binding: r.binding, device: r.device, environment: store.runEnvironment(r.campaign, r.cellKey) })),
  );
  return {
    runs,
    choices: { models: distinctValues(all.runs, 'model'), bindings: distinctValues(all.runs, 'binding'), devices: distinctValues(all.runs, 'device') },
    filter,
    analysis,
    figures,
    environment,
  };
}
