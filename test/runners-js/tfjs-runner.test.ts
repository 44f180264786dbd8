/**
 * The TensorFlow.js runner (runners/js) driven as the orchestrator drives it: a request file in, JSON-lines events
 * out, through both bindings it serves. Uses real MNIST (a 2,000-example training subset, the full test set) in a
 * temporary state folder. Needs the runner built (`bindbench setup tensorflow/js` and `.../js-wasm`); skips with
 * the probe's reason where it is not. The layout conversion itself is unit-tested inside the runner package:
 * `node --test runners/js/dist/test/`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDataset, type PreparedDataset } from '../../src/data/cache.js';
import { prepareSharedOrder } from '../../src/data/shared-order.js';
import { resolveHome, type Home } from '../../src/base/home.js';
import { prepareSharedInit } from '../../src/weights/shared-init.js';
import { lenet1 } from '../../src/zoo/models.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { parseEvents } from '../../src/protocol/read-events.js';
import type { RunnerEvent } from '../../src/protocol/events.js';
import type { RunnerRequest } from '../../src/protocol/request.js';
import { tensorflowJs } from '../../src/bindings/tensorflow-js.js';
import { tensorflowJsWasm } from '../../src/bindings/tensorflow-js-wasm.js';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { pythonEnv } from '../../src/bindings/python-env.js';

const TRAIN_LIMIT = 2000;

let root: string;
let home: Home;
let data: PreparedDataset;
let nodeSkip: string | null = null;
let wasmSkip: string | null = null;
/** model.safetensors written by the tfjs-node training test, reused by the inference and export tests. */
let trained: string | null = null;

before(async () => {
  const [nodeProbe, wasmProbe] = await Promise.all([tensorflowJs.probe(resolveHome()), tensorflowJsWasm.probe(resolveHome())]);
  if (!nodeProbe.installed) nodeSkip = `tensorflow/js is not installed: ${nodeProbe.detail}`;
  if (!wasmProbe.installed) wasmSkip = `tensorflow/js-wasm is not installed: ${wasmProbe.detail}`;
  root = mkdtempSync(join(tmpdir(), 'bindbench-runners-js-'));
  home = resolveHome(join(root, 'home'));
  if (!nodeSkip || !wasmSkip) data = prepareDataset(home, 'mnist');
});

after(() => rmSync(root, { recursive: true, force: true }));

function request(name: string, overrides: Partial<RunnerRequest>): string {
  const outputDir = join(root, name);
  mkdirSync(outputDir, { recursive: true });
  const req: RunnerRequest = {
    protocol: PROTOCOL_VERSION,
    run_id: name,
    binding: 'tensorflow/js',
    mode: 'train',
    model: lenet1,
    hyper: { epochs: 1, batch_size: 32, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' },
    data: { id: 'mnist', train: { path: data.train.path, sha256: data.train.sha256 }, test: { path: data.test.path, sha256: data.test.sha256 }, train_limit: TRAIN_LIMIT },
    seed: 1,
    device: 'cpu',
    data_order: 'shared',
    style: 'minimal',
    order: prepareSharedOrder(home, 1, TRAIN_LIMIT, 1),
    init: 'shared',
    init_weights: prepareSharedInit(home, lenet1, 1),
    output_dir: outputDir,
    artifacts: [],
    weights: null,
    inference: { warmup: 0, repetitions: 2, batch_size: 1000, include_train: false },
    record_step_losses: 3,
    ...overrides,
  };
  const path = join(outputDir, 'request.json');
  writeFileSync(path, JSON.stringify(req));
  return path;
}

/** Launches the runner as the orchestrator would, through the descriptor's launch command. */
function runRunner(binding: BindingDescriptor, requestPath: string): { status: number | null; events: RunnerEvent[]; stderr: string } {
  const launch = binding.launch(home, requestPath);
  const out = spawnSync(launch.command, launch.args, { env: { ...process.env, ...launch.env }, encoding: 'utf8', timeout: 600_000 });
  return { status: out.status, events: parseEvents(out.stdout), stderr: out.stderr };
}

function ofType<T extends RunnerEvent['type']>(events: RunnerEvent[], type: T): Extract<RunnerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunnerEvent, { type: T }> => e.type === type);
}

