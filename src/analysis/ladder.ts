/**
 * Why two bindings differ, by experiment: the attribution ladder. Each rung removes one cause the bindings may not
 * share (native → shared initial weights → + shared data order → + aligned layer defaults → + minimal style); the
 * first rung at which a difference is no longer significant names its cause. A difference that survives every rung
 * is the kernels' (or a bug). The rungs' settings are data here; src/campaign/explain-plan.ts turns them into
 * campaigns and this module judges their runs.
 */
import { cliffsDelta, holm, mannWhitneyU, median } from '../stats/index.js';
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
export function differencesToExplain(a: CampaignAnalysis): Difference[] {
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
    const empty: RungResult = { rung: rung.id, campaign: got?.campaign ?? null, n: [0, 0], effect: null, cliffsDelta: null, pvalue: null, adjustedP: null, state: 'not run' };
    if (!got) return empty;
    const values = (binding: string) =>
      got.runs
        .filter((r) => r.mode === 'train' && r.status === 'ok' && r.binding === binding && r.model === d.model && r.device === d.device && r.style === rung.settings.style)
        .map((r) => valueOf(r, d.quantity))
        .filter((v): v is number => v !== null);
    const x = values(d.binding);
    const y = values(d.reference);
    const out: RungResult = { ...empty, n: [x.length, y.length] };
    if (x.length < MIN_SAMPLE || y.length < MIN_SAMPLE) return { ...out, state: 'too few runs' };
    out.effect = d.quantity === 'training time' ? median(x) / median(y) : median(x) - median(y);
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
