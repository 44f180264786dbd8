import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute, differencesToExplain, LADDER, type Difference } from '../../src/analysis/ladder.js';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';
import type { RunRecord } from '../../src/analysis/campaign-data.js';
import { planLadder } from '../../src/campaign/explain-plan.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { campaign, run } from './synthetic-campaign.js';

const SEEDS = [1, 2, 3, 4, 5];
const ACCURACY_GAP: Difference = { framework: 'pytorch', model: 'lenet5', device: 'cpu', reference: 'pytorch/python', binding: 'pytorch/rust', quantity: 'final test accuracy', found: 'planted' };

/** One rung's runs: the reference at 0.92, the binding at 0.92 + gap, a little seed noise on both. */
function rungRuns(rung: string, gap: number): RunRecord[] {
  const style = LADDER.find((r) => r.id === rung)!.settings.style;
  return SEEDS.flatMap((seed, i) => [
    run({ binding: 'pytorch/python', model: 'lenet5', seed, style, finalTestAccuracy: 0.92 + 0.001 * i, trainSeconds: 3 }),
    run({ binding: 'pytorch/rust', model: 'lenet5', seed, style, finalTestAccuracy: 0.92 + gap + 0.001 * ((i + 2) % 5), trainSeconds: 3 }),
  ]);
}

const ladderOf = (gaps: Record<string, number>) => new Map(Object.entries(gaps).map(([rung, gap]) => [rung, { campaign: `c--${rung}`, runs: rungRuns(rung, gap) }]));

test('a planted initialisation-only difference is attributed to the initialisation', () => {
  const a = attribute(ACCURACY_GAP, ladderOf({ native: 0.03, 'shared-init': 0, 'shared-order': 0, 'aligned-defaults': 0, 'minimal-style': 0 }));
  assert.deepEqual(a.rungs.map((r) => r.state), ['differs', 'same', 'same', 'same', 'same']);
  assert.equal(a.goneAt, 'shared-init');
  assert.equal(a.cause, 'initialisation');
  assert.ok(Math.abs(a.rungs[0]!.effect! - 0.03) < 1e-9);
  assert.equal(a.rungs[0]!.cliffsDelta, 1);
});

test('a planted kernel difference survives every rung; a missing rung leaves the cause undecided', () => {
  const all = { native: 0.03, 'shared-init': 0.03, 'shared-order': 0.03, 'aligned-defaults': 0.03, 'minimal-style': 0.03 };
  const kernels = attribute(ACCURACY_GAP, ladderOf(all));
  assert.deepEqual(kernels.rungs.map((r) => r.state), ['differs', 'differs', 'differs', 'differs', 'differs'], 'Holm over 5 rungs still passes at 5 seeds with complete separation');
  assert.equal(kernels.goneAt, null);
  assert.equal(kernels.cause, 'the kernels (or a bug): the difference survives every rung');
  const { 'minimal-style': _dropped, ...partial } = all;
  const undecided = attribute(ACCURACY_GAP, ladderOf(partial));
  assert.equal(undecided.rungs.at(-1)!.state, 'not run');
  assert.match(undecided.cause, /^undecided/);
  const data = attribute(ACCURACY_GAP, ladderOf({ ...all, 'minimal-style': 0 }));
  assert.equal(data.cause, "the training API's data path");
  const gone = attribute(ACCURACY_GAP, ladderOf({ ...all, native: 0 }));
  assert.match(gone.cause, /^not reproduced on the ladder/);
});

test('the differences a campaign shows: significant accuracy and time gaps against the reference', () => {
  const runs = SEEDS.flatMap((seed, i) => [
    run({ binding: 'pytorch/python', model: 'lenet5', seed, finalTestAccuracy: 0.92 + 0.001 * i, trainSeconds: 3 + 0.01 * i }),
    run({ binding: 'pytorch/rust', model: 'lenet5', seed, finalTestAccuracy: 0.95 + 0.001 * i, trainSeconds: 3 + 0.01 * ((i + 1) % 5) }),
    run({ binding: 'tensorflow/python', model: 'lenet5', seed, finalTestAccuracy: 0.94, trainSeconds: 4 + 0.01 * i }),
    run({ binding: 'tensorflow/js', model: 'lenet5', seed, finalTestAccuracy: 0.94, trainSeconds: 9 + 0.01 * i }),
  ]);
  const found = differencesToExplain(analyzeCampaign(campaign(runs))).map((d) => `${d.binding} ${d.quantity}`);
  assert.deepEqual(found.sort(), ['pytorch/rust final test accuracy', 'tensorflow/js training time']);
});

