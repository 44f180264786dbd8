/**
 * Why two bindings differ, by experiment: the attribution ladder. Each rung removes one cause the bindings may not
 * share (native → shared initial weights → + shared data order → + aligned layer defaults → + minimal style); the
 * first rung at which a difference is no longer significant names its cause. A difference that survives every rung
 * is the kernels' (or a bug). The rungs' settings are data here; src/campaign/explain-plan.ts turns them into
 * campaigns and this module judges their runs.
 */
import { bootstrapCI, cliffsDelta, holm, mannWhitneyU, median } from '../stats/index.js';
import type { CampaignAnalysis } from './analyze-campaign.js';
import type { RunRecord } from './campaign-data.js';
import { MIN_SAMPLE } from './compare-to-reference.js';

export interface RungSettings {
  init: 'native' | 'shared';
  data_order: 'native' | 'shared';
  layer_defaults: 'native' | 'aligned';
  style: 'idiomatic' | 'minimal';
}

export interface Rung {
  id: string;
  /** The cause this rung removes (null for the first rung, which removes none). */
  removes: string | null;
  settings: RungSettings;
}

export const LADDER: readonly Rung[] = [
  { id: 'native', removes: null, settings: { init: 'native', data_order: 'native', layer_defaults: 'native', style: 'idiomatic' } },
  { id: 'shared-init', removes: 'initialisation', settings: { init: 'shared', data_order: 'native', layer_defaults: 'native', style: 'idiomatic' } },
  { id: 'shared-order', removes: 'data order', settings: { init: 'shared', data_order: 'shared', layer_defaults: 'native', style: 'idiomatic' } },
  { id: 'aligned-defaults', removes: 'layer defaults', settings: { init: 'shared', data_order: 'shared', layer_defaults: 'aligned', style: 'idiomatic' } },
  { id: 'minimal-style', removes: "the training API's data path", settings: { init: 'shared', data_order: 'shared', layer_defaults: 'aligned', style: 'minimal' } },
];

/** The settings of a campaign spec a rung is told by (structural: the campaign room imports this one). */
export interface RungSpecSettings {
  init?: string;
  data_order?: string;
  layer_defaults?: string;
  styles?: readonly string[];
}

/** Whether a campaign with these settings already ran a rung (for that rung's style). */
export function campaignRunsRung(spec: RungSpecSettings, rung: Rung): boolean {
  return (
    spec.init === rung.settings.init &&
    spec.data_order === rung.settings.data_order &&
    (spec.layer_defaults ?? 'zoo') === rung.settings.layer_defaults &&
    (spec.styles ?? ['minimal']).includes(rung.settings.style)
  );
}

/** The campaign `bindbench explain` runs a rung of `original` in. */
export const rungCampaignName = (original: string, rung: Rung): string => `${original}--explain-${rung.id}`;

export type LadderQuantity = 'final test accuracy' | 'training time';

/** A difference the campaign's analysis found between a binding and its framework's reference. */
export interface Difference {
  framework: string;
  model: string;
  device: string;
  reference: string;
  binding: string;
  quantity: LadderQuantity;
  /** What the analysis found, in words. */
  found: string;
}

/** Every significant RQ1 final-accuracy or RQ3 training-time difference, and accuracy curves beyond seed noise. */
export function differencesToExplain(a: Pick<CampaignAnalysis, 'rq1' | 'rq3'>): Difference[] {
  const out = new Map<string, Difference>();
  const add = (d: Difference) => {
    const key = [d.framework, d.model, d.device, d.binding, d.quantity].join('\u0000');
    const seen = out.get(key);
    out.set(key, seen ? { ...seen, found: `${seen.found}; ${d.found}` } : d);
  };
  for (const g of a.rq1) {
    for (const c of g.finalTestAccuracy) {
      if (c.verdict === 'higher' || c.verdict === 'lower') add({ framework: g.framework, model: g.model, device: g.device, reference: g.reference, binding: c.binding, quantity: 'final test accuracy', found: `${g.style}: final test accuracy ${c.verdict} (p ${c.adjustedP?.toPrecision(2)})` });
    }
    for (const p of g.pairs) {
      const other = p.a === g.reference ? p.b : p.b === g.reference ? p.a : null;
      if (other && p.withinNoiseFloor === false) add({ framework: g.framework, model: g.model, device: g.device, reference: g.reference, binding: other, quantity: 'final test accuracy', found: `${g.style}: training curves ${p.train.max} apart, beyond the seed noise ${g.noiseFloor.max}` });
    }
  }
  for (const f of a.rq3) {
    for (const c of f.comparisons) {
      if (c.verdict === 'slower' || c.verdict === 'faster') add({ framework: f.framework, model: f.model, device: f.device, reference: f.reference, binding: c.binding, quantity: 'training time', found: `${f.style}: ${c.ratioText} (p ${c.adjustedP?.toPrecision(2)})` });
    }
  }
  return [...out.values()];
}

