import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wilsonInterval } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Case {
  k: number;
  n: number;
  confidence: number;
  low: number;
  high: number;
}

test("wilsonInterval matches scipy's binomtest(k, n).proportion_ci(method='wilson'), k = 0 and k = n included", (t) => {
  const fixture = loadFixture<Case>('proportion.json');
  assert.ok(fixture.cases.length >= 100);
  const errors = new ErrorTracker();
  for (const c of fixture.cases) {
    const [low, high] = wilsonInterval(c.k, c.n, c.confidence);
    errors.close(low, c.low, `low k=${c.k} n=${c.n} c=${c.confidence}`);
    errors.close(high, c.high, `high k=${c.k} n=${c.n} c=${c.confidence}`);
  }
  t.diagnostic(errors.summary('wilsonInterval vs scipy'));
});

test('wilsonInterval refuses what is not a proportion', () => {
  assert.throws(() => wilsonInterval(3, 2), /k must be an integer in \[0, 2\]/);
  assert.throws(() => wilsonInterval(0, 0), /n must be a positive integer/);
  assert.throws(() => wilsonInterval(1, 10, 1), RangeError);
});