/** Raw bytes of each tensor of a safetensors file, read directly so the check depends on no reader under test. */
function tensorBytes(path: string): Record<string, { dtype: string; shape: number[]; bytes: Buffer }> {
  const file = readFileSync(path);
  const headerLen = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out: Record<string, { dtype: string; shape: number[]; bytes: Buffer }> = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    out[name] = { dtype: e.dtype, shape: e.shape, bytes: Buffer.from(file.subarray(8 + headerLen + e.data_offsets[0], 8 + headerLen + e.data_offsets[1])) };
  }
  return out;
}

function floats(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

test('tfjs-node trains LeNet-1 for one epoch on 2,000 MNIST examples and writes its artifacts', (t) => {
  if (nodeSkip) return t.skip(nodeSkip);
  const run = runRunner(tensorflowJs, request('node-train', { artifacts: ['safetensors', 'tfjs-layers'] }));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const [start] = ofType(run.events, 'start');
  assert.equal(start?.versions['@tensorflow/tfjs-node'], '4.22.0');
  assert.match(start?.versions.libtensorflow ?? '', /^\d+\.\d+/);
  assert.equal(start?.settings?.backend, 'tensorflow');
  assert.equal(start?.settings?.style, 'minimal');
  const steps = ofType(run.events, 'step');
  assert.deepEqual(steps.map((s) => s.step), [0, 1, 2]);
  // Shared Glorot init gives a first loss near ln 10 = 2.303.
  assert.ok(Math.abs(steps[0]!.loss - Math.log(10)) < 0.3, `first step loss ${steps[0]!.loss}`);
  const [epoch] = ofType(run.events, 'epoch');
  assert.ok(epoch, 'one epoch event');
  assert.ok(epoch.loss < steps[0]!.loss, `epoch mean loss ${epoch.loss} should be below the first step's ${steps[0]!.loss}`);
  // 63 SGD steps take LeNet-1 well above chance (0.1); 0.74 was measured here.
  assert.ok(epoch.test_accuracy! > 0.5, `test accuracy ${epoch.test_accuracy}`);
  assert.ok(epoch.train_accuracy > 0.5, `train accuracy ${epoch.train_accuracy}`);
  assert.ok(epoch.train_seconds > 0 && epoch.eval_seconds > 0);
  const artifacts = ofType(run.events, 'artifact');
  assert.deepEqual(artifacts.map((a) => a.format), ['safetensors', 'tfjs-layers']);
  for (const a of artifacts) assert.ok(existsSync(a.path), a.path);
  const [end] = ofType(run.events, 'end');
  assert.equal(end?.train_seconds, epoch.train_seconds);
  trained = artifacts[0]!.path;
  // The canonical file has the zoo's names and shapes.
  const weights = tensorBytes(trained);
  assert.deepEqual(weights['conv2.weight']?.shape, [12, 4, 5, 5]);
  assert.deepEqual(weights['fc1.weight']?.shape, [10, 300]);
});

test('tfjs-backend-wasm cannot train LeNet-1: not_supported with the backend\'s own message', (t) => {
  if (wasmSkip) return t.skip(wasmSkip);
  const run = runRunner(tensorflowJsWasm, request('wasm-train', { binding: 'tensorflow/js-wasm' }));
  assert.equal(run.status, 1);
  assert.equal(ofType(run.events, 'start')[0]?.settings?.backend, 'wasm');
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/);
  assert.equal(ofType(run.events, 'epoch').length, 0);
  assert.equal(ofType(run.events, 'end').length, 0);
});

