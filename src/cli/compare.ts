/**
 * `bindbench compare`: the regression gate. Two campaigns (baseline, candidate), or two bindings of one campaign
 * (`--baseline`, `--candidate`), compared row by row; exit 0 when nothing regressed, 1 when something did, 2 on bad
 * input (an unknown campaign or binding, or nothing in common to compare).
 */
import type { Command } from 'commander';
import type { GateSide } from '../analysis/compare-sides.js';
import { BadInputError, RegressionError } from '../base/errors.js';
import type { Home } from '../base/home.js';
import type { Calibration } from '../analysis/calibration.js';
import { alphaOf, homeOf, slowdownOf } from './common.js';
import { emit, type CommandResult } from './output.js';

export interface CompareFlags {
  baseline?: string;
  candidate?: string;
  format?: string;
  out?: string;
  alpha?: number;
  maxSlowdown?: number;
  allowMixedSchedules?: boolean;
}

export async function compareCommand(home: Home, campaigns: string[], o: CompareFlags): Promise<CommandResult> {
  const [{ compareSides }, { loadCampaignData }, { ResultStore }, { GATE_FORMATS, renderGate }, { writeFileAtomic }] = await Promise.all([
    import('../analysis/compare-sides.js'),
    import('../analysis/campaign-data.js'),
    import('../store/result-store.js'),
    import('../report/gate-report.js'),
    import('../base/atomic-file.js'),
  ]);
  const format = (o.format ?? 'markdown') as (typeof GATE_FORMATS)[number];
  if (!GATE_FORMATS.includes(format)) throw new BadInputError(`--format: '${o.format}' is not one of ${GATE_FORMATS.join(', ')}`);
  const bindingMode = o.baseline !== undefined || o.candidate !== undefined;
  if (bindingMode && (o.baseline === undefined || o.candidate === undefined || campaigns.length !== 1)) {
    throw new BadInputError('compare two bindings of one campaign as `bindbench compare CAMPAIGN --baseline <binding> --candidate <binding>`');
  }
  if (!bindingMode && campaigns.length !== 2) {
    throw new BadInputError(`compare needs two campaigns, BASELINE CANDIDATE (got ${campaigns.length}), or one campaign with --baseline and --candidate bindings`);
  }
  let stored: Array<Record<string, unknown> & { binding: string; model: string; device: string; style: string }> = [];
  const sides = ResultStore.with(home.store, (store) => {
    stored = store.calibrations();
    const dataOf = (id: string) => loadCampaignData(store, id);
    const side = (id: string): GateSide => ((d) => ({ label: id, runs: d.runs, curves: d.curves }))(dataOf(id));
    if (!bindingMode) return [side(campaigns[0]!), side(campaigns[1]!)] as const;
    const { runs, curves } = dataOf(campaigns[0]!);
    for (const b of [o.baseline!, o.candidate!]) {
      if (!runs.some((r) => r.binding === b)) throw new BadInputError(`campaign ${campaigns[0]} has no runs of binding '${b}'; it has ${[...new Set(runs.map((r) => r.binding))].sort().join(', ')}`);
    }
    return [{ label: o.baseline!, runs, binding: o.baseline!, curves }, { label: o.candidate!, runs, binding: o.candidate!, curves }] as const;
  });
  const result = compareSides(sides[0], sides[1], { ...(o.alpha !== undefined ? { alpha: o.alpha } : {}), ...(o.maxSlowdown !== undefined ? { maxSlowdown: o.maxSlowdown } : {}), allowMixedSchedules: Boolean(o.allowMixedSchedules) });
  if (result.rows.every((r) => r.reason.startsWith('only the'))) {
    throw new BadInputError(`nothing in common to compare: ${result.rows.length ? 'every model × device × style × binding was run on one side only' : 'neither side has a finished run'}; run the same models, devices, styles and bindings on both sides`);
  }
  // The calibrations of what was compared: the gate's measured false-alarm rate for those rows.
  const compared = new Set(result.rows.flatMap((r) => (bindingMode ? [o.baseline!, o.candidate!] : [r.binding]).map((b) => [b, r.model, r.device, r.style].join('\u0000'))));
  const calibrations = stored.filter((c) => compared.has([c.binding, c.model, c.device, c.style].join('\u0000'))) as unknown as Calibration[];
  if (calibrations.length) result.calibrations = calibrations;
  const text = renderGate(result, format);
  if (o.out) writeFileAtomic(o.out, text);
  return { data: result, text: o.out ? `${result.counts.regression} regression(s); ${format} written to ${o.out}\n` : text };
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('regression gate: a candidate against a baseline (two campaigns, or two bindings of one campaign); exit 1 on a regression')
    .argument('<campaigns...>', 'BASELINE CANDIDATE campaigns, or one campaign with --baseline and --candidate')
    .option('--baseline <binding>', 'within one campaign: the baseline binding')
    .option('--candidate <binding>', 'within one campaign: the candidate binding')
    .option('--format <format>', 'markdown (default), json, junit or html (a self-contained page)')
    .option('--out <file>', 'write the report here instead of printing it')
    .option('--alpha <x>', 'family-wise significance level, Holm over every tested row (default 0.05)', alphaOf)
    .option('--max-slowdown <fraction>', 'a significant slowdown up to this fraction is no change (default 0.05)', slowdownOf)
    .option('--allow-mixed-schedules', 'also judge times whose sides ran on different schedules (serial against --parallel cells); each such row is flagged')
    .action(async (campaigns: string[], o: CompareFlags, cmd: Command) => {
      const out = await compareCommand(homeOf(cmd), campaigns, o);
      emit(out, false);
      const regressions = (out.data as { counts: { regression: number } }).counts.regression;
      if (regressions > 0) throw new RegressionError(`${regressions} regression(s): ${(out.data as { candidate: string }).candidate} against ${(out.data as { baseline: string }).baseline}`);
    });
}
