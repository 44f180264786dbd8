/**
 * RQ2: does a model trained in the reference binding give the same results when another binding loads it? The
 * reproduction matrix, per framework × model × target binding × load mode × device: how many loaded models
 * classified the same number of test samples correctly as the source model did, and how many gave the same result
 * on every repeated evaluation (stability).
 */
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { CampaignData } from './campaign-data.js';
import { familyOf } from './families.js';
import { groupBy } from './grouping.js';
import { reproductionOf } from './reproduction.js';

export type Rq2Verdict = 'all reproduced' | 'some not reproduced' | 'none reproduced' | 'not recorded';

export interface Rq2Row {
  framework: string;
  model: string;
  /** Binding(s) that trained the loaded models. */
  source: string;
  target: string;
  loadMode: string;
  device: string;
  /** How the loaded models were trained. */
  style: string;
  /** Loaded models (infer runs that finished ok). */
  models: number;
  reproduced: number;
  notReproduced: number;
  /** Models without a reproduction result (e.g. the source run failed). */
  reproductionUnknown: number;
  stable: number;
  unstable: number;
  stabilityUnknown: number;
  verdict: Rq2Verdict;
  /** Infer runs that did not finish ok, with their reasons. */
  problems: string[];
}

export interface Rq2Result {
  rows: Rq2Row[];
  warnings: AnalysisWarning[];
}

function verdictOf(reproduced: number, notReproduced: number): Rq2Verdict {
  if (reproduced + notReproduced === 0) return 'not recorded';
  if (notReproduced === 0) return 'all reproduced';
  return reproduced === 0 ? 'none reproduced' : 'some not reproduced';
}

export function analyzeRq2(data: CampaignData, opts: AnalysisOptions): Rq2Result {
  const warnings: AnalysisWarning[] = [];
  const infer = data.runs.filter((r) => r.mode === 'infer').map((r) => ({ ...r, ...reproductionOf(r), family: familyOf(r, opts) }));
  const rows: Rq2Row[] = [];
  const referenceOfRow = new Map<Rq2Row, string>();
  for (const runs of groupBy(infer, (r) => [r.family.family, r.model, r.binding, r.loadMode ?? '', r.device, r.style])) {
    const first = runs[0]!;
    const ok = runs.filter((r) => r.status === 'ok');
    const count = (pick: (r: (typeof ok)[number]) => boolean) => ok.filter(pick).length;
    const reproduced = count((r) => r.reproduced === true);
    const notReproduced = count((r) => r.reproduced === false);
    const row: Rq2Row = {
      framework: first.family.family,
      model: first.model,
      source: [...new Set(runs.map((r) => r.sourceBinding ?? '?'))].sort().join(', '),
      target: first.binding,
      loadMode: first.loadMode ?? '—',
      device: first.device,
      style: first.style,
      models: ok.length,
      reproduced,
      notReproduced,
      reproductionUnknown: count((r) => r.reproduced === null),
      stable: count((r) => r.stable === true),
      unstable: count((r) => r.stable === false),
      stabilityUnknown: count((r) => r.stable === null),
      verdict: verdictOf(reproduced, notReproduced),
      problems: [...new Set(runs.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.reason ?? ''}`))],
    };
    rows.push(row);
    referenceOfRow.set(row, first.family.reference);
    // The flag and the counts are recorded separately (an imported study records its own flag); say when they disagree.
    const disagree = ok.filter((r) => r.reproduced !== null && r.sourceCorrect !== null && r.targetCorrect !== null && r.reproduced !== (r.sourceCorrect === r.targetCorrect));
    if (disagree.length) {
      const scope = `RQ2 ${first.family.family} ${first.model} ${first.binding} ${first.loadMode ?? ''} (${first.device}, ${first.style})`;
      warnings.push({
        code: 'reproduction-flag-disagrees',
        scope,
        message: `${disagree.length} of ${ok.length} run(s) record a reproduction flag that disagrees with their correct counts: ${disagree
          .slice(0, 3)
          .map((r) => `${r.id} says ${r.reproduced ? 'reproduced' : 'not reproduced'} but scored ${r.targetCorrect} vs the source's ${r.sourceCorrect}`)
          .join('; ')}${disagree.length > 3 ? `; and ${disagree.length - 3} more` : ''}`,
        action: 'check which source model the evaluation loaded; the matrix counts the recorded flag',
      });
    }
  }
  if (infer.length === 0) {
    warnings.push({ code: 'no-infer-runs', scope: 'RQ2', message: 'the campaign has no inference runs, so there is no reproduction matrix', action: 'run the campaign with `--experiments train,infer`' });
  }
  // Rows sort by framework, model, target (reference first), mode, device.
  rows.sort((a, b) => {
    const refA = a.target === referenceOfRow.get(a) ? 0 : 1;
    const refB = b.target === referenceOfRow.get(b) ? 0 : 1;
    return a.framework.localeCompare(b.framework) || a.model.localeCompare(b.model) || refA - refB || a.target.localeCompare(b.target) || a.loadMode.localeCompare(b.loadMode) || a.device.localeCompare(b.device) || a.style.localeCompare(b.style);
  });
  return { rows, warnings };
}