/** fit's History loss: tfjs-layers' BaseLogger weights each batch's loss by its size and divides by the examples. */
function exampleWeightedMean(losses: number[], n: number, batchSize: number): number {
  return losses.reduce((sum, loss, b) => sum + loss * (Math.min(n, (b + 1) * batchSize) - b * batchSize), 0) / n;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

test('tfjs-node idiomatic (compile, then model.fit per epoch) with shared order and init trains as the minimal loop does', (t) => {
  if (nodeSkip) return t.skip(nodeSkip);
  // Two epochs of 63 batches (62 of 32, the last of 16); 100 recorded steps reach into the second epoch's fit call.
  const common: Partial<RunnerRequest> = { hyper: { epochs: 2, batch_size: 32, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' }, order: prepareSharedOrder(home, 1, TRAIN_LIMIT, 2), record_step_losses: 100, artifacts: ['safetensors'] };
  const minimal = runRunner(tensorflowJs, request('node-style-minimal', common));
  const idiomatic = runRunner(tensorflowJs, request('node-style-idiomatic', { ...common, style: 'idiomatic' }));
  assert.equal(minimal.status, 0, minimal.stderr.slice(-2000));
  assert.equal(idiomatic.status, 0, idiomatic.stderr.slice(-2000));
  assert.equal(ofType(minimal.events, 'start')[0]?.settings?.style, 'minimal');
  assert.equal(ofType(idiomatic.events, 'start')[0]?.settings?.style, 'idiomatic');
  const ms = ofType(minimal.events, 'step');
  const is = ofType(idiomatic.events, 'step');
  assert.deepEqual(is.map((s) => s.step), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(ms.map((s) => s.step), is.map((s) => s.step));
  // Same batches, optimizer, loss and kernels: the two were bit-identical when measured (losses, accuracies and the
  // trained weights). The tolerances only leave room for libtensorflow reordering a float sum between runs.
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(ms[i]!.loss - is[i]!.loss) <= 1e-5, `step ${i}: minimal ${ms[i]!.loss}, idiomatic ${is[i]!.loss}`);
  const me = ofType(minimal.events, 'epoch');
  const ie = ofType(idiomatic.events, 'epoch');
  assert.equal(ie.length, 2);
  for (let e = 0; e < 2; e++) {
    assert.ok(Math.abs(me[e]!.train_accuracy - ie[e]!.train_accuracy) <= 2 / TRAIN_LIMIT, `epoch ${e + 1} train accuracy ${me[e]!.train_accuracy} vs ${ie[e]!.train_accuracy}`);
    assert.ok(Math.abs(me[e]!.test_accuracy! - ie[e]!.test_accuracy!) <= 10 / 10000, `epoch ${e + 1} test accuracy ${me[e]!.test_accuracy} vs ${ie[e]!.test_accuracy}`);
    assert.ok(ie[e]!.train_seconds > 0 && ie[e]!.eval_seconds > 0);
  }
  assert.ok(ie[0]!.test_accuracy! > 0.5, `idiomatic test accuracy ${ie[0]!.test_accuracy}`);
  assert.ok(ie[1]!.loss < ie[0]!.loss, `idiomatic epoch losses ${ie[0]!.loss}, ${ie[1]!.loss}`);
  // The epoch losses differ only in how the batches are averaged: minimal's is the mean over batches, fit's the
  // example-weighted one (its last batch of 16 counts half), each within float32 rounding of its own step losses.
  const first = (steps: typeof ms) => steps.slice(0, 63).map((s) => s.loss);
  assert.ok(Math.abs(me[0]!.loss - mean(first(ms))) <= 1e-5 * me[0]!.loss, `minimal epoch loss ${me[0]!.loss}`);
  const weighted = exampleWeightedMean(first(is), TRAIN_LIMIT, 32);
  assert.ok(Math.abs(ie[0]!.loss - weighted) <= 1e-5 * weighted, `idiomatic epoch loss ${ie[0]!.loss}, weighted mean of its steps ${weighted}`);
  // fit trained the model whose weights the artifacts write.
  const [ma] = ofType(minimal.events, 'artifact');
  const [ia] = ofType(idiomatic.events, 'artifact');
  assert.equal(ia?.format, 'safetensors');
  const mw = tensorBytes(ma!.path);
  const iw = tensorBytes(ia!.path);
  assert.deepEqual(Object.keys(iw).sort(), Object.keys(mw).sort());
  let worst = 0;
  for (const [name, tensor] of Object.entries(mw)) {
    const a = floats(tensor.bytes);
    const b = floats(iw[name]!.bytes);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  assert.ok(worst <= 1e-4, `largest weight difference ${worst}`);
});

test('tfjs-node idiomatic with native order: fit shuffles with Math.random seeded from the request seed', (t) => {
  if (nodeSkip) return t.skip(nodeSkip);
  const native = (name: string, seed: number) => runRunner(tensorflowJs, request(name, { style: 'idiomatic', data_order: 'native', order: null, seed }));
  const runs = [native('node-fit-native-a', 1), native('node-fit-native-b', 1), native('node-fit-native-c', 2)];
  for (const run of runs) assert.equal(run.status, 0, run.stderr.slice(-2000));
  const [a, b, c] = runs.map((run) => ({ steps: ofType(run.events, 'step').map((s) => s.loss), epoch: ofType(run.events, 'epoch')[0]! }));
  assert.equal(a!.steps.length, 3);
  assert.ok(Math.abs(a!.steps[0]! - Math.log(10)) < 0.3, `first step loss ${a!.steps[0]}`);
  assert.ok(a!.epoch.test_accuracy! > 0.5, `test accuracy ${a!.epoch.test_accuracy}`);
  // The same seed shuffles the same way: the same batches, so the same losses and accuracies.
  assert.deepEqual(b!.steps, a!.steps);
  assert.equal(b!.epoch.loss, a!.epoch.loss);
  assert.equal(b!.epoch.test_accuracy, a!.epoch.test_accuracy);
  // Another seed puts other examples in the first batch.
  assert.notEqual(c!.steps[0], a!.steps[0]);
  assert.notEqual(c!.epoch.loss, a!.epoch.loss);
});

test('tfjs-backend-wasm idiomatic: model.fit meets the same missing kernel, not_supported', (t) => {
  if (wasmSkip) return t.skip(wasmSkip);
  const run = runRunner(tensorflowJsWasm, request('wasm-fit', { binding: 'tensorflow/js-wasm', style: 'idiomatic' }));
  assert.equal(run.status, 1);
  assert.equal(ofType(run.events, 'start')[0]?.settings?.style, 'idiomatic');
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/);
  assert.equal(ofType(run.events, 'epoch').length, 0);
});

test('a missing or unknown style is a bad_request naming the field and its values, before start', (t) => {
  if (nodeSkip) return t.skip(nodeSkip);
  const cases: Array<[string, unknown, RegExp]> = [
    ['style-missing', undefined, /style undefined is not one of minimal, idiomatic/],
    ['style-unknown', 'fast', /style "fast" is not one of minimal, idiomatic/],
  ];
  for (const [name, style, message] of cases) {
    const run = runRunner(tensorflowJs, request(name, { style: style as RunnerRequest['style'] }));
    assert.equal(run.status, 1, name);
    assert.equal(ofType(run.events, 'start').length, 0, name);
    const [error] = ofType(run.events, 'error');
    assert.equal(error?.kind, 'bad_request', name);
    assert.match(error?.message ?? '', message, name);
  }
});

test('wasm inference from canonical safetensors counts what tfjs-node counts on the same weights', (t) => {
  if (nodeSkip || wasmSkip) return t.skip(nodeSkip ?? wasmSkip!);
  if (!trained) return t.skip('the tfjs-node training test did not produce weights');
  const weights = { format: 'safetensors' as const, path: trained };
  const nodeRun = runRunner(tensorflowJs, request('node-infer', { mode: 'infer', weights }));
  const wasmRun = runRunner(tensorflowJsWasm, request('wasm-infer', { mode: 'infer', binding: 'tensorflow/js-wasm', weights }));
  assert.equal(nodeRun.status, 0, nodeRun.stderr.slice(-2000));
  assert.equal(wasmRun.status, 0, wasmRun.stderr.slice(-2000));
  const nodeInf = ofType(nodeRun.events, 'inference');
  const wasmInf = ofType(wasmRun.events, 'inference');
  assert.equal(nodeInf.length, 2);
  assert.equal(wasmInf.length, 2);
  for (const runs of [nodeInf, wasmInf]) {
    assert.equal(runs[0]!.n, 10000);
    assert.equal(runs[0]!.correct, runs[1]!.correct, 'repetitions agree');
    assert.equal(runs[0]!.logits_sha256, runs[1]!.logits_sha256, 'repetitions give the same logits');
  }
  assert.equal(wasmInf[0]!.correct, nodeInf[0]!.correct);
  assert.ok(nodeInf[0]!.correct > 5000, `correct ${nodeInf[0]!.correct} of 10000`);
  // Different kernels (libtensorflow/oneDNN vs XNNPACK) may round differently, but only in the last bits.
  const a = floats(tensorBytes(nodeInf[0]!.logits_path!).logits!.bytes);
  const b = floats(tensorBytes(wasmInf[0]!.logits_path!).logits!.bytes);
  assert.equal(a.length, 10000 * 10);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < 1e-3, `largest logit difference ${worst}`);
});

test('canonical weights survive safetensors -> tfjs-layers (tfjs-node) -> safetensors (wasm) bit for bit', (t) => {
  if (nodeSkip || wasmSkip) return t.skip(nodeSkip ?? wasmSkip!);
  if (!trained) return t.skip('the tfjs-node training test did not produce weights');
  const toLayers = runRunner(tensorflowJs, request('export-layers', { mode: 'export', weights: { format: 'safetensors', path: trained }, artifacts: ['tfjs-layers', 'safetensors'] }));
  assert.equal(toLayers.status, 0, toLayers.stderr.slice(-2000));
  const [layersArtifact, direct] = ofType(toLayers.events, 'artifact');
  assert.equal(layersArtifact?.format, 'tfjs-layers');
  const back = runRunner(tensorflowJsWasm, request('export-back', { mode: 'export', binding: 'tensorflow/js-wasm', weights: { format: 'tfjs-layers', path: layersArtifact!.path }, artifacts: ['safetensors'] }));
  assert.equal(back.status, 0, back.stderr.slice(-2000));
  const [roundTrip] = ofType(back.events, 'artifact');
  const original = tensorBytes(trained);
  for (const path of [direct!.path, roundTrip!.path]) {
    const copy = tensorBytes(path);
    assert.deepEqual(Object.keys(copy).sort(), Object.keys(original).sort());
    for (const [name, tensor] of Object.entries(original)) {
      assert.deepEqual(copy[name]!.shape, tensor.shape, name);
      assert.ok(copy[name]!.bytes.equals(tensor.bytes), `${name} differs after the round trip through ${path}`);
    }
  }
});

/** Builds LeNet-1 in Keras from canonical weights and exports a SavedModel (Keras flattens H·W·C, as tfjs does). */
const KERAS_SAVEDMODEL = `
import sys, numpy as np, keras
from safetensors.numpy import load_file
w = load_file(sys.argv[1])
m = keras.Sequential([keras.Input((28, 28, 1)),
    keras.layers.Conv2D(4, 5, padding='same', activation='tanh', name='conv1'), keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(12, 5, padding='valid', activation='tanh', name='conv2'), keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(), keras.layers.Dense(10, name='fc1')])
for name in ('conv1', 'conv2'):
    m.get_layer(name).set_weights([w[name + '.weight'].transpose(2, 3, 1, 0), w[name + '.bias']])
fc = w['fc1.weight'].reshape(10, 12, 5, 5).transpose(0, 2, 3, 1).reshape(10, 300).T
m.get_layer('fc1').set_weights([fc, w['fc1.bias']])
m.export(sys.argv[2], format='tf_saved_model')
`;

test('tfjs-node runs a Keras SavedModel through tf.node.loadSavedModel with the logits of the layers model', (t) => {
  if (nodeSkip) return t.skip(nodeSkip);
  if (!trained) return t.skip('the tfjs-node training test did not produce weights');
  const python = pythonEnv(resolveHome(), 'tensorflow').python;
  if (!existsSync(python)) return t.skip(`no tensorflow Python environment at ${python} to write a SavedModel with`);
  const dir = join(root, 'savedmodel');
  const made = spawnSync(python, ['-c', KERAS_SAVEDMODEL, trained, dir], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  assert.equal(made.status, 0, made.stderr.slice(-2000));
  const saved = runRunner(tensorflowJs, request('node-savedmodel', { mode: 'infer', weights: { format: 'savedmodel', path: dir } }));
  const layers = runRunner(tensorflowJs, request('node-layers', { mode: 'infer', weights: { format: 'safetensors', path: trained } }));
  assert.equal(saved.status, 0, saved.stderr.slice(-2000));
  assert.equal(layers.status, 0, layers.stderr.slice(-2000));
  const [s] = ofType(saved.events, 'inference');
  const [l] = ofType(layers.events, 'inference');
  assert.equal(s?.correct, l?.correct);
  const a = floats(tensorBytes(s!.logits_path!).logits!.bytes);
  const b = floats(tensorBytes(l!.logits_path!).logits!.bytes);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < 1e-4, `largest logit difference ${worst}`);
});

test('wasm refuses a SavedModel as not_supported, saying why', (t) => {
  if (wasmSkip) return t.skip(wasmSkip);
  const run = runRunner(tensorflowJsWasm, request('wasm-savedmodel', { mode: 'infer', binding: 'tensorflow/js-wasm', weights: { format: 'savedmodel', path: root } }));
  assert.equal(run.status, 1);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /loadSavedModel/);
});

test('a data file whose sha256 differs from the request is a bad_request naming the file', (t) => {
  if (wasmSkip) return t.skip(wasmSkip);
  const run = runRunner(tensorflowJsWasm, request('bad-sha', { binding: 'tensorflow/js-wasm', data: { id: 'mnist', train: { path: data.train.path, sha256: '0'.repeat(64) }, test: { path: data.test.path, sha256: data.test.sha256 }, train_limit: TRAIN_LIMIT } }));
  assert.equal(run.status, 1);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'bad_request');
  assert.ok(error?.message.includes(data.train.path), error?.message);
});
