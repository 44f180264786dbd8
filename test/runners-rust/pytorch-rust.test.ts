/**
 * The pytorch/rust runner (tch) driven through its descriptor with real MNIST, checked against pytorch/python:
 * the same first SGD steps from shared init and order, and the same predictions from models Python trained.
 * Style `idiomatic` (tch's Iter2 loop) is checked against style `minimal` of the same runner. Needs the runner
 * built (`bindbench setup --bindings pytorch/rust`); the comparisons with Python also need the Python runner.
 * Each test skips with the reason when something is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { pytorchPython } from '../../src/bindings/pytorch-python.js';
import { pytorchRust } from '../../src/bindings/pytorch-rust.js';
import { prepareSharedOrder } from '../../src/data/shared-order.js';
import { resolveHome } from '../../src/base/home.js';
import { prepareSharedInit } from '../../src/weights/shared-init.js';
import { lenet1, lenet5 } from '../../src/zoo/models.js';
import type { RunnerRequest } from '../../src/protocol/request.js';
import { launch, makeSandbox, maxAbsDifference, ofType, pythonRunnerMissing, readLogits, writeRequest, type Sandbox } from './rust-harness.js';

let box: Sandbox;
let rustSkip: string | null = null;
let pythonSkip: string | null = null;

before(async () => {
  const probe = await pytorchRust.probe(resolveHome());
  if (!probe.installed) rustSkip = `pytorch/rust is not installed: ${probe.detail}`;
  pythonSkip = rustSkip ?? (await pythonRunnerMissing(pytorchPython));
  if (!rustSkip) box = makeSandbox('bindbench-pytorch-rust-');
});

after(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

test('pytorch/rust trains LeNet-5 one epoch on 2,000 examples and writes canonical safetensors', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const run = launch(pytorchRust, writeRequest(box, 'train5', { model: lenet5, artifacts: ['safetensors'], record_step_losses: 2 }));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const [start] = ofType(run.events, 'start');
  assert.equal(start?.versions.tch, '0.24.0');
  assert.match(start?.versions.libtorch ?? '', /^2\.11\.0/);
  assert.deepEqual(ofType(run.events, 'step').map((s) => s.step), [0, 1]);
  const [epoch] = ofType(run.events, 'epoch');
  // 16 SGD steps from tch's own initialisers; well above chance (0.1).
  assert.ok(epoch && epoch.test_accuracy! > 0.3, `test accuracy ${epoch?.test_accuracy}`);
  const [artifact] = ofType(run.events, 'artifact');
  assert.equal(artifact?.format, 'safetensors');
  assert.ok(existsSync(artifact!.path));
  assert.equal(ofType(run.events, 'end').length, 1);
});

/** LeNet-1 on 2,000 examples (16 batches of 128, the last of 80) from shared init, 2 epochs. */
function styleRequest(overrides: Partial<RunnerRequest>): Partial<RunnerRequest> {
  return {
    hyper: { epochs: 2, batch_size: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' },
    init: 'shared',
    init_weights: prepareSharedInit(box.home, lenet1, 1),
    ...overrides,
  };
}

test('style idiomatic (tch Iter2) trains LeNet-1, records its style and the first step losses', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const run = launch(pytorchRust, writeRequest(box, 'idiomatic-native', { style: 'idiomatic', record_step_losses: 3 }));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const [start] = ofType(run.events, 'start');
  assert.equal(start?.protocol, 2);
  assert.equal(start?.settings?.style, 'idiomatic');
  assert.deepEqual(ofType(run.events, 'step').map((s) => s.step), [0, 1, 2]);
  const [epoch] = ofType(run.events, 'epoch');
  assert.ok(epoch && Number.isFinite(epoch.loss) && epoch.train_seconds > 0, JSON.stringify(epoch));
  // 16 SGD steps of LeNet-1 from tch's initialisers: 0.44-0.52 for seeds 1-3 here; chance is 0.1.
  assert.ok(epoch.test_accuracy! > 0.3, `test accuracy ${epoch.test_accuracy}`);
  const minimal = launch(pytorchRust, writeRequest(box, 'minimal-native', {}));
  assert.equal(minimal.status, 0, minimal.stderr.slice(-2000));
  assert.equal(ofType(minimal.events, 'start')[0]?.settings?.style, 'minimal');
  // On the CPU, Iter2::shuffle draws the same Tensor::randperm(n) from the same seeded generator as minimal's
  // native permutation, so the two styles train alike here (measured: identical).
  const [reference] = ofType(minimal.events, 'epoch');
  assert.ok(Math.abs(reference!.loss - epoch.loss) <= 1e-6, `minimal ${reference!.loss}, idiomatic ${epoch.loss}`);
});