test('the ladder as campaigns: the original preset, seeds and overrides, one campaign a rung; a rung the original ran is reused', () => {
  const ids = ['pytorch/python', 'pytorch/rust'];
  const quick = resolveSpec({ preset: 'quick', seeds: [1, 2, 3], bindings: ids, epochs: 4 }, ids);
  const plan = planLadder('q', quick, [ACCURACY_GAP]);
  assert.deepEqual(plan.map((r) => [r.rung.id, r.campaign, r.reused]), [
    ['native', 'q--explain-native', false],
    ['shared-init', 'q--explain-shared-init', false],
    ['shared-order', 'q--explain-shared-order', false],
    ['aligned-defaults', 'q--explain-aligned-defaults', false],
    ['minimal-style', 'q--explain-minimal-style', false],
  ]);
  const last = resolveSpec(plan.at(-1)!.spec, ids);
  assert.deepEqual([last.preset, last.seeds, last.overrides.epochs, last.models, last.bindings], ['quick', [1, 2, 3], 4, ['lenet5'], ['pytorch/python', 'pytorch/rust']]);
  assert.deepEqual([last.init, last.data_order, last.layer_defaults, last.styles, last.record_step_losses], ['shared', 'shared', 'aligned', ['minimal'], 50]);
  assert.equal(resolveSpec(plan[0]!.spec, ids).record_step_losses, 0);
  const controlled = resolveSpec({ preset: 'controlled', seeds: [1, 2, 3], bindings: ids }, ids);
  const reused = planLadder('c', controlled, [ACCURACY_GAP]).filter((r) => r.reused).map((r) => [r.rung.id, r.campaign]);
  assert.deepEqual(reused, [['minimal-style', 'c']]);
  assert.deepEqual(planLadder('c', controlled, []), []);
});

test('step losses part at the first step beyond 0.1 % of the larger loss', async () => {
  const { partingStep } = await import('../../src/analysis/ladder.js');
  assert.equal(partingStep([2.3, 2.1, 1.9], [2.3, 2.1, 1.9]), null);
  assert.equal(partingStep([2.3, 2.1, 1.9, 1.7], [2.3, 2.1005, 1.95, 1.6]), 2, '0.0005 on 2.1 is within 0.1 %, 0.05 on 1.95 is not');
  assert.equal(partingStep([1, 1], [1]), null, 'only the steps both recorded');
  assert.equal(partingStep([0, 0.5], [0, 0.4]), 1);
});

test('a difference that reverses on a rung is gone there: the cause is what that rung removed', () => {
  const time = { ...ACCURACY_GAP, quantity: 'training time' as const };
  const runs = (rung: string, ratio: number) => {
    const style = LADDER.find((r) => r.id === rung)!.settings.style;
    return SEEDS.flatMap((seed, i) => [
      run({ binding: 'pytorch/python', model: 'lenet5', seed, style, trainSeconds: 10 + 0.01 * i }),
      run({ binding: 'pytorch/rust', model: 'lenet5', seed, style, trainSeconds: 10 * ratio + 0.01 * i }),
    ]);
  };
  const ladder = new Map(Object.entries({ native: 0.84, 'shared-init': 0.84, 'shared-order': 0.82, 'aligned-defaults': 0.81, 'minimal-style': 1.03 }).map(([rung, r]) => [rung, { campaign: rung, runs: runs(rung, r) }]));
  const a = attribute(time, ladder);
  assert.deepEqual(a.rungs.map((r) => r.state), ['differs', 'differs', 'differs', 'differs', 'reversed']);
  assert.equal(a.goneAt, 'minimal-style');
  assert.match(a.cause, /^the training API's data path \(there the difference reverses/);
});

test('each rung carries a paired bootstrap interval of its effect; explainDifferences keeps the differences a rung campaign ran and where losses part', async () => {
  const { explainDifferences } = await import('../../src/analysis/ladder.js');
  const a = attribute(ACCURACY_GAP, ladderOf({ native: 0.03, 'shared-init': 0 }));
  const [lo, hi] = a.rungs[0]!.interval!;
  assert.ok(lo <= a.rungs[0]!.effect! && a.rungs[0]!.effect! <= hi && lo > 0, `a 0.03 gap with 0.004 of seed noise: ${lo}..${hi}`);
  assert.ok(a.rungs[1]!.interval![0] <= 0 && a.rungs[1]!.interval![1] >= 0, 'no gap: the interval holds 0');
  assert.equal(a.rungs[2]!.interval, null, 'a rung not run has none');

  const rungs = new Map([
    ['native', { campaign: 'orig', reused: true, runs: rungRuns('native', 0.03) }],
    ['minimal-style', { campaign: 'orig--explain-minimal-style', reused: false, runs: rungRuns('minimal-style', 0) }],
  ]);
  const last = rungs.get('minimal-style')!.runs;
  const stepLosses = new Map(last.map((r) => [r.id, r.binding === 'pytorch/rust' && r.seed === 2 ? [2.3, 2.2, 1.5] : [2.3, 2.2, 2.0]]));
  const other: Difference = { ...ACCURACY_GAP, binding: 'pytorch/cpp', found: 'not on the ladder' };
  const out = explainDifferences([ACCURACY_GAP, other], { rungs, stepLosses });
  assert.deepEqual(out.map((x) => x.difference.binding), ['pytorch/rust'], 'a difference whose bindings no rung campaign ran is left out');
  assert.deepEqual(out[0]!.lossesPart!.perSeed.map((s) => [s.seed, s.step]), [[1, null], [2, 2], [3, null], [4, null], [5, null]]);
  assert.equal(out[0]!.rungs[0]!.campaign, 'orig');
});
