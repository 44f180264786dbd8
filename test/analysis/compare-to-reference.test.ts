import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareToReference, ratioText } from '../../src/analysis/compare-to-reference.js';

const bonferroni = { alpha: 0.05, correction: 'bonferroni' as const };

test('a clearly slower binding is called slower, with the ratio of medians read as "x times slower"', () => {
  const [c] = compareToReference('fw/python', [10, 11, 12, 13, 14], [{ binding: 'fw/js', values: [20, 22, 24, 26, 28] }], 'time', bonferroni);
  assert.equal(c!.ratio, 2);
  assert.equal(c!.ratioText, '2.00x slower');
  assert.equal(c!.mannWhitney!.method, 'exact');
  assert.equal(c!.mannWhitney!.pvalue, 2 / 252);
  assert.equal(c!.cliffsDelta!.delta, 1);
  assert.equal(c!.cliffsDelta!.magnitude, 'large');
  assert.equal(c!.verdict, 'slower');
  assert.equal(ratioText(0.5), '2.00x faster');
});

test('fewer than 3 values per binding give no verdict, and say so', () => {
  const [c] = compareToReference('fw/python', [1, 2], [{ binding: 'fw/js', values: [5, 6] }], 'time', bonferroni);
  assert.equal(c!.verdict, 'too few samples');
  assert.match(c!.note!, /2 vs 2 values: at least 3 per binding/);
  assert.equal(c!.adjustedP, null, 'a comparison that cannot give a verdict does not join the family');
});

test('samples too small for the exact test to reach alpha after the correction give no verdict either', () => {
  const ref = [1, 2, 3, 4];
  const members = ['a', 'b', 'c', 'd'].map((b, i) => ({ binding: `fw/${b}`, values: [10 + i, 11 + i, 12 + i, 13 + i] }));
  // 4 vs 4, exact: the smallest two-sided p is 2/70 = 0.029 > 0.05 / 4.
  const out = compareToReference('fw/python', ref, members, 'time', bonferroni);
  for (const c of out) {
    assert.equal(c.verdict, 'too few samples');
    assert.match(c.note!, /even complete separation gives p = 0.0286 \(exact\), which cannot pass 0.05 \/ 4 \(Bonferroni over 4 comparisons\)/);
  }
  // Holm starts at alpha / m too: when no member can reach it, nothing can be rejected.
  assert.ok(compareToReference('fw/python', ref, members, 'time', { alpha: 0.05, correction: 'holm' }).every((c) => c.verdict === 'too few samples'));
});

test('identical samples are no significant difference; a missing reference is said to be missing', () => {
  const [same] = compareToReference('fw/python', [1, 1, 1, 1, 1], [{ binding: 'fw/js', values: [1, 1, 1, 1, 1] }], 'accuracy', bonferroni);
  assert.equal(same!.verdict, 'no significant difference');
  const [none] = compareToReference('fw/python', [], [{ binding: 'fw/js', values: [1, 2, 3] }], 'time', bonferroni);
  assert.equal(none!.verdict, 'no reference');
  assert.equal(none!.mannWhitney, null);
});

test('accuracy comparisons read higher/lower and carry no speed text', () => {
  const [c] = compareToReference('fw/python', [0.90, 0.91, 0.92, 0.93, 0.94], [{ binding: 'fw/cs', values: [0.80, 0.81, 0.82, 0.83, 0.84] }], 'accuracy', bonferroni);
  assert.equal(c!.verdict, 'lower');
  assert.equal(c!.ratioText, null);
});
