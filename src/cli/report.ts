/**
 * `bindbench report`: one self-contained HTML file per set of campaigns (figures rendered to inline SVG, statistics
 * tables, environment manifest, per-cell commands; opens offline), written beside the analysis' Markdown and JSON.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { listIndexedCampaigns } from '../analysis/index.js';
import { BadInputError } from '../errors.js';
import { renderAnalysisJson } from '../report/analysis-json.js';
import { renderAnalysesMarkdown } from '../report/analysis-markdown.js';
import { writeFigureFiles } from '../report/figures/write-figures.js';
import { loadCampaignReport, type CampaignReport } from '../report/html/campaign-report.js';
import { renderReportPage } from '../report/html/report-page.js';
import { writeFileAtomic } from '../store/atomic.js';
import { openIndex } from '../store/index-db.js';
import { registryReference } from './analyze.js';
import { homeOf, printJson } from './common.js';

function alphaOf(value: string): number {
  const a = Number(value);
  if (!(a > 0 && a < 1)) throw new BadInputError(`--alpha: '${value}' is not a number strictly between 0 and 1`);
  return a;
}

interface ReportFlags {
  campaign: string[];
  out?: string;
  figures?: string;
  holm?: boolean;
  alpha?: number;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (figures, statistics, environment, reproduce commands) beside analysis.md and analysis.json; default: the most recent campaign')
    .option('--campaign <id>', 'campaign to report (repeat for several, one section each)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <dir>', 'folder for report.html, analysis.md and analysis.json (default: <home>/reports/<campaigns>)')
    .option('--figures <dir>', 'also write every figure as SVG, and as PNG where @resvg/resvg-js loads, into this folder')
    .option('--holm', 'Holm instead of Bonferroni correction within each family')
    .option('--alpha <x>', 'family-wise significance level (default 0.05)', alphaOf)
    .option('--json', 'print the written paths as JSON')
    .action(async (o: ReportFlags, cmd: Command) => {
      const home = homeOf(cmd);
      const db = openIndex(home.store);
      let ids: string[];
      const reports: CampaignReport[] = [];
      try {
        ids = o.campaign.length ? [...new Set(o.campaign)] : listIndexedCampaigns(db).slice(0, 1).map((c) => c.id);
        if (ids.length === 0) throw new BadInputError(`no campaigns in ${home.store}: run \`bindbench run\` or \`bindbench import\` first`);
        const analysis = { referenceOf: registryReference, alpha: o.alpha ?? 0.05, correction: o.holm ? ('holm' as const) : ('bonferroni' as const) };
        for (const id of ids) reports.push(await loadCampaignReport(db, home.store, id, { analysis }));
      } finally {
        db.close();
      }
      const out = resolve(o.out ?? join(home.root, 'reports', ids.join('+')));
      mkdirSync(out, { recursive: true });
      const analyses = reports.map((r) => r.analysis);
      const paths = { report: join(out, 'report.html'), markdown: join(out, 'analysis.md'), json: join(out, 'analysis.json') };
      writeFileAtomic(paths.markdown, renderAnalysesMarkdown(analyses));
      writeFileAtomic(paths.json, renderAnalysisJson(analyses));
      writeFileAtomic(paths.report, renderReportPage(reports, { generated: new Date().toISOString(), filterMode: 'client' }));
      const figures = o.figures ? await writeFigureFiles(resolve(o.figures), reports.flatMap((r) => r.figures)) : null;
      if (o.json) return printJson({ ...paths, figures });
      process.stdout.write(`${paths.report}\n`);
      if (figures) {
        process.stderr.write(`figures: ${figures.svg.length} SVG and ${figures.png.length} PNG files in ${figures.dir}\n`);
        if (figures.pngUnavailable) process.stderr.write(`no PNG: ${figures.pngUnavailable}\n`);
      }
    });
}
