/**
 * RQ1: do the bindings train to the same accuracy? Per framework × model × device × training style:
 * - the FastDTW distance (radius 1, divided by the number of epochs) between the per-epoch accuracy curves of every
 *   pair of bindings, paired by seed, and its maximum over pairs and seeds, rounded to 3 decimals (the study's table);
 * - the noise floor: the same distance between the training curves of runs of one binding with different seeds,
 *   i.e. how far curves move with nothing but the seed changed;
 * - the mean final test accuracy per binding, and a two-sided Mann-Whitney U test of the final test accuracies
 *   against the reference binding.
 */
import { median, normalizedDtw } from '../stats/index.js';
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisWarning } from './analysis-warning.js';
import type { AccuracyCurves, CampaignData, RunRecord } from './campaign-data.js';
import { compareToReference, type Comparison } from './compare-to-reference.js';
import { familyOf } from './families.js';
import { groupBy, orderBindings, round3 } from './grouping.js';

export interface SeedDistance {
  seed: number;
  value: number;
}

export interface CurveDistance {
  /** Largest distance over the paired seeds, rounded to 3 decimals; null without a common seed. */
  max: number | null;
  perSeed: SeedDistance[];
}

export interface BindingPairDistance {
  a: string;
  b: string;
  train: CurveDistance;
  test: CurveDistance;
  /** The pair's training-curve distance is no larger than the group's noise floor; null without both. */
  withinNoiseFloor: boolean | null;
}

/** Same binding, different seeds, training-accuracy curves (the test curves' pair distances are reported without one). */
export interface BindingNoise {
  binding: string;
  /** Seed pairs compared. */
  pairs: number;
  max: number | null;
  median: number | null;
}

export interface BindingAccuracy {
  binding: string;
  runs: number;
  seeds: number[];
  /** Distinct curve lengths among its runs (normally one). */
  epochs: number[];
  meanFinalTestAccuracy: number | null;
  finalTestAccuracies: number[];
}

export interface Rq1Group {
  framework: string;
  model: string;
  device: string;
  /** Bindings are compared within one training style. */
  style: string;
  reference: string;
  bindings: BindingAccuracy[];
  pairs: BindingPairDistance[];
  /** Maximum over binding pairs and seeds, rounded to 3 decimals. */
  maxTrainDtw: number | null;
  maxTestDtw: number | null;
  /** Largest same-binding, different-seed distance of training curves over the group's bindings, rounded to 3 decimals. */
  noiseFloor: { max: number | null; perBinding: BindingNoise[] };
  finalTestAccuracy: Comparison[];
}

export interface Rq1Result {
  groups: Rq1Group[];
  warnings: AnalysisWarning[];
}

function curveDistance(a: Map<number, AccuracyCurves>, b: Map<number, AccuracyCurves>, pick: 'train' | 'test'): CurveDistance {
  const perSeed: SeedDistance[] = [];
  // A test curve holds only the epochs the runs evaluated the test set after (test_every).
  const points = (c: AccuracyCurves): number[] => (c[pick] as Array<number | null>).filter((x): x is number => x !== null);
  for (const [seed, ca] of a) {
    const cb = b.get(seed);
    if (!cb) continue;
    const [pa, pb] = [points(ca), points(cb)];
    if (pa.length && pb.length) perSeed.push({ seed, value: normalizedDtw(pa, pb, { radius: 1 }) });
  }
  return { max: perSeed.length ? round3(Math.max(...perSeed.map((d) => d.value))) : null, perSeed };
}

function noiseOf(binding: string, curves: AccuracyCurves[]): BindingNoise {
  const d: number[] = [];
  for (let i = 0; i < curves.length; i++) {
    for (let j = i + 1; j < curves.length; j++) d.push(normalizedDtw(curves[i]!.train, curves[j]!.train, { radius: 1 }));
  }
  return { binding, pairs: d.length, max: d.length ? round3(Math.max(...d)) : null, median: d.length ? round3(median(d)) : null };
}

