import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSides } from '../../src/analysis/compare-sides.js';
import type { RunRecord } from '../../src/analysis/campaign-data.js';
import { run } from './synthetic-campaign.js';

const SEEDS = [1, 2, 3, 4, 5];
/** Small seed-to-seed spread, as a quiet machine gives. */
const spread = [1.0, 1.012, 0.994, 1.006, 0.989];

function trained(seconds: (i: number) => number, accuracy: (i: number) => number): RunRecord[] {
  return SEEDS.map((seed, i) => run({ binding: 'pytorch/python', model: 'lenet5', seed, trainSeconds: seconds(i), finalTestAccuracy: accuracy(i) }));
}

const base = trained((i) => 10 * spread[i]!, (i) => 0.95 + 0.001 * i);

test('a planted 20 % slowdown is a regression, with its ratio and a bootstrap interval of the per-seed ratios', () => {
  const g = compareSides({ label: 'old', runs: base }, { label: 'new', runs: trained((i) => 12 * spread[i]!, (i) => 0.95 + 0.001 * i) });
  const time = g.rows.find((r) => r.quantity === 'training time')!;
  assert.equal(time.verdict, 'regression', time.reason);
  assert.ok(Math.abs(time.ratio! - 1.2) < 1e-9);
  assert.ok(time.interval![0] <= 1.2 + 1e-9 && time.interval![1] >= 1.2 - 1e-9);
  assert.equal(time.cliffsDelta, 1);
  assert.match(time.reason, /20\.0 % slower/);
  assert.equal(g.rows.find((r) => r.quantity === 'final test accuracy')!.verdict, 'no change');
  assert.deepEqual(g.counts, { regression: 1, improvement: 0, 'no change': 1, inconclusive: 0 });
});

test('a planted 1 % jitter is not a regression, even where the test finds it: the threshold is 5 %', () => {
  const g = compareSides({ label: 'old', runs: base }, { label: 'new', runs: trained((i) => 10.1 * spread[i]!, (i) => 0.95 + 0.001 * i) });
  const time = g.rows.find((r) => r.quantity === 'training time')!;
  assert.equal(time.verdict, 'no change', time.reason);
  assert.equal(g.counts.regression, 0);
});

test('a lower accuracy is a regression; a faster time beyond the threshold an improvement', () => {
  const g = compareSides({ label: 'old', runs: base }, { label: 'new', runs: trained((i) => 8 * spread[i]!, (i) => 0.93 + 0.001 * i) });
  assert.equal(g.rows.find((r) => r.quantity === 'final test accuracy')!.verdict, 'regression');
  assert.equal(g.rows.find((r) => r.quantity === 'training time')!.verdict, 'improvement');
});

test('a planted reproduction loss is a regression without any test; rows on one side only are inconclusive and say so', () => {
  const load = (seed: number, target: number) =>
    run({ binding: 'pytorch/rust', seed, mode: 'infer', loadMode: 'states', sourceBinding: 'pytorch/python', sourceCorrect: 9900, targetCorrect: target, recordedVerdicts: false, meanInferenceSeconds: 0.5 });
  const g = compareSides(
    { label: 'old', runs: [...base, ...SEEDS.map((s) => load(s, 9900))] },
    { label: 'new', runs: [...SEEDS.map((s) => load(s, s === 3 ? 9899 : 9900)), run({ binding: 'pytorch/python', model: 'vgg16', seed: 1, trainSeconds: 5 })] },
  );
  const reproduction = g.rows.find((r) => r.quantity === 'reproduction')!;
  assert.equal(reproduction.verdict, 'regression');
  assert.equal(reproduction.reason, 'reproduced 4/5 (baseline 5/5): a load that always reproduced now fails');
  const oneSided = g.rows.filter((r) => r.reason.startsWith('only the'));
  assert.ok(oneSided.length >= 2 && oneSided.every((r) => r.verdict === 'inconclusive'));
  assert.ok(oneSided.some((r) => r.reason === 'only the old side has these runs: nothing to compare'));
  assert.ok(oneSided.some((r) => r.reason === 'only the new side has these runs: nothing to compare'));
});

test('Holm over many rows: 5 seeds cannot reach alpha / m, and the rows say inconclusive rather than no change', () => {
  const many = (scale: number) => ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].flatMap((model) => SEEDS.map((seed, i) => run({ binding: 'pytorch/python', model, seed, trainSeconds: 10 * scale * spread[i]!, finalTestAccuracy: 0.9 })));
  const g = compareSides({ label: 'old', runs: many(1) }, { label: 'new', runs: many(1.5) });
  const times = g.rows.filter((r) => r.quantity === 'training time');
  assert.equal(times.length, 8);
  assert.ok(times.every((r) => r.verdict === 'inconclusive'), times.map((r) => r.reason).join('\n'));
  // 16 tested rows: the 8 times and the 8 accuracies (equal on both sides, p = 1).
  assert.match(times[0]!.reason, /even complete separation gives p = 0\.00794, which Holm over 16 rows cannot pass; run more seeds or compare fewer rows/);
});

test('curve distance: same-seed curves within the seed noise are no change; a planted drop beyond it is a regression; one seed a side is inconclusive', () => {
  const runs = (label: string) => SEEDS.map((seed) => run({ binding: 'pytorch/python', seed, finalTestAccuracy: 0.95, trainSeconds: 10, id: `${label}/${seed}` } as Partial<RunRecord> & Pick<RunRecord, 'binding' | 'seed'>));
  // Seeds differ by up to 0.01 per epoch: that is the noise a candidate's curves are held to.
  const curve = (seed: number, shift = 0) => ({ train: [0.5, 0.7, 0.8, 0.85].map((v, i) => v + 0.0025 * ((seed + i) % 5) + shift), test: [] as number[] });
  const curvesOf = (label: string, shift: (seed: number) => number) => new Map(SEEDS.map((seed) => [`${label}/${seed}`, curve(seed, shift(seed))]));
  const row = (cand: Map<string, { train: number[]; test: number[] }>) =>
    compareSides({ label: 'A', runs: runs('a'), curves: curvesOf('a', () => 0) }, { label: 'B', runs: runs('b'), curves: cand }).rows.find((r) => r.quantity === 'curve distance')!;
  const same = row(curvesOf('b', () => 0));
  assert.equal(same.verdict, 'no change');
  assert.equal(same.ratio, 0);
  assert.equal(same.adjustedP, null, 'no test, so outside Holm');
  const dropped = row(curvesOf('b', () => -0.05));
  assert.equal(dropped.verdict, 'regression');
  assert.match(dropped.reason, /beyond the noise, the candidate's curves lower by 0\.05/);
  assert.equal(row(curvesOf('b', () => 0.05)).verdict, 'improvement');
  const single = compareSides({ label: 'A', runs: runs('a').slice(0, 1), curves: curvesOf('a', () => 0) }, { label: 'B', runs: runs('b').slice(0, 1), curves: curvesOf('b', () => 0) }).rows.find((r) => r.quantity === 'curve distance')!;
  assert.equal(single.verdict, 'inconclusive');
  const none = compareSides({ label: 'A', runs: runs('a') }, { label: 'B', runs: runs('b') }).rows.filter((r) => r.quantity === 'curve distance');
  assert.deepEqual(none, [], 'sides without curves have no curve row');
});
