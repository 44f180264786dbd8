import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../src/base/seeded-random.js';
import { bootstrapCI, mean, median } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Tables {
  seededRandom: { seed: number; uint32: number[] };
  cases: { x: number[]; statistic: 'mean' | 'median'; seed: number; resamples: number; confidence: number; ci: [number, number] }[];
}

const tables = (): Tables => loadFixture<Tables>('bootstrap.json').cases[0]!;

test("the fixture script's port of SeededRandom draws the same numbers", () => {
  const { seed, uint32 } = tables().seededRandom;
  const rng = new SeededRandom(seed);
  assert.deepEqual(uint32.map(() => rng.nextUint32()), uint32);
});

test('bootstrapCI matches the same percentile bootstrap computed with NumPy', (t) => {
  const errors = new ErrorTracker();
  for (const c of tables().cases) {
    const statistic = c.statistic === 'mean' ? mean : median;
    const got = bootstrapCI(c.x, statistic, { seed: c.seed, resamples: c.resamples, confidence: c.confidence });
    const label = `${c.statistic} n=${c.x.length} seed=${c.seed} B=${c.resamples} c=${c.confidence}`;
    errors.close(got[0], c.ci[0], `${label}: lower`);
    errors.close(got[1], c.ci[1], `${label}: upper`);
  }
  t.diagnostic(errors.summary('bootstrapCI vs Python reference'));
});

test('bootstrapCI is deterministic per seed and brackets the statistic of a well-behaved sample', () => {
  const x = [0.981, 0.979, 0.984, 0.98, 0.982, 0.978, 0.983, 0.981, 0.98, 0.985];
  const a = bootstrapCI(x, mean, { seed: 7 });
  assert.deepEqual(bootstrapCI(x, mean, { seed: 7 }), a);
  assert.notDeepEqual(bootstrapCI(x, mean, { seed: 8 }), a);
  assert.ok(a[0] < mean(x) && mean(x) < a[1]);
  assert.deepEqual(bootstrapCI([2, 2, 2], median, { seed: 1, resamples: 50 }), [2, 2]);
});

test('bootstrapCI refuses bad samples, options and statistics', () => {
  assert.throws(() => bootstrapCI([], mean, { seed: 1 }), /x is empty/);
  assert.throws(() => bootstrapCI([1, NaN], mean, { seed: 1 }), /NaN/);
  assert.throws(() => bootstrapCI([1, 2], mean, { seed: -1 }), /seed/);
  assert.throws(() => bootstrapCI([1, 2], mean, { seed: 1, resamples: 0 }), /resamples/);
  assert.throws(() => bootstrapCI([1, 2], mean, { seed: 1, confidence: 0 }), /confidence/);
  assert.throws(() => bootstrapCI([1, 2], () => NaN, { seed: 1 }), /statistic returned NaN/);
});