export interface RungResult {
  rung: string;
  /** The campaign holding the rung's runs; null when it is missing. */
  campaign: string | null;
  n: [number, number];
  /** Accuracy: binding median − reference median; time: binding median / reference median. */
  effect: number | null;
  /**
   * 95 % paired percentile bootstrap interval of `effect`, resampling the seeds both bindings ran once; null with
   * fewer than 2 such seeds.
   */
  interval: [number, number] | null;
  cliffsDelta: number | null;
  pvalue: number | null;
  /** Holm over the ladder's rungs for this difference. */
  adjustedP: number | null;
  /** `reversed`: significant, but the other way round than on the first rung that differed. */
  state: 'differs' | 'reversed' | 'same' | 'too few runs' | 'not run';
}

export interface Attribution {
  difference: Difference;
  rungs: RungResult[];
  /** The first rung at which the difference is gone, and the cause that rung removed. */
  goneAt: string | null;
  cause: string;
  /** An accuracy difference on the last rung: where the two bindings' step losses part (filled by the caller). */
  lossesPart?: LossParting;
}

const valueOf = (r: RunRecord, q: LadderQuantity) => (q === 'final test accuracy' ? r.finalTestAccuracy : r.trainSeconds);

/** Judges one difference on the rungs' runs (`runsByRung`: rung id → that rung campaign's runs, absent = not run). */
export function attribute(d: Difference, runsByRung: ReadonlyMap<string, { campaign: string; runs: readonly RunRecord[] }>, alpha = 0.05): Attribution {
  const rungs = LADDER.map((rung): RungResult => {
    const got = runsByRung.get(rung.id);
    const empty: RungResult = { rung: rung.id, campaign: got?.campaign ?? null, n: [0, 0], effect: null, interval: null, cliffsDelta: null, pvalue: null, adjustedP: null, state: 'not run' };
    if (!got) return empty;
    const measured = (binding: string) =>
      got.runs
        .filter((r) => r.mode === 'train' && r.status === 'ok' && r.binding === binding && r.model === d.model && r.device === d.device && r.style === rung.settings.style)
        .flatMap((r) => {
          const v = valueOf(r, d.quantity);
          return v === null ? [] : [{ seed: r.seed, value: v }];
        });
    const mine = measured(d.binding);
    const theirs = measured(d.reference);
    const x = mine.map((m) => m.value);
    const y = theirs.map((m) => m.value);
    const out: RungResult = { ...empty, n: [x.length, y.length] };
    if (x.length < MIN_SAMPLE || y.length < MIN_SAMPLE) return { ...out, state: 'too few runs' };
    const time = d.quantity === 'training time';
    out.effect = time ? median(x) / median(y) : median(x) - median(y);
    out.interval = pairedInterval(mine, theirs, time);
    out.cliffsDelta = cliffsDelta(x, y).delta;
    out.pvalue = mannWhitneyU(x, y).pvalue;
    return out;
  });
  const tested = rungs.filter((r) => r.pvalue !== null);
  const finite = tested.map((r) => (Number.isNaN(r.pvalue!) ? 1 : r.pvalue!));
  if (tested.length) {
    const corrected = holm(finite, alpha);
    tested.forEach((r, i) => {
      r.adjustedP = corrected.adjusted[i]!;
      r.state = corrected.reject[i] ? 'differs' : 'same';
    });
    // The difference to explain is the first one seen; an opposite one on a later rung means it is gone there.
    const sign = Math.sign(rungs.find((r) => r.state === 'differs')?.cliffsDelta ?? 0);
    for (const r of rungs) if (r.state === 'differs' && Math.sign(r.cliffsDelta ?? 0) === -sign) r.state = 'reversed';
  }
  // The first rung without the difference, after a rung that still had it (a difference already gone on the first
  // rung was not reproduced by the ladder's own runs, which is said as such).
  const first = rungs.findIndex((r) => r.state === 'same' || r.state === 'reversed');
  const before = rungs.slice(0, Math.max(0, first)).some((r) => r.state === 'differs');
  if (first === -1) {
    const complete = rungs.every((r) => r.state === 'differs');
    return { difference: d, rungs, goneAt: null, cause: complete ? 'the kernels (or a bug): the difference survives every rung' : 'undecided: some rungs were not run or had too few runs' };
  }
  if (first === 0 || !before) return { difference: d, rungs, goneAt: rungs[first]!.rung, cause: 'not reproduced on the ladder: the native rung shows no significant difference' };
  const reversed = rungs[first]!.state === 'reversed' ? ' (there the difference reverses: what remains is smaller and the other way round)' : '';
  return { difference: d, rungs, goneAt: rungs[first]!.rung, cause: `${LADDER[first]!.removes!}${reversed}` };
}