export function analyzeRq1(data: CampaignData, opts: AnalysisOptions): Rq1Result {
  const warnings: AnalysisWarning[] = [];
  const trained = data.runs.filter((r) => r.mode === 'train' && r.status === 'ok');
  const groups: Rq1Group[] = [];
  for (const runs of groupBy(trained, (r) => [familyOf(r, opts).family, r.model, r.device, r.style])) {
    const { model, device, style } = runs[0]!;
    const { family: framework, reference } = familyOf(runs[0]!, opts);
    const scope = `RQ1 ${framework} ${model} (${device}, ${style})`;
    const byBinding = new Map<string, RunRecord[]>();
    for (const r of runs) byBinding.set(r.binding, [...(byBinding.get(r.binding) ?? []), r]);
    const bindings = orderBindings([...byBinding.keys()], reference);

    // Seed -> curves, per binding; a seed seen twice (a rerun stored twice) keeps the first and is reported.
    const curvesBySeed = new Map<string, Map<number, AccuracyCurves>>();
    for (const b of bindings) {
      const m = new Map<number, AccuracyCurves>();
      for (const r of byBinding.get(b)!) {
        const c = data.curves.get(r.id);
        if (!c || c.train.length === 0) {
          warnings.push({ code: 'missing-curve', scope, message: `run ${r.id} has no per-epoch accuracies`, action: 'rerun it, or check its events.jsonl for epoch events' });
          continue;
        }
        if (m.has(r.seed)) {
          warnings.push({ code: 'duplicate-seed', scope, message: `${b} has two runs with seed ${r.seed}; ${r.id} is left out of the curve comparison`, action: 'keep one run per binding and seed in a campaign' });
          continue;
        }
        m.set(r.seed, c);
      }
      curvesBySeed.set(b, m);
    }

    const accuracy: BindingAccuracy[] = bindings.map((b) => {
      const rs = byBinding.get(b)!;
      const acc = rs.map((r) => r.finalTestAccuracy).filter((x): x is number => x !== null);
      return {
        binding: b,
        runs: rs.length,
        seeds: [...new Set(rs.map((r) => r.seed))].sort((x, y) => x - y),
        epochs: [...new Set([...curvesBySeed.get(b)!.values()].map((c) => c.train.length))].sort((x, y) => x - y),
        meanFinalTestAccuracy: acc.length ? acc.reduce((s, x) => s + x, 0) / acc.length : null,
        finalTestAccuracies: acc,
      };
    });
    const lengths = new Set(accuracy.flatMap((a) => a.epochs));
    if (lengths.size > 1) {
      warnings.push({ code: 'unequal-epochs', scope, message: `curves have different lengths (${[...lengths].join(', ')} epochs); DTW divides by the longer one`, action: 'compare runs trained for the same number of epochs' });
    }

    const perBinding = bindings.map((b) => noiseOf(b, [...curvesBySeed.get(b)!.values()]));
    const floors = perBinding.map((n) => n.max).filter((x): x is number => x !== null);
    const noiseFloor = { max: floors.length ? Math.max(...floors) : null, perBinding };
    if (noiseFloor.max === null) {
      warnings.push({ code: 'no-noise-floor', scope, message: 'no binding has two runs with different seeds, so there is no noise floor to judge the distances against', action: 'run at least two seeds per binding (--seeds)' });
    }

    const pairs: BindingPairDistance[] = [];
    for (let i = 0; i < bindings.length; i++) {
      for (let j = i + 1; j < bindings.length; j++) {
        const a = bindings[i]!;
        const b = bindings[j]!;
        const train = curveDistance(curvesBySeed.get(a)!, curvesBySeed.get(b)!, 'train');
        const test = curveDistance(curvesBySeed.get(a)!, curvesBySeed.get(b)!, 'test');
        if (train.perSeed.length === 0) {
          warnings.push({ code: 'unpaired-seeds', scope, message: `${a} and ${b} share no seed, so their curves cannot be paired`, action: 'run both bindings with the same seeds' });
        }
        pairs.push({ a, b, train, test, withinNoiseFloor: train.max === null || noiseFloor.max === null ? null : train.max <= noiseFloor.max });
      }
    }
    const maxOf = (pick: 'train' | 'test') => {
      const xs = pairs.map((p) => p[pick].max).filter((x): x is number => x !== null);
      return xs.length ? Math.max(...xs) : null;
    };

    const refValues = accuracy.find((a) => a.binding === reference)?.finalTestAccuracies ?? [];
    const members = accuracy.filter((a) => a.binding !== reference).map((a) => ({ binding: a.binding, values: a.finalTestAccuracies }));
    if (!byBinding.has(reference) && members.length) {
      warnings.push({ code: 'no-reference', scope, message: `no ${reference} runs: final accuracies have nothing to be compared with`, action: `add ${reference} to the campaign's bindings` });
    }
    groups.push({
      framework,
      model,
      device,
      style,
      reference,
      bindings: accuracy,
      pairs,
      maxTrainDtw: maxOf('train'),
      maxTestDtw: maxOf('test'),
      noiseFloor,
      finalTestAccuracy: compareToReference(reference, refValues, members, 'accuracy', opts),
    });
  }
  return { groups, warnings };
}
