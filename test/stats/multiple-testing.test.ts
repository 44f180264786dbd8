import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bonferroni, holm } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Case {
  pvalues: number[];
  alpha: number;
  method: 'bonferroni' | 'holm';
  adjusted: number[];
  reject: boolean[];
}

test('bonferroni and holm match statsmodels multipletests on every fixture case', (t) => {
  const fixture = loadFixture<Case>('multipletests.json');
  const errors = new ErrorTracker();
  for (const c of fixture.cases) {
    const got = (c.method === 'holm' ? holm : bonferroni)(c.pvalues, c.alpha);
    const label = `${c.method} m=${c.pvalues.length} alpha=${c.alpha}`;
    assert.deepEqual(got.reject, c.reject, `${label}: reject`);
    assert.equal(got.adjusted.length, c.adjusted.length);
    got.adjusted.forEach((p, i) => errors.close(p, c.adjusted[i]!, `${label}: adjusted[${i}]`));
  }
  t.diagnostic(errors.summary(`multiple testing vs statsmodels ${fixture.versions.statsmodels} (${fixture.cases.length} families)`));
});

test('holm keeps the input order and is monotone in the sorted p-values', () => {
  const { adjusted, reject } = holm([0.125, 0.0078125, 0.0625, 0.5]);
  assert.deepEqual(adjusted, [0.25, 0.03125, 0.1875, 0.5]);
  assert.deepEqual(reject, [false, true, false, false]);
});

test('multiple testing refuses empty families, p-values outside [0, 1] and a bad alpha', () => {
  for (const correct of [bonferroni, holm]) {
    assert.throws(() => correct([]), /pvalues is empty/);
    assert.throws(() => correct([0.1, NaN]), /pvalues\[1\] is NaN/);
    assert.throws(() => correct([1.2]), RangeError);
    assert.throws(() => correct([0.1], 0), /alpha/);
    assert.throws(() => correct([0.1], 1), /alpha/);
  }
});
