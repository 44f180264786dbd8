/**
 * The regression gate: a baseline and a candidate (two campaigns, or two bindings of one campaign) compared row by
 * row, per model × device × training style × binding (an inference row also per source and load mode), with one
 * verdict each: `regression`, `improvement`, `no change` or `inconclusive`.
 *
 * - final test accuracy, training time, inference time: two-sided Mann-Whitney U of the candidate's runs against the
 *   baseline's, Holm-corrected over every tested row of the comparison, with Cliff's delta; a time is a regression
 *   only when the difference is significant and the median ratio is beyond `maxSlowdown` (an improvement likewise
 *   below 1 / (1 + maxSlowdown)). Where the seeds match, the per-seed ratios give the median ratio a bootstrap interval.
 * - reproduction: a load that reproduced its source in every baseline run and fails in some candidate run is a
 *   regression, always (no test: one lost reproduction is a bug, not noise).
 * A row is `inconclusive` when its samples cannot give a verdict (fewer than 3 runs a side, or so few that even
 * complete separation could not pass the correction).
 */
import { bootstrapCI, cliffsDelta, holm, mannWhitneyU, mean, median, normalizedDtw } from '../stats/index.js';
import type { AccuracyCurves, RunRecord } from './campaign-data.js';
import { MIN_SAMPLE, summarize, type SampleSummary } from './compare-to-reference.js';
import { groupBy } from './grouping.js';
import { reproductionOf } from './reproduction.js';
import type { Calibration } from './calibration.js';

export type GateVerdict = 'regression' | 'improvement' | 'no change' | 'inconclusive';
export type GateQuantity = 'final test accuracy' | 'curve distance' | 'training time' | 'inference time' | 'reproduction';

export interface GateOptions {
  alpha: number;
  /** A slowdown (candidate / baseline median − 1) no larger than this is `no change` even when significant. */
  maxSlowdown: number;
  /**
   * Compare times measured on different schedules (serial against parallel cells, or other core counts). Off by
   * default: such a row is `inconclusive`, saying why; on, it is judged and its reason says the schedules differ.
   */
  allowMixedSchedules?: boolean;
}

export const defaultGateOptions: GateOptions = { alpha: 0.05, maxSlowdown: 0.05 };

/** Which runs form each side: a whole campaign's, or one binding's within a campaign. */
export interface GateSide {
  label: string;
  runs: readonly RunRecord[];
  /** Only this binding's runs (as the target of an inference), shown in the rows under `binding`. */
  binding?: string;
  /** Per-epoch accuracy curves of the side's training runs, by run id: they give the curve-distance rows. */
  curves?: ReadonlyMap<string, AccuracyCurves>;
}

export interface GateRow {
  quantity: GateQuantity;
  model: string;
  device: string;
  style: string;
  /** The binding compared (the target, for an inference); `A vs B` when the sides are two bindings. */
  binding: string;
  /** Inference rows: the binding that trained the loaded model, and how it was loaded. */
  source: string | null;
  loadMode: string | null;
  baseline: SampleSummary;
  candidate: SampleSummary;
  /** Candidate median / baseline median (reproduction: reproduced fraction, candidate over baseline). */
  ratio: number | null;
  /** Times: 95 % bootstrap interval of the median of the per-seed ratios, where at least 2 seeds match. */
  interval: [number, number] | null;
  pvalue: number | null;
  adjustedP: number | null;
  /** Rejected by Holm over the comparison's tested rows; null when the row was not tested. */
  significant: boolean | null;
  /** Cliff's delta of the candidate over the baseline (positive: larger values). */
  cliffsDelta: number | null;
  verdict: GateVerdict;
  /** Why: the numbers behind the verdict, in words. */
  reason: string;
  /** Times judged although the sides ran on different schedules (allowMixedSchedules): which. */
  scheduleFlag?: string;
}

export interface GateResult {
  baseline: string;
  candidate: string;
  options: GateOptions;
  rows: GateRow[];
  counts: Record<GateVerdict, number>;
  /** A/A calibrations stored for the rows' binding × model × device × style (see calibration.ts), when any. */
  calibrations?: Calibration[];
}

/** Fixed, so the same runs give the same interval in every report. */
const BOOTSTRAP_SEED = 20261205;

interface Keyed {
  key: string[];
  quantity: GateQuantity;
  run: RunRecord;
  value: number | null;
}

