/** `bindbench analyze`: RQ1-RQ4 of one or more campaigns -> Markdown (printed) and JSON report files. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { analyzeCampaign, listIndexedCampaigns, loadCampaignData, pythonReference } from '../analysis/index.js';
import { bindings } from '../bindings/index.js';
import { BadInputError } from '../errors.js';
import { renderAnalysisJson } from '../report/analysis-json.js';
import { renderAnalysesMarkdown } from '../report/analysis-markdown.js';
import { openIndex } from '../store/index-db.js';
import { writeFileAtomic } from '../store/atomic.js';
import { homeOf } from './common.js';

/** The registry's reference binding for a framework; `<framework>/python` for frameworks it does not know (imports). */
export function registryReference(framework: string): string {
  return bindings.find((b) => b.framework === framework && b.reference)?.id ?? pythonReference(framework);
}

function alphaOf(value: string): number {
  const a = Number(value);
  if (!(a > 0 && a < 1)) throw new BadInputError(`--alpha: '${value}' is not a number strictly between 0 and 1`);
  return a;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyze campaigns (RQ1 accuracy, RQ2 reproduction, RQ3 training time, RQ4 inference time); default: the most recent campaign')
    .option('--campaign <id>', 'campaign to analyze (repeat for several; each is analyzed on its own)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <dir>', 'folder for analysis.md and analysis.json (default: <home>/reports/<campaign>)')
    .option('--holm', 'Holm instead of Bonferroni correction within each family')
    .option('--alpha <x>', 'family-wise significance level (default 0.05)', alphaOf)
    .option('--json', 'print the JSON report instead of the Markdown')
    .action((o: { campaign: string[]; out?: string; holm?: boolean; alpha?: number; json?: boolean }, cmd: Command) => {
      const home = homeOf(cmd);
      const db = openIndex(home.store);
      let ids: string[];
      let analyses;
      try {
        ids = o.campaign.length ? o.campaign : listIndexedCampaigns(db).slice(0, 1).map((c) => c.id);
        if (ids.length === 0) throw new BadInputError(`no campaigns in ${home.store}: run \`bindbench run\` or \`bindbench import\` first`);
        analyses = ids.map((id) => analyzeCampaign(loadCampaignData(db, id), { referenceOf: registryReference, alpha: o.alpha ?? 0.05, correction: o.holm ? 'holm' : 'bonferroni' }));
      } finally {
        db.close();
      }
      const markdown = renderAnalysesMarkdown(analyses);
      const json = renderAnalysisJson(analyses);
      const out = resolve(o.out ?? join(home.root, 'reports', ids.join('+')));
      mkdirSync(out, { recursive: true });
      writeFileAtomic(join(out, 'analysis.md'), markdown);
      writeFileAtomic(join(out, 'analysis.json'), json);
      process.stdout.write(o.json ? json : `${markdown}\nreport: ${join(out, 'analysis.md')}, ${join(out, 'analysis.json')}\n`);
    });
}
