/**
 * The run browser's pages as replies: a route and a store in, status, content type and body out. The server runs
 * the light ones itself and hands the heavy ones (a campaign's report, a run, a comparison, a figure) to page
 * workers, so one slow page never holds up another request.
 */
import type { AnalysisOptions } from '../analysis/index.js';
import { defaultAnalysisOptions } from '../analysis/index.js';
import type { ResultStore } from '../store/result-store.js';
import { campaignFigures } from '../report/figures/figure-set.js';
import { loadCampaignRuns } from '../report/campaign-runs.js';
import { renderFigures } from '../report/figures/render-svg.js';
import { loadComparison, loadRunPage } from '../report/html/browser-data.js';
import { loadCampaignReport, loadCampaignSections } from '../report/html/campaign-report.js';
import { renderCampaignListPage } from '../report/html/campaign-list-page.js';
import { renderComparisonPage } from '../report/html/comparison.js';
import { escapeHtml, hrefOf } from '../report/html/escape.js';
import { renderPage } from '../report/html/page.js';
import { LAZY_SECTIONS, renderReportPage, renderSectionBody, type LazySection } from '../report/html/report-page.js';
import { renderRunPage } from '../report/html/run-page.js';
import type { Route, RouteFilter } from './routes.js';

export interface PageOptions {
  analysis?: Partial<AnalysisOptions>;
}

export interface Reply {
  status: number;
  type: string;
  body: string;
}

export function page(status: number, title: string, message: string): Reply {
  return { status, type: 'text/html; charset=utf-8', body: renderPage({ title, nav: [{ href: '/', label: 'all campaigns' }], body: `<p>${escapeHtml(message)}</p>` }) };
}

const html = (body: string): Reply => ({ status: 200, type: 'text/html; charset=utf-8', body });

const runHref = (r: { campaign: string; cellKey: string }) => hrefOf('campaigns', r.campaign, 'runs', r.cellKey);

/** `?model=..&binding=..` for the filter a page was asked with, so what it fetches is drawn from the same runs. */
function filterQuery(filter: RouteFilter): string {
  const q = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return q ? `?${q}` : '';
}

export async function pageFor(route: Route, store: ResultStore, opts: PageOptions): Promise<Reply> {
  switch (route.kind) {
    case 'home':
      return html(renderCampaignListPage(store.listCampaigns(), store.dir));
    case 'campaign': {
      if (!store.campaign(route.id)) return page(404, 'No such campaign', `The store has no campaign '${route.id}'.`);
      // Figures by reference: the page stays small and the browser fetches each one (with this filter) as it shows.
      const query = filterQuery(route.filter);
      const figureHref = (f: { id: string }) => hrefOf('campaigns', route.id, 'figures', `${f.id}.svg`) + query;
      const report = await loadCampaignReport(store, route.id, { analysis: opts.analysis, filter: route.filter, figureSrc: figureHref, fetchSections: true });
      return html(
        renderReportPage([report], {
          generated: new Date().toISOString(),
          filterMode: 'server',
          title: `Campaign ${route.id}`,
          nav: [{ href: '/', label: 'all campaigns' }],
          runHref,
          figureLink: figureHref,
          sectionSrc: (campaign, section) => hrefOf('campaigns', campaign, 'sections', section) + query,
        }),
      );
    }
    case 'section': {
      if (!store.campaign(route.id)) return page(404, 'No such campaign', `The store has no campaign '${route.id}'.`);
      if (!(LAZY_SECTIONS as readonly string[]).includes(route.section)) return page(404, 'No such section', `A campaign page has no section '${route.section}'; it has ${LAZY_SECTIONS.join(', ')}.`);
      return html(renderSectionBody(loadCampaignSections(store, route.id, { analysis: opts.analysis, filter: route.filter }), route.section as LazySection, { runHref }));
    }
    case 'run': {
      const input = await loadRunPage(store, route.id, route.key, opts.analysis);
      return input ? html(renderRunPage(input)) : page(404, 'No such run', `The store has no complete run '${route.id}/${route.key}'.`);
    }
    case 'figure': {
      const runs = loadCampaignRuns(store, route.id, route.filter, { ...defaultAnalysisOptions, ...opts.analysis });
      const def = runs ? campaignFigures(runs).find((f) => f.id === route.figure) : undefined;
      if (!def) return page(404, 'No such figure', `Campaign '${route.id}' has no figure '${route.figure}'.`);
      const [figure] = await renderFigures([def]);
      return { status: 200, type: 'image/svg+xml; charset=utf-8', body: figure!.svg };
    }
    case 'compare': {
      if (!route.a || !route.b) return page(400, 'Two campaigns needed', 'Compare needs two campaigns: /compare?a=<campaign>&b=<campaign>.');
      const data = await loadComparison(store, route.a, route.b, opts.analysis);
      return data ? html(renderComparisonPage(data)) : page(404, 'No such campaign', `The store has no campaign '${store.campaign(route.a) ? route.b : route.a}'.`);
    }
    case 'bad-request':
      return page(400, 'Bad request', route.reason);
    case 'not-found':
    case 'file':
      return page(404, 'Not found', 'No such page.');
  }
}


/** Pages that load and render a campaign's data: worth a worker of their own. */
export const HEAVY_ROUTES: ReadonlySet<Route['kind']> = new Set(['campaign', 'section', 'run', 'compare', 'figure']);
