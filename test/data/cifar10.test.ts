import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDataset } from '../../src/data/cache.js';
import { CIFAR10_BATCH_BYTES, CIFAR10_BATCH_RECORDS, cifar10SharedSubsetDir, decodeCifarRecords } from '../../src/data/cifar10.js';
import { BadInputError } from '../../src/base/errors.js';
import { readSafetensors } from '../../src/base/safetensors.js';
import { scratch, scratchHome, syntheticBatch } from './fixtures.js';

test('a record is a label byte then R, G, B planes, stored as x[n, h, w, c]', () => {
  // Two hand-built records: every pixel's value encodes where it came from.
  const rec = (label: number, base: number) => {
    const r = Buffer.alloc(3073);
    r[0] = label;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) r[1 + c * 1024 + p] = (base + c * 80 + p) % 256;
    return r;
  };
  const s = decodeCifarRecords(Buffer.concat([rec(3, 0), rec(9, 7)]), 'tiny.bin', '');
  assert.deepEqual(s.x.shape, [2, 32, 32, 3]);
  assert.deepEqual([...s.y.data], [3n, 9n]);
  const x = s.x.data as Uint8Array;
  const at = (n: number, h: number, w: number, c: number) => x[((n * 32 + h) * 32 + w) * 3 + c];
  // Record 0, pixel (0, 0): R plane byte 0 = 0, G = 80, B = 160; pixel (0, 1) is the next byte of each plane.
  assert.deepEqual([at(0, 0, 0, 0), at(0, 0, 0, 1), at(0, 0, 0, 2)], [0, 80, 160]);
  assert.deepEqual([at(0, 0, 1, 0), at(0, 0, 1, 1), at(0, 0, 1, 2)], [1, 81, 161]);
  // Row 1 starts 32 bytes into each plane; record 1 is offset by its base 7.
  assert.deepEqual([at(0, 1, 0, 0), at(0, 1, 0, 1), at(0, 1, 0, 2)], [32, 112, 192]);
  assert.deepEqual([at(1, 2, 5, 0), at(1, 2, 5, 1), at(1, 2, 5, 2)], [(7 + 69) % 256, (7 + 80 + 69) % 256, (7 + 160 + 69) % 256]);
  for (let n = 0; n < 2; n++) for (let h = 0; h < 32; h++) for (let w = 0; w < 32; w++) for (let c = 0; c < 3; c++) {
    assert.equal(at(n, h, w, c), ((n ? 7 : 0) + c * 80 + h * 32 + w) % 256);
  }
});

test('a record with label 10 or a partial record is an error naming the file', () => {
  const bad = syntheticBatch(2);
  bad[3073] = 10;
  assert.throws(() => decodeCifarRecords(bad, 'x.bin', 'fix it'), (e: Error) => e instanceof BadInputError && /x\.bin: record 1 has label 10.*fix it/.test(e.message));
  assert.throws(() => decodeCifarRecords(syntheticBatch(2).subarray(0, 5000), 'y.bin', ''), (e: Error) => e instanceof BadInputError && /y\.bin is 5000 bytes, not a whole number of 3073-byte/.test(e.message));
});

function cifarDir(t: TestContext, files: Record<string, Buffer>, nested = false): string {
  const root = scratch(t, 'cifar-');
  const dir = nested ? join(root, 'cifar-10-batches-bin') : root;
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return root;
}

