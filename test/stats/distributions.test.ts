import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalCdf, normalQuantile, studentTCentralProbability, studentTCritical } from '../../src/stats/index.js';
import { ErrorTracker, loadFixture } from './fixture-support.js';

interface Tables {
  normalCdf: { z: number; value: number }[];
  normalQuantile: { p: number; value: number }[];
  studentTCritical: { confidence: number; df: number; value: number }[];
}

const tables = (): Tables => loadFixture<Tables>('distributions.json').cases[0]!;

test('normalCdf matches scipy.special.ndtr to 1e-12 relative, far tails included', (t) => {
  const errors = new ErrorTracker();
  for (const { z, value } of tables().normalCdf) errors.close(normalCdf(z), value, `ndtr(${z})`);
  t.diagnostic(errors.summary('normalCdf vs scipy.special.ndtr'));
});

test('normalQuantile matches scipy.stats.norm.ppf to 1e-12 relative', (t) => {
  const errors = new ErrorTracker();
  for (const { p, value } of tables().normalQuantile) errors.close(normalQuantile(p), value, `norm.ppf(${p})`);
  t.diagnostic(errors.summary('normalQuantile vs scipy.stats.norm.ppf'));
});

test('studentTCritical matches scipy.stats.t.ppf to 1e-12 relative', (t) => {
  const errors = new ErrorTracker();
  for (const { confidence, df, value } of tables().studentTCritical) {
    errors.close(studentTCritical(confidence, df), value, `t critical c=${confidence} df=${df}`);
  }
  t.diagnostic(errors.summary('studentTCritical vs scipy.stats.t.ppf'));
});

test('studentTCentralProbability inverts studentTCritical and has the Cauchy closed form at df = 1', () => {
  assert.ok(Math.abs(studentTCentralProbability(studentTCritical(0.95, 7), 7) - 0.95) < 1e-15);
  assert.ok(Math.abs(studentTCentralProbability(1, 1) - 0.5) < 1e-15);
  assert.throws(() => studentTCritical(0.95, 2.5), /degrees of freedom/);
  assert.throws(() => studentTCritical(1, 3), /confidence/);
  assert.throws(() => normalQuantile(-0.1), RangeError);
});
