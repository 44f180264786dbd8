/** `bindbench analyze`: RQ1-RQ4 of one or more campaigns -> Markdown (printed) and JSON report files. */
import type { Command } from 'commander';
import { alphaOf, collect, homeOf } from './common.js';
import { emit, type CommandResult } from './output.js';
import type { Home } from '../base/home.js';

export interface AnalyzeFlags {
  campaign: string[];
  out?: string;
  holm?: boolean;
  alpha?: number;
  json?: boolean;
}

/** Analyzes the campaigns (default: the newest) and writes analysis.md and analysis.json. */
export async function analyzeCommand(home: Home, o: AnalyzeFlags): Promise<CommandResult> {
  const [{ mkdirSync }, { join, resolve }, { analyzeCampaign, loadCampaignData }, { renderAnalysisJson }, { renderAnalysesMarkdown }, { writeFileAtomic }, { ResultStore }, { defaultCampaigns }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('../analysis/index.js'),
    import('../report/analysis-json.js'),
    import('../report/analysis-markdown.js'),
    import('../base/atomic-file.js'),
    import('../store/result-store.js'),
    import('./campaign-choice.js'),
  ]);
  const settings = { alpha: o.alpha ?? 0.05, correction: o.holm ? ('holm' as const) : ('bonferroni' as const) };
  const { ids, analyses } = ResultStore.with(home.store, (store) => {
    const chosen = defaultCampaigns(store, o.campaign);
    return { ids: chosen, analyses: chosen.map((id) => analyzeCampaign(loadCampaignData(store, id), settings)) };
  });
  const markdown = renderAnalysesMarkdown(analyses);
  const json = renderAnalysisJson(analyses);
  const out = resolve(o.out ?? join(home.root, 'reports', ids.join('+')));
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'analysis.md'), markdown);
  writeFileAtomic(join(out, 'analysis.json'), json);
  return { data: JSON.parse(json) as unknown, text: `${markdown}\nreport: ${join(out, 'analysis.md')}, ${join(out, 'analysis.json')}\n` };
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyze campaigns (RQ1 accuracy, RQ2 reproduction, RQ3 training time, RQ4 inference time); default: the most recent campaign')
    .option('--campaign <id>', 'campaign to analyze (repeat for several; each is analyzed on its own)', collect, [] as string[])
    .option('--out <dir>', 'folder for analysis.md and analysis.json (default: <home>/reports/<campaign>)')
    .option('--holm', 'Holm instead of Bonferroni correction within each family')
    .option('--alpha <x>', 'family-wise significance level (default 0.05)', alphaOf)
    .option('--json', 'print the JSON report instead of the Markdown')
    .action(async (o: AnalyzeFlags, cmd: Command) => emit(await analyzeCommand(homeOf(cmd), o), o.json));
}
