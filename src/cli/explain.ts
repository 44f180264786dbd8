/**
 * `bindbench explain`: why the bindings of a campaign differ. Finds every significant accuracy or training-time
 * difference (and accuracy curves beyond seed noise), runs the attribution ladder's missing rungs as campaigns named
 * `<campaign>--explain-<rung>` (the original campaign stands for a rung it already ran), and names per difference the
 * first rung at which it is gone, and so its cause.
 */
import type { Command } from 'commander';
import { BadInputError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import type { Difference } from '../analysis/ladder.js';
import { alphaOf, commaList, homeOf } from './common.js';
import { emit, type CommandResult } from './output.js';

export interface ExplainFlags {
  campaign?: string;
  models?: string[];
  bindings?: string[];
  dryRun?: boolean;
  json?: boolean;
  alpha?: number;
}

const differenceKey = (d: Difference) => [d.framework, d.model, d.device, d.binding, d.quantity].join('\u0000');

export async function explainCommand(home: Home, o: ExplainFlags, progress: (line: string) => void): Promise<CommandResult> {
  const [{ analyzeCampaign, loadCampaignData }, { differencesToExplain }, { planLadder }, { ResultStore }, { defaultCampaigns }, { bindingIdsWithVersions, campaignBindings }, { resolveSpec }, { runCampaign }, { renderLadderMarkdown }] = await Promise.all([
    import('../analysis/index.js'),
    import('../analysis/ladder.js'),
    import('../campaign/explain-plan.js'),
    import('../store/result-store.js'),
    import('./campaign-choice.js'),
    import('../bindings/index.js'),
    import('../campaign/spec.js'),
    import('../campaign/run-campaign.js'),
    import('../report/ladder-report.js'),
  ]);
  const started = Date.now();
  const alpha = o.alpha ?? 0.05;
  const { id, spec, differences } = ResultStore.with(home.store, (store) => {
    const [id] = defaultCampaigns(store, o.campaign ? [o.campaign] : []);
    const spec = store.readCampaign(id!).spec as import('../campaign/spec.js').CampaignSpec & { importer?: string };
    if (typeof spec?.preset !== 'string' || !Array.isArray(spec.seeds)) {
      throw new BadInputError(`campaign ${id} was not run by bindbench${spec?.importer ? ` (imported by ${spec.importer})` : ''}: the ladder reruns a campaign's cells under other settings, so it needs a bindbench run spec`);
    }
    const found = differencesToExplain(analyzeCampaign(loadCampaignData(store, id!), { alpha, correction: 'bonferroni' }));
    // Only the differences asked about: each one costs a campaign per rung.
    const differences = found.filter((d) => (!o.models || o.models.includes(d.model)) && (!o.bindings || o.bindings.includes(d.binding)));
    return { id: id!, spec, differences };
  });
  if (differences.length === 0) return { data: { campaign: id, differences: [], rungs: [], attributions: [] }, text: `campaign ${id}: no significant difference between bindings to explain\n` };
  const plan = planLadder(id, spec, differences);
  const ids = bindingIdsWithVersions();
  const toRun = plan.filter((r) => !r.reused);
  for (const r of toRun) resolveSpec(r.spec, ids); // every rung's spec is valid before anything runs
  if (o.dryRun) {
    const lines = [
      `campaign ${id}: ${differences.length} difference(s) to explain`,
      ...differences.map((d) => `  ${d.model} ${d.device} ${d.binding} vs ${d.reference}, ${d.quantity}: ${d.found}`),
      'ladder:',
      ...plan.map((r) => `  ${r.rung.id.padEnd(17)} init ${r.rung.settings.init}, order ${r.rung.settings.data_order}, layer defaults ${r.rung.settings.layer_defaults}, style ${r.rung.settings.style}: ${r.reused ? `the original campaign ${id}` : `campaign ${r.campaign}`}`),
    ];
    return { data: { campaign: id, differences, rungs: plan }, text: `${lines.join('\n')}\n` };
  }
  for (const r of toRun) {
    const exists = ResultStore.with(home.store, (store) => store.hasCampaign(r.campaign));
    const t0 = Date.now();
    const spec = resolveSpec(r.spec, ids);
    const outcome = await runCampaign({ home, spec, bindings: campaignBindings(spec.bindings), id: r.campaign, resume: exists });
    progress(`rung ${r.rung.id}: campaign ${r.campaign}, ${outcome.results.filter((x) => x.status === 'ok').length}/${outcome.results.length} runs ok, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // The analysis judges the ladder from the store, as analyze and report do; only the differences asked about.
  const asked = new Set(differences.map(differenceKey));
  const attributions = ResultStore.with(home.store, (store) => analyzeCampaign(loadCampaignData(store, id), { alpha, correction: 'bonferroni' }).ladder.filter((a) => asked.has(differenceKey(a.difference))));
  const seconds = (Date.now() - started) / 1000;
  return { data: { campaign: id, differences, rungs: plan, attributions, seconds }, text: `${renderLadderMarkdown(id, attributions)}\n${toRun.length} rung campaign(s) run in ${seconds.toFixed(0)} s\n` };
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description("why the bindings of a campaign differ: runs the attribution ladder (shared init, shared order, aligned layer defaults, minimal style) and names each difference's cause")
    .option('--campaign <id>', 'the campaign whose differences to explain (default: the newest)')
    .option('--models <ids>', 'only the differences of these models', commaList)
    .option('--bindings <ids>', 'only the differences of these bindings (against their reference)', commaList)
    .option('--dry-run', 'list the differences and the rung campaigns, run nothing')
    .option('--alpha <x>', 'significance level (default 0.05)', alphaOf)
    .option('--json', 'print the outcome as JSON')
    .action(async (o: ExplainFlags, cmd: Command) => emit(await explainCommand(homeOf(cmd), o, (line) => process.stderr.write(`${line}\n`)), o.json));
}