const BOOTSTRAP_SEED = 20261205;

/**
 * Paired percentile bootstrap of the effect (difference or ratio of the two medians) over the seeds each binding ran
 * once: a resample draws seeds, and both bindings' runs of a drawn seed go in together, as the seed fixed both.
 */
function pairedInterval(mine: ReadonlyArray<{ seed: number; value: number }>, theirs: ReadonlyArray<{ seed: number; value: number }>, ratio: boolean): [number, number] | null {
  const once = (xs: ReadonlyArray<{ seed: number; value: number }>) => {
    const counts = new Map<number, number>();
    for (const m of xs) counts.set(m.seed, (counts.get(m.seed) ?? 0) + 1);
    return new Map(xs.filter((m) => counts.get(m.seed) === 1).map((m) => [m.seed, m.value]));
  };
  const b = once(theirs);
  const pairs = [...once(mine)].flatMap(([seed, v]) => (b.has(seed) ? [[v, b.get(seed)!] as const] : []));
  if (pairs.length < 2 || (ratio && pairs.some(([, w]) => !(w > 0)))) return null;
  const effect = (idx: number[]) => {
    const x = median(idx.map((i) => pairs[i]![0]));
    const y = median(idx.map((i) => pairs[i]![1]));
    return ratio ? x / y : x - y;
  };
  return bootstrapCI(pairs.map((_, i) => i), effect, { seed: BOOTSTRAP_SEED });
}

/** Relative loss difference beyond which two bindings' step losses are taken to have parted. */
export const PARTING_TOLERANCE = 1e-3;

/**
 * The first optimiser step (0-based) at which two loss sequences differ by more than PARTING_TOLERANCE of the
 * larger; null when they agree on every step both recorded. On the last rung (shared init, shared order, aligned
 * defaults, minimal loop) the two bindings start from the same weights and see the same batches, so this is where
 * the kernels first disagree enough to show.
 */
export function partingStep(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const scale = Math.max(Math.abs(a[i]!), Math.abs(b[i]!), Number.MIN_VALUE);
    if (Math.abs(a[i]! - b[i]!) > PARTING_TOLERANCE * scale) return i;
  }
  return null;
}

export interface LossParting {
  /** Per seed both bindings recorded step losses for: the first step at which they part (null: never, in the steps recorded). */
  perSeed: Array<{ seed: number; step: number | null; steps: number }>;
}

/** What the store holds of one campaign's ladder: every rung campaign that exists, and the last rung's step losses. */
export interface LadderData {
  /** Rung id → the campaign holding its runs (`reused`: the original campaign itself ran that rung's settings). */
  rungs: ReadonlyMap<string, { campaign: string; reused: boolean; runs: readonly RunRecord[] }>;
  /** Step losses of the last rung's training runs, by run id (runs that recorded none are absent). */
  stepLosses: ReadonlyMap<string, readonly number[]>;
}

/**
 * The ladder's verdict on each difference whose bindings a rung campaign (other than the original) ran: the
 * attribution, and for an accuracy difference the step at which the two bindings' losses part on the last rung.
 */
export function explainDifferences(differences: readonly Difference[], ladder: LadderData, alpha = 0.05): Attribution[] {
  const last = ladder.rungs.get(LADDER.at(-1)!.id);
  const trained = (runs: readonly RunRecord[], binding: string, model: string, device: string) => runs.filter((r) => r.mode === 'train' && r.binding === binding && r.model === model && r.device === device);
  const onLadder = (d: Difference) => [...ladder.rungs.values()].some((r) => !r.reused && trained(r.runs, d.binding, d.model, d.device).length > 0 && trained(r.runs, d.reference, d.model, d.device).length > 0);
  const losses = (binding: string, d: Difference) =>
    new Map(
      trained(last?.runs ?? [], binding, d.model, d.device)
        .filter((r) => r.status === 'ok' && ladder.stepLosses.get(r.id)?.length)
        .map((r) => [r.seed, ladder.stepLosses.get(r.id)!]),
    );
  return differences.filter(onLadder).map((d) => {
    const a = attribute(d, ladder.rungs, alpha);
    if (d.quantity !== 'final test accuracy') return a;
    const mine = losses(d.binding, d);
    const theirs = losses(d.reference, d);
    const perSeed = [...mine].flatMap(([seed, l]) => {
      const t = theirs.get(seed);
      return t ? [{ seed, step: partingStep(l, t), steps: Math.min(l.length, t.length) }] : [];
    });
    return perSeed.length ? { ...a, lossesPart: { perSeed } } : a;
  });
}
