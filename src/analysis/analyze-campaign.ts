/** All four research questions for one campaign, as one plain result object (what the report renders). */
import { defaultAnalysisOptions, type AnalysisOptions, type Correction } from './analysis-options.js';
import { familyOf } from './families.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { analyzeApiCost, type ApiCostRow } from './api-cost.js';
import { differencesToExplain, explainDifferences, type Attribution } from './ladder.js';
import { analyzeRq1, type Rq1Group } from './rq1-accuracy.js';
import { analyzeRq2, type Rq2Row } from './rq2-reproduction.js';
import { analyzeRq3 } from './rq3-training-time.js';
import { analyzeRq4 } from './rq4-inference-time.js';
import type { TimingFamily } from './timing-families.js';
import { analyzeMemory } from './memory.js';
import type { Comparison } from './compare-to-reference.js';
import { coreVersionsByBinding, coreVersionWarnings, withCoreVersions } from './core-versions.js';
import { analyzeTimePhases, type PhaseRow } from './time-phases.js';

export interface CampaignAnalysis {
  campaign: string;
  created: string;
  settings: { alpha: number; correction: Correction; references: Record<string, string> };
  runs: { train: number; infer: number; notOk: number };
  rq1: Rq1Group[];
  rq2: Rq2Row[];
  rq3: TimingFamily[];
  rq4: TimingFamily[];
  /** Peak resident memory (MiB) per training run, compared with the reference as training time is. */
  memory: TimingFamily[];
  /** Peak device memory (MiB), where the runners reported one. */
  deviceMemory: TimingFamily[];
  /** Where each binding's cell time goes (medians per phase). */
  phases: PhaseRow[];
  /** The binding API's own cost: idiomatic over minimal training time per binding × model × device. */
  apiCost: ApiCostRow[];
  /** Why bindings differ: the attribution ladder's verdict per difference, when `bindbench explain` ran it. */
  ladder: Attribution[];
  warnings: AnalysisWarning[];
}

/**
 * One warning per stand-in dataset the campaign's runs trained or were evaluated on (the data's own caveat), first
 * in the list: every verdict on those runs inherits it, so it must not hide on a run page.
 */
export function standInDataWarnings(data: CampaignData): AnalysisWarning[] {
  const byCaveat = new Map<string, Set<string>>();
  for (const r of data.runs) {
    if (r.dataCaveat) byCaveat.set(r.dataCaveat, (byCaveat.get(r.dataCaveat) ?? new Set()).add(r.model));
  }
  return [...byCaveat].map(([caveat, models]) => ({
    code: 'stand-in-data',
    scope: `data (${[...models].sort().join(', ')})`,
    message: caveat,
    action: 'read these accuracies as a comparison between bindings on the same data, not as the study\'s numbers; `bindbench data list` shows what each dataset can be replaced with (`--data-dir` with the official files)',
  }));
}

export function analyzeCampaign(data: CampaignData, options: Partial<AnalysisOptions> = {}): CampaignAnalysis {
  const opts: AnalysisOptions = { ...defaultAnalysisOptions, ...options };
  const warnings: AnalysisWarning[] = [];
  const notOk = data.runs.filter((r) => r.status !== 'ok');
  if (notOk.length) {
    const byStatus = new Map<string, string[]>();
    for (const r of notOk) byStatus.set(r.status, [...(byStatus.get(r.status) ?? []), r.id]);
    const failed = byStatus.get('failed')?.length ?? 0;
    warnings.push({
      code: 'runs-not-ok',
      scope: 'campaign',
      message: `${notOk.length} of ${data.runs.length} runs are left out of every sample: ${[...byStatus].map(([s, ids]) => `${ids.length} ${s}`).join(', ')}`,
      action: failed ? `rerun the failed ones with \`bindbench run --resume ${data.id}\`; \`bindbench runs list --campaign ${data.id}\` shows why each one stopped` : `\`bindbench runs list --campaign ${data.id}\` shows the reasons`,
    });
  }
  warnings.push(...standInDataWarnings(data));
  const rq1 = analyzeRq1(data, opts);
  const rq2 = analyzeRq2(data, opts);
  const rq3 = analyzeRq3(data, opts);
  const rq4 = analyzeRq4(data, opts);
  const memory = analyzeMemory(data, opts);
  const cores = coreVersionsByBinding(data.runs);
  const withCores = <F extends { comparisons: Comparison[] }>(f: F): F => ({ ...f, comparisons: withCoreVersions(f.comparisons, cores) });
  const rq1Groups = rq1.groups.map((g) => ({ ...g, finalTestAccuracy: withCoreVersions(g.finalTestAccuracy, cores) }));
  const rq3Families = rq3.families.map(withCores);
  const rq4Families = rq4.families.map(withCores);
  const memoryFamilies = memory.families.map(withCores);
  const deviceFamilies = memory.device.map(withCores);
  const compared = [...rq1Groups.flatMap((g) => g.finalTestAccuracy), ...[...rq3Families, ...rq4Families, ...memoryFamilies].flatMap((f) => f.comparisons)];
  warnings.push(...coreVersionWarnings(compared, cores));
  if (rq4.families.length === 0 && rq2.rows.length > 0) {
    warnings.push({ code: 'no-inference-times', scope: 'RQ4', message: 'inference runs exist but none recorded a time', action: 'check the infer runs with `bindbench runs show`' });
  }
  // Frameworks something was measured in: a runtime-only binding's skipped train cells do not make it one.
  const references = new Map(data.runs.filter((r) => r.status === 'ok').map((r) => familyOf(r, opts)).map((f) => [f.family, f.reference]));
  return {
    campaign: data.id,
    created: data.created,
    settings: { alpha: opts.alpha, correction: opts.correction, references: Object.fromEntries([...references].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) },
    runs: { train: data.runs.filter((r) => r.mode === 'train').length, infer: data.runs.filter((r) => r.mode === 'infer').length, notOk: notOk.length },
    rq1: rq1Groups,
    rq2: rq2.rows,
    rq3: rq3Families,
    rq4: rq4Families,
    memory: memoryFamilies,
    deviceMemory: deviceFamilies,
    phases: analyzeTimePhases(data.runs),
    apiCost: analyzeApiCost(data.runs),
    ladder: data.ladder ? explainDifferences(differencesToExplain({ rq1: rq1Groups, rq3: rq3Families }), data.ladder, opts.alpha) : [],
    warnings: [...warnings, ...rq1.warnings, ...rq2.warnings, ...rq3.warnings, ...rq4.warnings, ...memory.warnings],
  };
}