test('a missing or unknown style is a bad_request naming the field and its values', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  for (const style of [undefined, 'fast']) {
    const run = launch(pytorchRust, writeRequest(box, `style-${style ?? 'missing'}`, { style } as unknown as Partial<RunnerRequest>));
    assert.equal(run.status, 1);
    assert.equal(ofType(run.events, 'start').length, 0);
    const [error] = ofType(run.events, 'error');
    assert.equal(error?.kind, 'bad_request');
    assert.match(error?.message ?? '', /style must be 'minimal' or 'idiomatic'/);
  }
});

test('with shared order and init, style idiomatic gives minimal\'s epoch losses and accuracies', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const shared = styleRequest({ data_order: 'shared', order: prepareSharedOrder(box.home, 1, 2000, 2), record_step_losses: 16 });
  const minimal = launch(pytorchRust, writeRequest(box, 'shared-minimal', { ...shared, style: 'minimal' }));
  const idiomatic = launch(pytorchRust, writeRequest(box, 'shared-idiomatic', { ...shared, style: 'idiomatic' }));
  assert.equal(minimal.status, 0, minimal.stderr.slice(-2000));
  assert.equal(idiomatic.status, 0, idiomatic.stderr.slice(-2000));
  // The same batches in the same order through the same ops on the CPU (Iter2 slices a host copy gathered by the
  // order row where minimal gathers each batch): the arithmetic is the same, so the losses agree to float32
  // rounding (1e-6 on losses near 2, the bound the step comparison with Python uses is 1e-4) and the predictions are
  // the same (accuracies equal).
  const steps = (run: typeof minimal) => ofType(run.events, 'step').map((s) => s.loss);
  assert.equal(steps(idiomatic).length, 16);
  steps(minimal).forEach((loss, i) => assert.ok(Math.abs(loss - steps(idiomatic)[i]!) <= 1e-6, `step ${i}: minimal ${loss}, idiomatic ${steps(idiomatic)[i]}`));
  const epochs = (run: typeof minimal) => ofType(run.events, 'epoch');
  assert.equal(epochs(idiomatic).length, 2);
  epochs(minimal).forEach((m, i) => {
    const d = epochs(idiomatic)[i]!;
    assert.ok(Math.abs(m.loss - d.loss) <= 1e-6, `epoch ${m.epoch} loss: minimal ${m.loss}, idiomatic ${d.loss}`);
    assert.equal(d.train_accuracy, m.train_accuracy, `epoch ${m.epoch} train accuracy`);
    assert.equal(d.test_accuracy, m.test_accuracy, `epoch ${m.epoch} test accuracy`);
  });
});

test('style idiomatic\'s native shuffle (Iter2::shuffle) follows the request seed', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  // Shared init, so only the order depends on the seed.
  const losses = (name: string, seed: number) => {
    const run = launch(pytorchRust, writeRequest(box, name, styleRequest({ style: 'idiomatic', seed, record_step_losses: 16 })));
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    return ofType(run.events, 'step').map((s) => s.loss);
  };
  const first = losses('seed1-a', 1);
  assert.deepEqual(losses('seed1-b', 1), first, 'the same seed gives the same order, so the same losses');
  assert.notDeepEqual(losses('seed2', 2), first, 'another seed gives another order');
});

test('a request whose data checksum differs is a bad_request with exit code 1', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const data = { ...box.data, train: { ...box.data.train, sha256: '0'.repeat(64) } };
  const path = writeRequest(box, 'badsum', {
    data: { id: 'mnist', train: { path: data.train.path, sha256: data.train.sha256 }, test: { path: data.test.path, sha256: data.test.sha256 }, train_limit: 2000 },
  });
  const run = launch(pytorchRust, path);
  assert.equal(run.status, 1);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'bad_request');
  assert.match(error?.message ?? '', /sha256/);
});

