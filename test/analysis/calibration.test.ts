import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate } from '../../src/analysis/calibration.js';
import { compareSides } from '../../src/analysis/compare-sides.js';
import { wilsonInterval } from '../../src/stats/index.js';
import { run } from './synthetic-campaign.js';

const SEEDS = [1, 2, 3, 4, 5];
const side = (label: string, scale: number, accuracy = 0.95) => ({
  label,
  runs: SEEDS.map((seed, i) => run({ binding: 'pytorch/python', seed, trainSeconds: 10 * scale * (1 + 0.01 * i), finalTestAccuracy: accuracy + 0.001 * i })),
});

test('A/A calibration: false alarms per quantity with a Wilson interval, and the threshold that keeps them at alpha', () => {
  // 20 pairs: 17 quiet, 3 with a drift the test finds (6 %, 8 %, 12 % slower), none with an accuracy change.
  const drifts = [...Array(17).fill(1.0), 1.06, 1.08, 1.12];
  const results = drifts.map((d, i) => compareSides(side(`a${i}`, 1), side(`b${i}`, d)));
  const c = calibrate(results, { binding: 'pytorch/python', model: 'lenet1', device: 'cpu', style: 'minimal', created: '2026-12-05T00:00:00.000Z', pairs: drifts.map((_, i) => [`a${i}`, `b${i}`]) });
  const time = c.rows.find((r) => r.quantity === 'training time')!;
  assert.equal(time.pairs, 20);
  assert.equal(time.falseAlarms, 3, 'the three drifts beyond the 5 % threshold');
  assert.equal(time.rate, 0.15);
  assert.deepEqual(time.interval, wilsonInterval(3, 20));
  // At most floor(0.05 * 20) = 1 pair may alarm: a threshold at the second-largest drift (8 %) leaves only the 12 %.
  assert.ok(Math.abs(time.thresholdForAlpha! - 0.08) < 1e-9, String(time.thresholdForAlpha));
  const accuracy = c.rows.find((r) => r.quantity === 'final test accuracy')!;
  assert.deepEqual([accuracy.pairs, accuracy.falseAlarms, accuracy.thresholdForAlpha], [20, 0, null]);
  assert.equal(accuracy.interval[0], 0);
});
