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
import { distinctValues, filterRuns, loadCampaignRuns, loadCampaignViews, type CampaignRuns, type RunFilter } from '../campaign-runs.js';
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
  /** Null when the page fetches its sections that grow with the runs (`fetchSections`): nothing reads it then. */
  environment: EnvironmentManifest | null;
}

/** What the sections that grow with the runs show: the (filtered) runs and their environment manifest. */
export interface CampaignSections {
  runs: CampaignRuns;
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
  /** The page fetches the environment and runs sections itself (loadCampaignSections): skip reading every run's environment. */
  fetchSections?: boolean;
}

function noCampaign(campaign: string): BadInputError {
  return new BadInputError(`no campaign '${campaign}' in the index: \`bindbench runs list\` shows the campaigns (\`bindbench runs reindex\` rebuilds the index)`);
}

/** Every shown run's environment.json, grouped into the manifest the environment section renders. */
function runsEnvironment(store: ResultStore, runs: CampaignRuns): EnvironmentManifest {
  return environmentManifest(runs.runs.map((r) => ({ runId: r.id, binding: r.binding, device: r.device, environment: store.runEnvironment(r.campaign, r.cellKey) })));
}

/** The sections alone, for a page that fetches them: no analysis, no figures. */
export function loadCampaignSections(store: ResultStore, campaign: string, opts: Pick<CampaignReportOptions, 'analysis' | 'filter'> = {}): CampaignSections {
  const runs = loadCampaignRuns(store, campaign, opts.filter ?? {}, { ...defaultAnalysisOptions, ...opts.analysis });
  if (!runs) throw noCampaign(campaign);
  return { runs, environment: runsEnvironment(store, runs) };
}

export async function loadCampaignReport(store: ResultStore, campaign: string, opts: CampaignReportOptions = {}): Promise<CampaignReport> {
  const settings = { ...defaultAnalysisOptions, ...opts.analysis };
  const views = loadCampaignViews(store, campaign, settings);
  if (!views) throw noCampaign(campaign);
  const all = views.runs;
  const filter = opts.filter ?? {};
  const runs: CampaignRuns = { ...all, runs: filterRuns(all.runs, filter) };
  const analysis = analyzeCampaign(views.data, settings);
  const defs = campaignFigures(runs);
  const figures: ShownFigure[] = [
    ...(opts.figureSrc ? defs.map((f) => ({ ...f, src: opts.figureSrc!(f) })) : await renderFigures(defs)),
    ...(await renderFigures(ladderFigures(campaign, analysis.ladder))),
  ];
  const environment = opts.fetchSections ? null : runsEnvironment(store, runs);
  return {
    runs,
    choices: { models: distinctValues(all.runs, 'model'), bindings: distinctValues(all.runs, 'binding'), devices: distinctValues(all.runs, 'device') },
    filter,
    analysis,
    figures,
    environment,
  };
}
