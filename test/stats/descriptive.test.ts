import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iqr, mean, median, quantile } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Case {
  kind: string;
  x: number[];
  mean: number;
  median: number;
  iqr: number;
  quantiles: { q: number; value: number }[];
}

test('mean, median, quantile and iqr match NumPy/SciPy to 1e-12', (t) => {
  const fixture = loadFixture<Case>('descriptive.json');
  const errors = new ErrorTracker();
  for (const c of fixture.cases) {
    const label = `${c.kind} n=${c.x.length}`;
    errors.close(mean(c.x), c.mean, `${label}: mean`);
    errors.close(median(c.x), c.median, `${label}: median`);
    errors.close(iqr(c.x), c.iqr, `${label}: iqr`, { abs: 1e-300 });
    for (const { q, value } of c.quantiles) errors.close(quantile(c.x, q), value, `${label}: quantile ${q}`);
  }
  t.diagnostic(errors.summary(`descriptive statistics vs NumPy ${fixture.versions.numpy}`));
});

test('quantile interpolates linearly between order statistics (type 7)', () => {
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4], 1 / 3), 2);
  assert.equal(quantile([10], 0.3), 10);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(iqr([1, 2, 3, 4, 5]), 2);
});

test('descriptive statistics refuse empty samples, NaN, infinities and q outside [0, 1]', () => {
  for (const f of [mean, median, iqr, (x: number[]) => quantile(x, 0.5)]) {
    assert.throws(() => f([]), /x is empty/);
    assert.throws(() => f([1, NaN]), /x\[1\] is NaN/);
    assert.throws(() => f([1, -Infinity]), /finite/);
  }
  assert.throws(() => quantile([1, 2], 1.5), /q must be/);
  assert.throws(() => quantile([1, 2], NaN), /q must be/);
});