test('--data-dir batches (here data_batch_1 and test_batch only) are decoded and described with their counts', (t) => {
  const batch = syntheticBatch(CIFAR10_BATCH_RECORDS);
  const dir = cifarDir(t, { 'data_batch_1.bin': batch, 'test_batch.bin': batch }, true);
  const home = scratchHome(t);
  const d = prepareDataset(home, 'cifar10', { dataDir: dir });
  assert.equal(d.train.n, 10000);
  assert.equal(d.test.n, 10000);
  assert.match(d.source, /from .*cifar-10-batches-bin \(not checked against the official MD5.*10,000 training images \(data_batch_1 only, a subset of the official 50,000\) and 10,000 test images/);
  const x = readSafetensors(d.test.path).tensors.x!;
  assert.deepEqual(x.shape, [10000, 32, 32, 3]);
  // Record 300, pixel (h 4, w 9): red (300 + 4) mod 256, green 9·8, blue 255 - 300 mod 256.
  const i = ((300 * 32 + 4) * 32 + 9) * 3;
  assert.deepEqual([...(x.data as Uint8Array).subarray(i, i + 3)], [304 % 256, 72, (255 - 300) & 255]);
  assert.deepEqual(d.details.test_class_counts, new Array(10).fill(1000));
  // Replacing a raw file rebuilds the cache instead of serving the old one.
  const changed = syntheticBatch(CIFAR10_BATCH_RECORDS);
  changed[1] = 99;
  writeFileSync(join(dir, 'cifar-10-batches-bin', 'test_batch.bin'), changed);
  assert.notEqual(prepareDataset(home, 'cifar10', { dataDir: dir }).test.sha256, d.test.sha256);
});

test('a missing or wrong-sized batch is an error naming the file and what to do', (t) => {
  const full = syntheticBatch(CIFAR10_BATCH_RECORDS);
  const short = cifarDir(t, { 'data_batch_1.bin': full, 'test_batch.bin': full.subarray(0, CIFAR10_BATCH_BYTES - 3073) });
  assert.throws(
    () => prepareDataset(scratchHome(t), 'cifar10', { dataDir: short }),
    (e: Error) => e instanceof BadInputError && e.message.includes(join(short, 'test_batch.bin')) && /is 30726927 bytes; an official batch is 30730000 bytes.*truncated.*official cifar-10-binary\.tar\.gz/.test(e.message),
  );
  const missing = cifarDir(t, { 'test_batch.bin': full });
  assert.throws(
    () => prepareDataset(scratchHome(t), 'cifar10', { dataDir: missing }),
    (e: Error) => e instanceof BadInputError && e.message.includes(join(missing, 'data_batch_1.bin')) && /is missing/.test(e.message),
  );
  // data_batch_2..5 come all or none: a set with a hole is not silently used.
  const holed = cifarDir(t, { 'data_batch_1.bin': full, 'data_batch_3.bin': full, 'test_batch.bin': full });
  assert.throws(() => prepareDataset(scratchHome(t), 'cifar10', { dataDir: holed }), (e: Error) => e instanceof BadInputError && e.message.includes(join(holed, 'data_batch_2.bin')));
});

const subset = cifar10SharedSubsetDir();
test('the shared JPEG-derived subset decodes to 10,000 + 10,000 images, 1,000 per class, and says it is the subset', { skip: existsSync(subset) ? false : `no shared subset at ${subset}` }, (t) => {
  const d = prepareDataset(scratchHome(t), 'cifar10');
  assert.equal(d.train.n, 10000);
  assert.equal(d.test.n, 10000);
  assert.match(d.source, /CIFAR-10 SUBSET decoded from a JPEG copy .*lossy.*10,000 training images .*not the official 50,000/);
  assert.equal(d.details.jpeg_subset, true);
  for (const split of [d.train, d.test]) {
    const { x, y } = readSafetensors(split.path).tensors;
    assert.deepEqual(x!.shape, [10000, 32, 32, 3]);
    const counts = new Array(10).fill(0);
    for (const v of y!.data as BigInt64Array) counts[Number(v)]++;
    assert.deepEqual(counts, new Array(10).fill(1000));
  }
  // The first test image's first pixel is bytes 1, 1025 and 2049 of the raw batch.
  const raw = readFileSync(join(subset, 'cifar-10-batches-bin', 'test_batch.bin'));
  const x = readSafetensors(d.test.path).tensors.x!.data as Uint8Array;
  assert.deepEqual([...x.subarray(0, 3)], [raw[1], raw[1025], raw[2049]]);
  assert.deepEqual([...x.subarray(3 * (31 * 32 + 31), 3 * 1024)], [raw[1024], raw[2048], raw[3072]]);
});
