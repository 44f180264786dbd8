/**
 * The pytorch/java runner (DJL on libtorch) driven through its descriptor with real MNIST: a short training run, and
 * pytorch/python's LeNet loaded in Java from canonical safetensors (states) and from TorchScript (serialization),
 * each reproducing Python's correct count. Needs `bindbench setup --bindings pytorch/java`; the loads also need the
 * Python runner. Each test skips with the reason when something is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pytorchJava } from '../../src/bindings/pytorch-java.js';
import { pytorchPython } from '../../src/bindings/pytorch-python.js';
import { resolveHome } from '../../src/base/home.js';
import { prepareSharedOrder } from '../../src/data/shared-order.js';
import { prepareSharedInit } from '../../src/weights/shared-init.js';
import { lenet1, lenet5 } from '../../src/zoo/models.js';
import { launch, makeSandbox, ofType, pythonRunnerMissing, writeRequest, type Sandbox } from '../runners-rust/rust-harness.js';

let box: Sandbox;
let javaSkip: string | null = null;
let pythonSkip: string | null = null;

before(async () => {
  const probe = await pytorchJava.probe(resolveHome());
  if (!probe.installed) javaSkip = `pytorch/java is not installed: ${probe.detail}`;
  pythonSkip = javaSkip ?? (await pythonRunnerMissing(pytorchPython));
  if (!javaSkip) box = makeSandbox('bindbench-pytorch-java-');
});

after(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

test('pytorch/java trains LeNet-5 two epochs on 2,000 examples and writes canonical safetensors', (t) => {
  if (javaSkip) return t.skip(javaSkip);
  const run = launch(pytorchJava, writeRequest(box, 'train5', { binding: 'pytorch/java', model: lenet5, hyper: { epochs: 2, batch_size: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' }, artifacts: ['safetensors'], record_step_losses: 2, threads: 1 }));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const [start] = ofType(run.events, 'start');
  assert.deepEqual([start?.versions.djl, start?.versions.libtorch], ['0.36.0', '2.7.1']);
  assert.equal(start?.settings?.threads_requested, 1);
  assert.deepEqual(ofType(run.events, 'step').map((s) => s.step), [0, 1]);
  const epochs = ofType(run.events, 'epoch');
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2]);
  assert.ok(epochs[1]!.test_accuracy! > 0.5, `test accuracy ${epochs[1]!.test_accuracy}`);
  const [artifact] = ofType(run.events, 'artifact');
  assert.equal(artifact?.format, 'safetensors');
  assert.ok(existsSync(artifact!.path));
  assert.equal(ofType(run.events, 'end').length, 1);
});

test("style idiomatic (DJL's EasyTrain.fit over an ArrayDataset) gives minimal's losses from the same order and init, and repeats itself with its own order", (t) => {
  if (javaSkip) return t.skip(javaSkip);
  const base = { binding: 'pytorch/java', model: lenet1, hyper: { epochs: 2, batch_size: 128, optimizer: { name: 'sgd' as const, learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' as const }, init: 'shared' as const, init_weights: prepareSharedInit(box.home, lenet1, 1), record_step_losses: 16 };
  const shared = { ...base, data_order: 'shared' as const, order: prepareSharedOrder(box.home, 1, 2000, 2) };
  const losses = (name: string, overrides: object) => {
    const run = launch(pytorchJava, writeRequest(box, name, overrides));
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    assert.equal(ofType(run.events, 'start')[0]?.settings?.style, (overrides as { style: string }).style);
    return { steps: ofType(run.events, 'step').map((s) => s.loss), epochs: ofType(run.events, 'epoch').map((e) => [e.loss, e.test_accuracy]) };
  };
  const minimal = losses('djl-minimal', { ...shared, style: 'minimal' });
  const idiomatic = losses('djl-idiomatic', { ...shared, style: 'idiomatic' });
  assert.equal(idiomatic.steps.length, 16);
  idiomatic.steps.forEach((loss, i) => assert.ok(Math.abs(loss - minimal.steps[i]!) < 1e-5, `step ${i}: ${loss} idiomatic, ${minimal.steps[i]} minimal`));
  assert.deepEqual(idiomatic.epochs.map(([, acc]) => acc), minimal.epochs.map(([, acc]) => acc));
  const again = [1, 2].map((i) => losses(`djl-native-${i}`, { ...base, style: 'idiomatic', seed: 7 }));
  assert.deepEqual(again[0], again[1], "DJL's RandomSampler, seeded through Engine.setRandomSeed, repeats its order");
});

test("pytorch/python's LeNet-1 loads in pytorch/java as states and as TorchScript with Python's correct count", (t) => {
  if (pythonSkip) return t.skip(pythonSkip);
  const source = launch(pytorchPython, writeRequest(box, 'py1', { binding: 'pytorch/python', model: lenet1, artifacts: ['safetensors', 'torchscript'] }));
  assert.equal(source.status, 0, source.stderr.slice(-2000));
  const correct = Math.round(ofType(source.events, 'epoch').at(-1)!.test_accuracy! * 10_000);
  const paths = Object.fromEntries(ofType(source.events, 'artifact').map((a) => [a.format, a.path]));
  const hashes: string[] = [];
  for (const format of ['safetensors', 'torchscript'] as const) {
    const run = launch(pytorchJava, writeRequest(box, `java-${format}`, { binding: 'pytorch/java', mode: 'infer', model: lenet1, weights: { format, path: paths[format]! } }));
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const passes = ofType(run.events, 'inference');
    assert.equal(passes.length, 2);
    assert.equal(passes[0]!.correct, correct, `${format}: the same correct count as pytorch/python`);
    assert.equal(passes[0]!.logits_sha256, passes[1]!.logits_sha256, `${format}: stable over repetitions`);
    assert.ok(existsSync(join(box.root, `java-${format}`, 'logits-test.safetensors')));
    hashes.push(passes[0]!.logits_sha256!);
  }
  assert.equal(hashes[0], hashes[1], 'states and TorchScript give the same logits');
});
