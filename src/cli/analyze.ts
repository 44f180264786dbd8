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
  const [{ analyzeCampaign, loadCampaignData }, { ResultStore }, { defaultCampaigns }, { analysisSettings, reportFolder, writeAnalysisFiles }] = await Promise.all([
    import('../analysis/index.js'),
    import('../store/result-store.js'),
    import('./campaign-choice.js'),
    import('./analysis-files.js'),
  ]);
  const { ids, analyses } = ResultStore.with(home.store, (store) => {
    const chosen = defaultCampaigns(store, o.campaign);
    return { ids: chosen, analyses: chosen.map((id) => analyzeCampaign(loadCampaignData(store, id), analysisSettings(o))) };
  });
  const { markdown, json, paths } = writeAnalysisFiles(reportFolder(home, o.out, ids), analyses);
  return { data: JSON.parse(json) as unknown, text: `${markdown}\nreport: ${paths.markdown}, ${paths.json}\n` };
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
