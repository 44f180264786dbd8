/**
 * The report page: one section per campaign with figures (a)-(d), the statistics tables (e), the environment
 * manifest and the per-cell commands (f). Pure: a function of loaded campaign reports. The static report and the
 * run browser's campaign page are both this page; only the links and the filter mode differ.
 */
import type { ShownFigure } from '../figures/figure.js';
import { slug } from '../figures/figure.js';
import type { ReportRun } from '../campaign-runs.js';
import type { CampaignReport, CampaignSections } from './campaign-report.js';
import { escapeHtml } from './escape.js';
import { renderEnvironmentManifest } from './environment-manifest.js';
import { renderFiguresSection } from './figures-section.js';
import { renderPage, type FilterChoices } from './page.js';
import { renderRunsTable } from './runs-table.js';
import { renderStatistics } from './statistics-tables.js';
import { renderLadderSection } from './ladder-section.js';

export interface ReportPageOptions {
  /** When the page was produced (shown, not computed, so the renderer stays pure). */
  generated: string;
  filterMode: 'client' | 'server';
  title?: string;
  runHref?(run: ReportRun): string;
  figureLink?(figure: ShownFigure): string;
  /** Extra links in the header (the run browser's way back). */
  nav?: Array<{ href: string; label: string }>;
  /**
   * Where the page fetches a section that grows with the number of runs (the run browser: a large campaign's page
   * stays small); absent: the section is drawn into the page (the static report).
   */
  sectionSrc?(campaign: string, section: LazySection): string;
}

/** The sections whose size grows with the runs, which the run browser fetches as they scroll into view. */
export const LAZY_SECTIONS = ['environment', 'runs'] as const;
export type LazySection = (typeof LAZY_SECTIONS)[number];

const SECTION_TITLES: Record<LazySection, string> = { environment: '(f) Environment', runs: 'Runs and the commands that reproduce them' };

/** The body of a section that grows with the runs: the whole of it in the static report, a fragment in the browser. */
export function renderSectionBody(r: CampaignSections, section: LazySection, opts: Pick<ReportPageOptions, 'runHref'>): string {
  return section === 'environment'
    ? renderEnvironmentManifest(r.environment)
    : [
        '<p class="note">Each command reruns one cell as a new campaign with the spec this campaign was run with; an inference cell trains its source model first.</p>',
        renderRunsTable(r.runs.spec, r.runs.runs, { runHref: opts.runHref }),
      ].join('\n');
}

function renderLazySection(r: CampaignReport, section: LazySection, opts: Pick<ReportPageOptions, 'runHref' | 'sectionSrc'>): string {
  const id = `${slug(r.runs.id)}-${section}`;
  const head = `<h2>${escapeHtml(SECTION_TITLES[section])}</h2>`;
  if (!opts.sectionSrc) {
    if (!r.environment) throw new Error(`campaign ${r.runs.id} was loaded for fetched sections (fetchSections) but its page draws them in`);
    return `<section id="${escapeHtml(id)}">${head}${renderSectionBody({ runs: r.runs, environment: r.environment }, section, opts)}</section>`;
  }
  const src = opts.sectionSrc(r.runs.id, section);
  return `<section id="${escapeHtml(id)}" data-fragment-src="${escapeHtml(src)}">${head}<div class="fragment-placeholder"><a href="${escapeHtml(src)}">${escapeHtml(SECTION_TITLES[section])}</a> <span class="note">(loading…)</span></div></section>`;
}

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

export function renderCampaignSection(r: CampaignReport, opts: Pick<ReportPageOptions, 'runHref' | 'figureLink' | 'sectionSrc'>): string {
  const id = slug(r.runs.id);
  const filtered = Object.values(r.filter).some(Boolean);
  const filterNote = filtered
    ? `<p class="note">Figures, environment and runs show only ${escapeHtml(
        Object.entries(r.filter)
          .filter(([, v]) => v)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      )}; the statistics are always those of the whole campaign.</p>`
    : '';
  return [
    `<section class="campaign" id="${escapeHtml(id)}">`,
    `<h2>Campaign ${escapeHtml(r.runs.id)}</h2>`,
    `<p class="lead">Created ${escapeHtml(r.runs.created)}; ${r.runs.runs.length} runs shown (${r.runs.runs.filter((x) => x.mode === 'train').length} training, ${r.runs.runs.filter((x) => x.mode === 'infer').length} inference${((n) => (n ? `, ${n} conversion` : ''))(r.runs.runs.filter((x) => x.mode === 'convert').length)}).</p>`,
    dataCaveats(r.analysis),
    filterNote,
    `<section id="${escapeHtml(id)}-figures"><h2>Figures</h2>${renderFiguresSection(r.figures, { figureLink: opts.figureLink })}</section>`,
    `<section id="${escapeHtml(id)}-statistics"><h2>(e) Statistics</h2>${renderStatistics(r.analysis)}</section>`,
    ((ladder) => (ladder ? `<section id="${escapeHtml(id)}-ladder"><h2>Why bindings differ</h2>${ladder}</section>` : ''))(renderLadderSection(r.analysis, r.figures)),
    renderLazySection(r, 'environment', opts),
    renderLazySection(r, 'runs', opts),
    '</section>',
  ].join('\n');
}

/** The stand-in data warnings in the campaign's header: every number below inherits them. */
function dataCaveats(a: CampaignReport['analysis']): string {
  return a.warnings
    .filter((w) => w.code === 'stand-in-data')
    .map((w) => `<p class="caveat"><strong>Stand-in data</strong> (${escapeHtml(w.scope)}): ${escapeHtml(w.message)}. ${escapeHtml(w.action)}.</p>`)
    .join('\n');
}

export function renderReportPage(reports: readonly CampaignReport[], opts: ReportPageOptions): string {
  const filters: FilterChoices = {
    models: union(reports.map((r) => r.choices.models)),
    bindings: union(reports.map((r) => r.choices.bindings)),
    devices: union(reports.map((r) => r.choices.devices)),
    mode: opts.filterMode,
    selected: reports[0]?.filter,
  };
  const nav = [
    ...(opts.nav ?? []),
    ...reports.flatMap((r) => {
      const id = slug(r.runs.id);
      const prefix = reports.length > 1 ? `${r.runs.id}: ` : '';
      return [
        { href: `#${id}-figures`, label: `${prefix}figures` },
        { href: `#${id}-statistics`, label: `${prefix}statistics` },
        { href: `#${id}-environment`, label: `${prefix}environment` },
        { href: `#${id}-runs`, label: `${prefix}runs` },
      ];
    }),
  ];
  return renderPage({
    title: opts.title ?? `bindbench report: ${reports.map((r) => r.runs.id).join(', ')}`,
    subtitle: `Generated ${opts.generated} from the result store. Definitions: docs/methodology.md; how to read the figures: docs/report.md.`,
    nav,
    filters,
    curvesSwitch: true,
    body: reports.map((r) => renderCampaignSection(r, opts)).join('\n'),
  });
}