test('a loss that overflows ends training as nan_loss, after the finite step losses', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  // A learning rate of 1e38 sends the weights to infinity on the first update.
  const hyper = { epochs: 1, batch_size: 128, optimizer: { name: 'sgd' as const, learning_rate: 1e38 }, loss: 'sparse_categorical_crossentropy' as const };
  const run = launch(pytorchRust, writeRequest(box, 'diverge', { hyper, record_step_losses: 5 }));
  assert.equal(run.status, 1);
  assert.deepEqual(ofType(run.events, 'step').map((s) => s.step), [0]);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'nan_loss');
  assert.equal(ofType(run.events, 'epoch').length, 0);
});

test('artifacts tch cannot write are refused before training, as not_supported', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const run = launch(pytorchRust, writeRequest(box, 'torchscript-out', { artifacts: ['safetensors', 'torchscript'] }));
  assert.equal(run.status, 1);
  assert.equal(ofType(run.events, 'epoch').length, 0);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /torchscript/);
});

test('with shared init and order, the first 10 SGD steps of LeNet-1 match pytorch/python within 1e-4', (t) => {
  if (pythonSkip) return t.skip(pythonSkip);
  // 1,280 examples in batches of 128: exactly 10 steps.
  const shared = {
    data: { id: 'mnist', train: { path: box.data.train.path, sha256: box.data.train.sha256 }, test: { path: box.data.test.path, sha256: box.data.test.sha256 }, train_limit: 1280 },
    data_order: 'shared' as const,
    order: prepareSharedOrder(box.home, 1, 1280, 1),
    init: 'shared' as const,
    init_weights: prepareSharedInit(box.home, lenet1, 1),
    record_step_losses: 10,
  };
  const rust = launch(pytorchRust, writeRequest(box, 'steps-rust', shared));
  const python = launch(pytorchPython, writeRequest(box, 'steps-python', { ...shared, binding: 'pytorch/python' }));
  assert.equal(rust.status, 0, rust.stderr.slice(-2000));
  assert.equal(python.status, 0, python.stderr.slice(-2000));
  const rustLosses = ofType(rust.events, 'step').map((s) => s.loss);
  const pythonLosses = ofType(python.events, 'step').map((s) => s.loss);
  assert.equal(rustLosses.length, 10);
  assert.equal(pythonLosses.length, 10);
  rustLosses.forEach((loss, i) => assert.ok(Math.abs(loss - pythonLosses[i]!) <= 1e-4, `step ${i}: rust ${loss}, python ${pythonLosses[i]}`));
});

test('TorchScript and safetensors models trained in Python give Python\'s correct count in Rust', (t) => {
  if (pythonSkip) return t.skip(pythonSkip);
  const trained = launch(pytorchPython, writeRequest(box, 'py-train', { binding: 'pytorch/python', artifacts: ['safetensors', 'torchscript'] }));
  assert.equal(trained.status, 0, trained.stderr.slice(-2000));
  const files = Object.fromEntries(ofType(trained.events, 'artifact').map((a) => [a.format, a.path]));
  const infer = { mode: 'infer' as const, inference: { warmup: 0, repetitions: 1, batch_size: 1000, include_train: false } };
  const reference = launch(pytorchPython, writeRequest(box, 'py-infer', { ...infer, binding: 'pytorch/python', weights: { format: 'safetensors', path: files.safetensors! } }));
  assert.equal(reference.status, 0, reference.stderr.slice(-2000));
  const [expected] = ofType(reference.events, 'inference');
  assert.ok(expected && expected.n === 10000);
  for (const format of ['safetensors', 'torchscript'] as const) {
    const run = launch(pytorchRust, writeRequest(box, `rust-infer-${format}`, { ...infer, weights: { format, path: files[format]! } }));
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const [got] = ofType(run.events, 'inference');
    assert.equal(got?.correct, expected.correct, `${format}: correct count`);
    const diff = maxAbsDifference(readLogits(got!.logits_path!), readLogits(expected.logits_path!));
    assert.ok(diff < 1e-4, `${format}: logits differ from Python's by up to ${diff}`);
  }
});
