import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliffsDelta, cliffsMagnitude } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Case {
  kind: string;
  x: number[];
  y: number[];
  results: {
    confidence: number;
    distribution: 'student-t' | 'normal';
    delta: number;
    magnitude: string;
    ci: [number, number];
    variance: number;
  }[];
}

test('cliffsDelta: delta exact and CI within 1e-12 of the independent dominance-matrix reference', (t) => {
  const fixture = loadFixture<Case>('cliffs_delta.json');
  const variance = new ErrorTracker();
  const bounds = new ErrorTracker();
  let cases = 0;
  for (const c of fixture.cases) {
    for (const r of c.results) {
      const label = `${c.kind} n=(${c.x.length},${c.y.length}) ${r.distribution} ${r.confidence}`;
      const got = cliffsDelta(c.x, c.y, { confidence: r.confidence, distribution: r.distribution });
      assert.equal(got.delta, r.delta, `${label}: delta`);
      assert.equal(got.magnitude, r.magnitude, `${label}: magnitude`);
      variance.close(got.variance, r.variance, `${label}: variance`, { abs: 1e-15 });
      // Bounds near 0 come from a difference of two O(1) numbers, so they are held to 1e-15 absolute as well.
      bounds.close(got.ci[0], r.ci[0], `${label}: lower`, { abs: 1e-15 });
      bounds.close(got.ci[1], r.ci[1], `${label}: upper`, { abs: 1e-15 });
      cases++;
    }
  }
  t.diagnostic(variance.summary(`cliffsDelta variance (${cases} cases)`));
  t.diagnostic(bounds.summary('cliffsDelta CI bounds'));
});

test("cliffsDelta's variance terms equal those quoted in R effsize's source for its example", () => {
  // effsize cliff.delta.default, consistent-variance branch: "The three variance terms should be:
  // 0.2669753, 0.447, and 1.0055556" for this treatment/control pair, so s_d^2 = (5 S_i + 9 S_j + S_ij) / 60.
  const treatment = [10, 10, 20, 20, 20, 30, 30, 30, 40, 50];
  const control = [10, 20, 30, 40, 40, 50];
  const got = cliffsDelta(treatment, control);
  assert.equal(got.delta, -0.25);
  assert.equal(got.magnitude, 'small');
  const expected = (5 * 0.26697530864197533 + 9 * 0.447 + 1.0055555555555555) / 60;
  assert.ok(Math.abs(got.variance - expected) < 1e-15, `variance ${got.variance} vs ${expected}`);
});

test('cliffsDelta magnitude thresholds are 0.147, 0.33 and 0.474, each the start of the next class', () => {
  assert.equal(cliffsMagnitude(0.1469), 'negligible');
  assert.equal(cliffsMagnitude(-0.147), 'small');
  assert.equal(cliffsMagnitude(0.3299), 'small');
  assert.equal(cliffsMagnitude(0.33), 'medium');
  assert.equal(cliffsMagnitude(-0.474), 'large');
  assert.equal(cliffsMagnitude(1), 'large');
});

test('cliffsDelta of fully separated samples has its outer bound at exactly ±1', () => {
  const up = cliffsDelta([5, 6, 7], [1, 2]);
  assert.equal(up.delta, 1);
  assert.equal(up.ci[1], 1);
  assert.ok(up.ci[0] < 1 && up.ci[0] > -1);
  const down = cliffsDelta([1, 2], [5, 6, 7]);
  assert.equal(down.delta, -1);
  assert.equal(down.ci[0], -1);
});

test('cliffsDelta ranks infinities like any other value', () => {
  const withInfinity = cliffsDelta([Infinity, 1, 3], [2, -Infinity, 2.5]);
  const finite = cliffsDelta([1e300, 1, 3], [2, -1e300, 2.5]);
  assert.deepEqual(withInfinity, finite);
});

test('cliffsDelta refuses samples too small for the variance, NaN and a bad confidence', () => {
  assert.throws(() => cliffsDelta([1], [2, 3]), /x has 1 value; this statistic needs at least 2/);
  assert.throws(() => cliffsDelta([1, 2], []), /y is empty/);
  assert.throws(() => cliffsDelta([1, NaN], [2, 3]), /NaN/);
  assert.throws(() => cliffsDelta([1, 2], [2, 3], { confidence: 1 }), /confidence/);
  assert.throws(() => cliffsDelta([1, 2], [2, 3], { distribution: 't' as 'normal' }), /distribution/);
});