function entries(side: GateSide, label: string): Keyed[] {
  const ok = side.runs.filter((r) => r.status === 'ok' && (side.binding === undefined || r.binding === side.binding));
  const binding = (r: RunRecord) => (side.binding === undefined ? r.binding : label);
  const out: Keyed[] = [];
  for (const run of ok) {
    if (run.mode === 'train') {
      const key = [run.model, run.device, run.style, binding(run), '', ''];
      out.push({ key, quantity: 'final test accuracy', run, value: run.finalTestAccuracy });
      if (side.curves?.get(run.id)?.train.length) out.push({ key, quantity: 'curve distance', run, value: null });
      out.push({ key, quantity: 'training time', run, value: run.trainSeconds });
    } else if (run.mode === 'infer') {
      const key = [run.model, run.device, run.style, binding(run), run.sourceBinding ?? '?', run.loadMode ?? '?'];
      out.push({ key, quantity: 'inference time', run, value: run.meanInferenceSeconds });
      out.push({ key, quantity: 'reproduction', run, value: null });
    }
  }
  return out;
}

/** The smallest two-sided p the exact test can give for these sizes (complete separation). */
function floorP(n1: number, n2: number): number {
  return mannWhitneyU(Array.from({ length: n1 }, (_, i) => i), Array.from({ length: n2 }, (_, i) => n1 + i)).pvalue;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function compareSides(baseline: GateSide, candidate: GateSide, options: Partial<GateOptions> = {}): GateResult {
  const opts = { ...defaultGateOptions, ...options };
  const pairLabel = baseline.binding !== undefined && candidate.binding !== undefined ? `${baseline.binding} vs ${candidate.binding}` : '';
  const all = [...entries(baseline, pairLabel).map((e) => ({ ...e, side: 'baseline' as const })), ...entries(candidate, pairLabel).map((e) => ({ ...e, side: 'candidate' as const }))];
  const rows: GateRow[] = [];
  for (const group of groupBy(all, (e) => [...e.key, e.quantity])) {
    const [model, device, style, binding, source, loadMode] = group[0]!.key as [string, string, string, string, string, string];
    const quantity = group[0]!.quantity;
    const base = group.filter((e) => e.side === 'baseline');
    const cand = group.filter((e) => e.side === 'candidate');
    const row: GateRow = {
      quantity,
      model,
      device,
      style,
      binding,
      source: source || null,
      loadMode: loadMode || null,
      baseline: summarize([]),
      candidate: summarize([]),
      ratio: null,
      interval: null,
      pvalue: null,
      adjustedP: null,
      significant: null,
      cliffsDelta: null,
      verdict: 'inconclusive',
      reason: '',
    };
    if (base.length === 0 || cand.length === 0) {
      row.reason = `only the ${base.length ? baseline.label : candidate.label} side has these runs: nothing to compare`;
      rows.push(row);
      continue;
    }
    if (quantity === 'reproduction') {
      rows.push(reproductionRow(row, base.map((e) => e.run), cand.map((e) => e.run)));
      continue;
    }
    if (quantity === 'curve distance') {
      rows.push(curveRow(row, base.map((e) => e.run), cand.map((e) => e.run), baseline.curves!, candidate.curves!, baseline.label, candidate.label));
      continue;
    }
    const b = base.filter((e) => e.value !== null);
    const c = cand.filter((e) => e.value !== null);
    const schedules = (xs: Keyed[]) => [...new Set(xs.map((e) => e.run.schedule))].sort().join('; ');
    const mixed = quantity !== 'final test accuracy' && schedules(b) !== schedules(c) ? `${baseline.label} ran ${schedules(b) || 'nothing'}, ${candidate.label} ran ${schedules(c) || 'nothing'}` : null;
    row.baseline = summarize(b.map((e) => e.value!));
    row.candidate = summarize(c.map((e) => e.value!));
    row.ratio = row.baseline.median ? (row.candidate.median ?? 0) / row.baseline.median : null;
    if (b.length >= 2 && c.length >= 2) row.cliffsDelta = cliffsDelta(c.map((e) => e.value!), b.map((e) => e.value!)).delta;
    if (quantity !== 'final test accuracy') row.interval = pairedInterval(b, c);
    if (mixed && !opts.allowMixedSchedules) {
      row.reason = `times measured on different schedules are not compared (${mixed}); rerun one side on the other's schedule, or pass --allow-mixed-schedules`;
      rows.push(row);
      continue;
    }
    if (b.length >= MIN_SAMPLE && c.length >= MIN_SAMPLE) row.pvalue = mannWhitneyU(c.map((e) => e.value!), b.map((e) => e.value!)).pvalue;
    else row.reason = `${c.length} vs ${b.length} runs: at least ${MIN_SAMPLE} a side are needed for a verdict`;
    if (mixed) row.scheduleFlag = mixed;
    rows.push(row);
  }
  judge(rows, opts);
  const counts: Record<GateVerdict, number> = { regression: 0, improvement: 0, 'no change': 0, inconclusive: 0 };
  for (const r of rows) counts[r.verdict]++;
  return { baseline: baseline.label, candidate: candidate.label, options: opts, rows, counts };
}

/** Per-seed candidate / baseline ratios where both sides ran the seed once; their median's bootstrap interval. */
function pairedInterval(base: Keyed[], cand: Keyed[]): [number, number] | null {
  const bySeed = (xs: Keyed[]) => new Map(groupBy(xs, (e) => [e.run.seed]).filter((g) => g.length === 1).map((g) => [g[0]!.run.seed, g[0]!.value!]));
  const b = bySeed(base);
  const c = bySeed(cand);
  const ratios = [...c].filter(([seed]) => b.has(seed) && b.get(seed)! > 0).map(([seed, v]) => v / b.get(seed)!);
  return ratios.length >= 2 ? bootstrapCI(ratios, median, { seed: BOOTSTRAP_SEED }) : null;
}

function reproductionRow(row: GateRow, base: RunRecord[], cand: RunRecord[]): GateRow {
  const share = (runs: RunRecord[]) => {
    const judged = runs.map((r) => reproductionOf(r).reproduced).filter((x): x is boolean => x !== null);
    return { n: judged.length, yes: judged.filter(Boolean).length };
  };
  const b = share(base);
  const c = share(cand);
  row.baseline = { n: b.n, median: null, mean: b.n ? b.yes / b.n : null, min: null, max: null };
  row.candidate = { n: c.n, median: null, mean: c.n ? c.yes / c.n : null, min: null, max: null };
  if (b.n === 0 || c.n === 0) return { ...row, verdict: 'inconclusive', reason: 'no reproduction verdict on one side (no source count recorded)' };
  row.ratio = b.yes ? c.yes / c.n / (b.yes / b.n) : null;
  const said = `reproduced ${c.yes}/${c.n} (baseline ${b.yes}/${b.n})`;
  if (b.yes === b.n && c.yes < c.n) return { ...row, verdict: 'regression', reason: `${said}: a load that always reproduced now fails` };
  if (c.yes === c.n && b.yes < b.n) return { ...row, verdict: 'improvement', reason: `${said}: every load now reproduces` };
  return { ...row, verdict: 'no change', reason: said };
}

/**
 * Training curves, as RQ1 reads them: FastDTW (radius 1) per epoch between the two sides' training-accuracy curves of
 * the same seed, against each side's seed noise (the largest distance between two of its own seeds' curves). Within
 * the larger noise: no change. Beyond it, the direction of the mean accuracy difference over the epochs decides:
 * lower is a regression. No test, so outside Holm, like a reproduction.
 */
function curveRow(row: GateRow, base: RunRecord[], cand: RunRecord[], baseCurves: ReadonlyMap<string, AccuracyCurves>, candCurves: ReadonlyMap<string, AccuracyCurves>, baseLabel: string, candLabel: string): GateRow {
  const bySeed = (runs: RunRecord[], curves: ReadonlyMap<string, AccuracyCurves>) => {
    const once = groupBy(runs, (r) => [r.seed]).filter((g) => g.length === 1).map((g) => g[0]!);
    return new Map(once.map((r) => [r.seed, curves.get(r.id)!.train]));
  };
  const b = bySeed(base, baseCurves);
  const c = bySeed(cand, candCurves);
  const noise = (curves: number[][]) => {
    let max: number | null = null;
    for (let i = 0; i < curves.length; i++) for (let j = i + 1; j < curves.length; j++) max = Math.max(max ?? 0, normalizedDtw(curves[i]!, curves[j]!, { radius: 1 }));
    return max;
  };
  const nb = noise([...b.values()]);
  const nc = noise([...c.values()]);
  row.baseline = { n: b.size, median: nb, mean: null, min: null, max: null };
  row.candidate = { n: c.size, median: nc, mean: null, min: null, max: null };
  const seeds = [...c.keys()].filter((s) => b.has(s));
  if (seeds.length === 0 || nb === null || nc === null) {
    return { ...row, verdict: 'inconclusive', reason: seeds.length === 0 ? 'no seed trained on both sides: curves of the same seed are what is compared' : 'fewer than 2 seeds on a side: no seed noise to measure a distance against' };
  }
  const apart = Math.max(...seeds.map((s) => normalizedDtw(c.get(s)!, b.get(s)!, { radius: 1 })));
  const floor = Math.max(nb, nc);
  row.ratio = floor > 0 ? apart / floor : null;
  const said = `same-seed curves at most ${fmt(apart)} apart over ${seeds.length} seed(s); seed noise ${fmt(nb)} (${baseLabel}), ${fmt(nc)} (${candLabel})`;
  if (apart <= floor) return { ...row, verdict: 'no change', reason: `${said}: within the noise` };
  const drift = mean(seeds.flatMap((s) => c.get(s)!.map((v, i) => v - (b.get(s)![i] ?? v))));
  return { ...row, verdict: drift < 0 ? 'regression' : 'improvement', reason: `${said}: beyond the noise, the candidate's curves ${drift < 0 ? 'lower' : 'higher'} by ${fmt(Math.abs(drift))} on average` };
}

/** Holm over every tested row, then each row's verdict from its adjusted p, direction and (times) threshold. */
function judge(rows: GateRow[], opts: GateOptions): void {
  const tested = rows.filter((r) => r.pvalue !== null && !Number.isNaN(r.pvalue));
  const m = tested.length;
  if (m) {
    const corrected = holm(tested.map((r) => r.pvalue!), opts.alpha);
    tested.forEach((r, i) => (r.adjustedP = corrected.adjusted[i]!));
    const significant = new Set(tested.filter((_, i) => corrected.reject[i]));
    for (const r of tested) r.significant = significant.has(r);
    // Holm's first step needs alpha / m: rows whose sizes cannot reach it can never be called.
    const canStart = tested.some((r) => floorP(r.candidate.n, r.baseline.n) <= opts.alpha / m);
    for (const r of tested) {
      const floor = floorP(r.candidate.n, r.baseline.n);
      const larger = (r.candidate.median ?? 0) > (r.baseline.median ?? 0) || ((r.candidate.median ?? 0) === (r.baseline.median ?? 0) && (r.cliffsDelta ?? 0) > 0);
      const numbers = `median ${fmt(r.candidate.median)} vs ${fmt(r.baseline.median)}, p = ${fmt(r.pvalue)}, Holm-adjusted ${fmt(r.adjustedP)} over ${m} rows`;
      if (!significant.has(r)) {
        const hopeless = floor > opts.alpha || !canStart;
        r.verdict = hopeless ? 'inconclusive' : 'no change';
        r.reason = hopeless ? `${r.candidate.n} vs ${r.baseline.n} runs: even complete separation gives p = ${floor.toPrecision(3)}, which Holm over ${m} rows cannot pass; run more seeds or compare fewer rows` : `${numbers}: not significant`;
        continue;
      }
      if (r.quantity === 'final test accuracy') {
        r.verdict = larger ? 'improvement' : 'regression';
        r.reason = `${numbers}: ${larger ? 'higher' : 'lower'}`;
        continue;
      }
      const ratio = r.ratio ?? 1;
      const beyond = ratio > 1 + opts.maxSlowdown ? 'regression' : ratio < 1 / (1 + opts.maxSlowdown) ? 'improvement' : null;
      r.verdict = beyond ?? 'no change';
      r.reason = `${numbers}: ${ratio >= 1 ? `${pct(ratio - 1)} slower` : `${pct(1 - ratio)} faster`}${beyond ? '' : `, within the ${pct(opts.maxSlowdown)} threshold`}`;
    }
  }
  for (const r of rows) if (r.scheduleFlag) r.reason = `${r.reason} [flagged: different schedules, ${r.scheduleFlag}]`;
  for (const r of rows) {
    if (r.quantity === 'reproduction' || r.quantity === 'curve distance' || r.reason.startsWith('only the')) continue;
    if (r.pvalue === null) r.verdict = 'inconclusive';
    else if (Number.isNaN(r.pvalue)) {
      r.verdict = 'no change';
      r.reason = 'all values are equal on both sides: the test has nothing to rank';
    }
  }
}

function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  return Math.abs(x) >= 1000 || (Math.abs(x) < 0.001 && x !== 0) ? x.toExponential(2) : x.toPrecision(4);
}
