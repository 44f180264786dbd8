/** Serial and parallel timings are never compared without the flag (issue 19). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';
import { compareSides } from '../../src/analysis/compare-sides.js';
import type { RunRecord } from '../../src/analysis/campaign-data.js';
import { campaign, run } from './synthetic-campaign.js';

const SEEDS = [1, 2, 3, 4, 5];
const PARALLEL = '2 parallel on 1 core each';

function trained(binding: string, seconds: number, schedule: string, mib = 500): RunRecord[] {
  return SEEDS.map((seed, i) => run({ binding, model: 'lenet5', seed, trainSeconds: seconds * (1 + i / 100), finalTestAccuracy: 0.9, schedule, peakRssBytes: (mib + i) * 1024 * 1024, id: `c/${binding}-${seed}-${schedule}` }));
}

test('within a campaign, each schedule is its own family: a serial reference is never set against parallel runs', () => {
  const a = analyzeCampaign(campaign([...trained('pytorch/python', 10, 'serial'), ...trained('pytorch/rust', 20, PARALLEL)]));
  assert.equal(a.rq3.length, 2);
  assert.deepEqual(a.rq3.map((f) => f.schedule).sort(), [PARALLEL, 'serial']);
  const rust = a.rq3.find((f) => f.schedule === PARALLEL)!.comparisons.find((c) => c.binding === 'pytorch/rust')!;
  assert.equal(rust.verdict, 'no reference');
  assert.ok(a.warnings.some((w) => w.code === 'mixed-schedules'));
});

test('memory is compared with the reference as training time is, and reads as more or less', () => {
  const a = analyzeCampaign(campaign([...trained('pytorch/python', 10, 'serial', 500), ...trained('pytorch/rust', 10, 'serial', 800)]));
  const c = a.memory[0]!.comparisons.find((x) => x.binding === 'pytorch/rust')!;
  assert.equal(c.verdict, 'higher');
  assert.match(c.ratioText!, /^1\.60x more$/);
});

test('the gate refuses times from different schedules unless asked, and flags them when it is', () => {
  const base = { label: 'serial', runs: trained('pytorch/python', 10, 'serial') };
  const cand = { label: 'parallel', runs: trained('pytorch/python', 14, PARALLEL) };
  const refused = compareSides(base, cand).rows.find((r) => r.quantity === 'training time')!;
  assert.equal(refused.verdict, 'inconclusive');
  assert.match(refused.reason, /different schedules are not compared \(serial ran serial, parallel ran 2 parallel on 1 core each\)/);
  const accuracy = compareSides(base, cand).rows.find((r) => r.quantity === 'final test accuracy')!;
  assert.doesNotMatch(accuracy.reason, /schedules/, 'accuracy does not depend on the schedule: it is compared as ever');
  const judged = compareSides(base, cand, { allowMixedSchedules: true }).rows.find((r) => r.quantity === 'training time')!;
  assert.equal(judged.verdict, 'regression');
  assert.match(judged.reason, /\[flagged: different schedules/);
});
