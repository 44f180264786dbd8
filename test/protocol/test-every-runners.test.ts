/**
 * The request's optional `test_every` reaches every training runner: each installed binding that trains LeNet-1 is
 * launched through its descriptor (the orchestrator's way) for three epochs with the test set every second epoch,
 * and must report the test accuracy after epochs 2 and 3 (the last) only, the training accuracy after all three.
 * A binding that is not installed is skipped with the reason.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { bindings } from '../../src/bindings/index.js';
import { resolveHome } from '../../src/base/home.js';
import { launch, makeSandbox, ofType, writeRequest, type Sandbox } from '../runners-rust/rust-harness.js';

const trainers = bindings.filter((b) => b.capabilities.train.supported && b.capabilities.models.includes('lenet1') && !b.capabilities.inferOnlyModels?.lenet1);
let box: Sandbox;

before(() => {
  box = makeSandbox('bindbench-test-every-');
});

after(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

for (const binding of trainers) {
  test(`${binding.id}: test_every 2 of 3 epochs evaluates the test set after epochs 2 and 3 only`, async (t) => {
    const probe = await binding.probe(resolveHome());
    if (!probe.installed) return t.skip(`${binding.id} is not installed: ${probe.detail}`);
    const name = `every-${binding.id.replace('/', '-')}`;
    const run = launch(binding, writeRequest(box, name, { binding: binding.id, hyper: { epochs: 3, batch_size: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' }, data: { ...requestData(), train_limit: 512 }, test_every: 2, threads: 1 }));
    // A binding that tries each cell (tfjs's WebAssembly backend lacks some gradient kernels) may answer not_supported.
    const refusal = ofType(run.events, 'error').find((e) => e.kind === 'not_supported');
    if (refusal) return t.skip(`${binding.id} does not train LeNet-1: ${refusal.message}`);
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const epochs = ofType(run.events, 'epoch');
    assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.equal(epochs[0]!.test_accuracy, null, 'epoch 1 skips the test set');
    for (const e of epochs.slice(1)) assert.ok(typeof e.test_accuracy === 'number' && e.test_accuracy > 0 && e.test_accuracy <= 1, `epoch ${e.epoch}: test accuracy ${e.test_accuracy}`);
    for (const e of epochs) assert.ok(e.train_accuracy > 0 && e.train_accuracy <= 1, `epoch ${e.epoch}: training accuracy ${e.train_accuracy}`);
  });

  test(`${binding.id}: test_every 0 is a bad request`, async (t) => {
    const probe = await binding.probe(resolveHome());
    if (!probe.installed) return t.skip(`${binding.id} is not installed: ${probe.detail}`);
    const run = launch(binding, writeRequest(box, `zero-${binding.id.replace('/', '-')}`, { binding: binding.id, test_every: 0 }));
    assert.notEqual(run.status, 0);
    const [error] = ofType(run.events, 'error');
    assert.equal(error?.kind, 'bad_request');
    assert.match(error!.message, /test_every/);
  });
}

function requestData() {
  const { data } = box;
  return { id: 'mnist', train: { path: data.train.path, sha256: data.train.sha256 }, test: { path: data.test.path, sha256: data.test.sha256 }, train_limit: 512 };
}
