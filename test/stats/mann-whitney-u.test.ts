import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mannWhitneyU, type Alternative, type MannWhitneyMethod } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Case {
  kind: string;
  x: number[];
  y: number[];
  results: {
    alternative: Alternative;
    method: MannWhitneyMethod;
    useContinuity: boolean;
    statistic: number;
    pvalue: number;
    methodUsed: 'exact' | 'asymptotic';
  }[];
}

test('mannWhitneyU matches scipy.stats.mannwhitneyu on every fixture case to 1e-12', (t) => {
  const fixture = loadFixture<Case>('mannwhitneyu.json');
  const errors = new ErrorTracker();
  let cases = 0;
  for (const c of fixture.cases) {
    for (const r of c.results) {
      const label = `${c.kind} n=(${c.x.length},${c.y.length}) ${r.alternative}/${r.method}/continuity=${r.useContinuity}`;
      const got = mannWhitneyU(c.x, c.y, { alternative: r.alternative, method: r.method, useContinuity: r.useContinuity });
      assert.equal(got.statistic, r.statistic, `${label}: statistic`);
      assert.equal(got.method, r.methodUsed, `${label}: method`);
      errors.close(got.pvalue, r.pvalue, `${label}: pvalue`);
      cases++;
    }
  }
  assert.ok(cases > 5000, `expected a broad fixture, found ${cases} cases`);
  t.diagnostic(errors.summary(`mannWhitneyU p-values vs SciPy ${fixture.versions.scipy} (${cases} cases)`));
});

test('mannWhitneyU reproduces the worked example of the SciPy documentation', () => {
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];
  const exact = mannWhitneyU(males, females);
  assert.equal(exact.statistic, 17);
  assert.equal(exact.method, 'exact');
  assert.ok(Math.abs(exact.pvalue - 0.1111111111111111) < 1e-15);
  const less = mannWhitneyU(females, males, { alternative: 'less', method: 'exact' });
  assert.equal(less.statistic, 3);
  assert.ok(Math.abs(less.pvalue - 0.05555555555555555) < 1e-15);
  assert.ok(Math.abs(mannWhitneyU(males, females, { method: 'asymptotic' }).pvalue - 0.11134688653314041) < 1e-14);
});

test('mannWhitneyU on identical samples: p = 1 with the continuity correction, NaN without (as SciPy)', () => {
  const same = [0.5, 0.5, 0.5];
  assert.equal(mannWhitneyU(same, same).pvalue, 1);
  assert.ok(Number.isNaN(mannWhitneyU(same, same, { useContinuity: false }).pvalue));
  assert.equal(mannWhitneyU(same, same, { method: 'exact' }).pvalue, 1);
});

test('mannWhitneyU refuses empty samples, NaN and unknown options', () => {
  assert.throws(() => mannWhitneyU([], [1]), /x is empty/);
  assert.throws(() => mannWhitneyU([1], []), /y is empty/);
  assert.throws(() => mannWhitneyU([1, NaN], [2]), /x\[1\] is NaN/);
  assert.throws(() => mannWhitneyU([1], [2], { alternative: 'two.sided' as Alternative }), RangeError);
  assert.throws(() => mannWhitneyU([1], [2], { method: 'permutation' as MannWhitneyMethod }), RangeError);
});
