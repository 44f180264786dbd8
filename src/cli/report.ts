/**
 * `bindbench report`: one self-contained HTML file per set of campaigns (figures rendered to inline SVG, statistics
 * tables, environment manifest, per-cell commands; opens offline), written beside the analysis' Markdown and JSON.
 */
import type { Command } from 'commander';
import type { Home } from '../base/home.js';
import type { WrittenFigures } from '../report/figures/write-figures.js';
import { alphaOf, collect, homeOf } from './common.js';
import { emit, type CommandResult } from './output.js';

export interface ReportFlags {
  campaign: string[];
  out?: string;
  figures?: string;
  holm?: boolean;
  alpha?: number;
  json?: boolean;
}

export interface ReportPaths {
  report: string;
  markdown: string;
  json: string;
  figures: WrittenFigures | null;
}

export async function reportCommand(home: Home, o: ReportFlags): Promise<CommandResult<ReportPaths>> {
  const [{ join, resolve }, { writeFigureFiles }, { isDrawn }, { loadCampaignReport }, { renderReportPage }, { writeFileAtomic }, { ResultStore }, { defaultCampaigns }, { analysisSettings, reportFolder, writeAnalysisFiles }] =
    await Promise.all([
      import('node:path'),
      import('../report/figures/write-figures.js'),
      import('../report/figures/figure.js'),
      import('../report/html/campaign-report.js'),
      import('../report/html/report-page.js'),
      import('../base/atomic-file.js'),
      import('../store/result-store.js'),
      import('./campaign-choice.js'),
      import('./analysis-files.js'),
    ]);
  const analysis = analysisSettings(o);
  const store = ResultStore.open(home.store);
  let ids: string[];
  const reports = [];
  try {
    ids = defaultCampaigns(store, o.campaign);
    for (const id of ids) reports.push(await loadCampaignReport(store, id, { analysis }));
  } finally {
    store.close();
  }
  const out = reportFolder(home, o.out, ids);
  const written = writeAnalysisFiles(out, reports.map((r) => r.analysis));
  const paths = { report: join(out, 'report.html'), ...written.paths };
  writeFileAtomic(paths.report, renderReportPage(reports, { generated: new Date().toISOString(), filterMode: 'client' }));
  const figures = o.figures ? await writeFigureFiles(resolve(o.figures), reports.flatMap((r) => r.figures.filter(isDrawn))) : null;
  return { data: { ...paths, figures }, text: `${paths.report}\n` };
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (figures, statistics, environment, reproduce commands) beside analysis.md and analysis.json; default: the most recent campaign')
    .option('--campaign <id>', 'campaign to report (repeat for several, one section each)', collect, [] as string[])
    .option('--out <dir>', 'folder for report.html, analysis.md and analysis.json (default: <home>/reports/<campaigns>)')
    .option('--figures <dir>', 'also write every figure as SVG, and as PNG where @resvg/resvg-js loads, into this folder')
    .option('--holm', 'Holm instead of Bonferroni correction within each family')
    .option('--alpha <x>', 'family-wise significance level (default 0.05)', alphaOf)
    .option('--json', 'print the written paths as JSON')
    .action(async (o: ReportFlags, cmd: Command) => {
      const result = await reportCommand(homeOf(cmd), o);
      emit(result, o.json);
      const figures = result.data.figures;
      // Where the figures went is a side note for a person: on stderr, so stdout stays the report's path.
      if (figures && !o.json) {
        process.stderr.write(`figures: ${figures.svg.length} SVG and ${figures.png.length} PNG files in ${figures.dir}\n`);
        if (figures.pngUnavailable) process.stderr.write(`no PNG: ${figures.pngUnavailable}\n`);
      }
    });
}
