/**
 * Protocol 2's training style on the runner side, without the addon or wasm: the request check (`style` required,
 * minimal or idiomatic; protocol 1 refused), and the seeded Math.random that makes `model.fit({shuffle: true})`
 * reproducible, checked on tf.util.shuffle itself and on a small fit on tfjs's pure-JS CPU backend.
 * `node --test runners/js/dist/test/`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, readRequest, RunnerError } from '../protocol.js';
import { alea, fitShuffleSeed, withMathRandom } from '../seeded-random.js';
import type * as TF from '@tensorflow/tfjs';
import { tf, values } from './support.js';

/** A request readRequest accepts (the files it names are not opened by the check). */
function validRequest(): Record<string, unknown> {
  const file = { path: '/nonexistent.safetensors', sha256: '0'.repeat(64) };
  return {
    protocol: PROTOCOL_VERSION,
    run_id: 'r',
    binding: 'tensorflow/js',
    mode: 'train',
    model: { id: 'm', input_shape: [4], classes: 2, layers: [{ kind: 'dense', name: 'fc1', units: 2, activation: 'linear', bias: true }] },
    hyper: { epochs: 1, batch_size: 2, optimizer: { name: 'sgd', learning_rate: 0.1 }, loss: 'sparse_categorical_crossentropy' },
    data: { id: 'd', train: file, test: file, train_limit: null },
    seed: 1,
    device: 'cpu',
    data_order: 'native',
    style: 'idiomatic',
    order: null,
    init: 'native',
    init_weights: null,
    output_dir: '/tmp',
    artifacts: [],
    weights: null,
    inference: { warmup: 0, repetitions: 1, batch_size: 2, include_train: false },
    record_step_losses: 0,
  };
}

function readWith(overrides: Record<string, unknown>, drop: string[] = []): () => unknown {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'bindbench-js-style-'));
    try {
      const req = { ...validRequest(), ...overrides };
      for (const key of drop) delete req[key];
      const path = join(dir, 'request.json');
      writeFileSync(path, JSON.stringify(req));
      return readRequest(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function badRequest(pattern: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof RunnerError && err.kind === 'bad_request' && pattern.test(err.message);
}

test('the runner speaks protocol 2 and refuses protocol 1', () => {
  assert.equal(PROTOCOL_VERSION, 2);
  assert.throws(readWith({ protocol: 1 }), badRequest(/protocol is 1, this runner speaks 2/));
});

test('style is required and must be minimal or idiomatic; a bad one is a bad_request naming the field and the values', () => {
  for (const style of ['minimal', 'idiomatic']) assert.equal((readWith({ style })() as { style: string }).style, style);
  assert.throws(readWith({}, ['style']), badRequest(/^request: style undefined is not one of minimal, idiomatic$/));
  assert.throws(readWith({ style: 'fast' }), badRequest(/^request: style "fast" is not one of minimal, idiomatic$/));
  assert.throws(readWith({ style: null }), badRequest(/style null is not one of minimal, idiomatic/));
  // infer and export requests carry it too.
  assert.throws(readWith({ mode: 'infer', weights: { format: 'safetensors', path: '/x' }, style: 'Minimal' }), badRequest(/style "Minimal"/));
});

test('alea from tfjs-core\'s seedrandom is reproducible per seed, and epochs get different seeds', () => {
  const draw = (seed: string) => {
    const prng = alea(seed);
    return Array.from({ length: 5 }, () => prng());
  };
  assert.deepEqual(draw(fitShuffleSeed(1, 1)), draw(fitShuffleSeed(1, 1)));
  assert.notDeepEqual(draw(fitShuffleSeed(1, 1)), draw(fitShuffleSeed(1, 2)));
  assert.notDeepEqual(draw(fitShuffleSeed(1, 1)), draw(fitShuffleSeed(2, 1)));
  for (const v of draw('x')) assert.ok(v >= 0 && v < 1, `${v}`);
});

test('withMathRandom seeds tf.util.shuffle (what fit shuffles with) and restores Math.random, also after a throw', async () => {
  const original = Math.random;
  const shuffled = (seed: string) =>
    withMathRandom(alea(seed), async () => {
      const a = Array.from({ length: 50 }, (_, i) => i);
      tf.util.shuffle(a);
      return a;
    });
  const a = await shuffled('s1');
  assert.deepEqual(await shuffled('s1'), a);
  assert.notDeepEqual(await shuffled('s2'), a);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(Math.random, original);
  await assert.rejects(withMathRandom(alea('s'), async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(Math.random, original);
});

test('model.fit with shuffle true under the seeded Math.random trains to the same weights; another seed does not', async () => {
  await tf.setBackend('cpu');
  const n = 24;
  const x = tf.tensor2d(values(n * 4, 3), [n, 4]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 2), 'int32'), 2).toFloat();
  const fitWith = async (seed: string): Promise<Float32Array> => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: (t: TF.Tensor, p: TF.Tensor) => tf.losses.softmaxCrossEntropy(t, p) });
    // Batches of 5 over 24 examples: the weights depend on which examples share a batch, i.e. on the shuffle.
    await withMathRandom(alea(seed), () => model.fit(x, y, { batchSize: 5, epochs: 1, shuffle: true, verbose: 0 }));
    const w = model.getWeights()[0]!.dataSync() as Float32Array;
    model.dispose();
    return Float32Array.from(w);
  };
  const a = await fitWith('e1');
  assert.deepEqual(await fitWith('e1'), a);
  assert.notDeepEqual(await fitWith('e2'), a);
});
