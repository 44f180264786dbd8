/**
 * The tensorflow/java runner (TensorFlow Java on libtensorflow) driven through its descriptor with real MNIST: a short
 * training run, and tensorflow/python's LeNet loaded in Java from canonical safetensors (states) and from its
 * SavedModel (serialization), each reproducing Python's correct count. Needs `bindbench setup --bindings
 * tensorflow/java`; the loads also need the Python runner. Each test skips with the reason when something is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tensorflowJava } from '../../src/bindings/tensorflow-java.js';
import { tensorflowPython } from '../../src/bindings/tensorflow-python.js';
import { resolveHome } from '../../src/base/home.js';
import { prepareSharedInit } from '../../src/weights/shared-init.js';
import { prepareSharedOrder } from '../../src/data/shared-order.js';
import { lenet1, lenet5 } from '../../src/zoo/models.js';
import { launch, makeSandbox, ofType, pythonRunnerMissing, writeRequest, type Sandbox } from '../runners-rust/rust-harness.js';

let box: Sandbox;
let javaSkip: string | null = null;
let pythonSkip: string | null = null;

before(async () => {
  const probe = await tensorflowJava.probe(resolveHome());
  if (!probe.installed) javaSkip = `tensorflow/java is not installed: ${probe.detail}`;
  pythonSkip = javaSkip ?? (await pythonRunnerMissing(tensorflowPython));
  if (!javaSkip) box = makeSandbox('bindbench-tensorflow-java-');
});

after(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

// From shared initial weights: tensorflow/java's own initialiser (tensorflow-framework's Glorot, as shipped) draws
// only non-negative weights, with which LeNet-5 does not learn in two epochs (docs/runners-java.md).
const lenet5Training = () => ({ model: lenet5, hyper: { epochs: 2, batch_size: 128, optimizer: { name: 'sgd' as const, learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' as const }, init: 'shared' as const, init_weights: prepareSharedInit(box.home, lenet5, 1), data_order: 'shared' as const, order: prepareSharedOrder(box.home, 1, 2000, 2), record_step_losses: 2, threads: 1 });

test('tensorflow/java trains LeNet-5 two epochs on 2,000 examples on the threads asked for and writes canonical safetensors', (t) => {
  if (javaSkip) return t.skip(javaSkip);
  const run = launch(tensorflowJava, writeRequest(box, 'train5', { binding: 'tensorflow/java', ...lenet5Training(), artifacts: ['safetensors'] }));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const [start] = ofType(run.events, 'start');
  assert.deepEqual([start?.versions.tensorflow_java, start?.versions.libtensorflow], ['1.1.0', '2.18.0']);
  assert.deepEqual([start?.settings?.threads_requested, start?.settings?.intra_op_threads, start?.settings?.inter_op_threads], [1, 1, 1]);
  assert.deepEqual(ofType(run.events, 'step').map((s) => s.step), [0, 1]);
  const epochs = ofType(run.events, 'epoch');
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2]);
  assert.ok(epochs[1]!.test_accuracy! > 0.5, `test accuracy ${epochs[1]!.test_accuracy}`);
  const [artifact] = ofType(run.events, 'artifact');
  assert.equal(artifact?.format, 'safetensors');
  assert.ok(existsSync(artifact!.path));
  assert.equal(ofType(run.events, 'end').length, 1);
});

test('from the same initial weights and order, tensorflow/java follows tensorflow/python step for step', (t) => {
  if (pythonSkip) return t.skip(pythonSkip);
  const runs = (['tensorflow/python', 'tensorflow/java'] as const).map((binding) => {
    const descriptor = binding === 'tensorflow/java' ? tensorflowJava : tensorflowPython;
    const run = launch(descriptor, writeRequest(box, `same-${binding.replace('/', '-')}`, { binding, ...lenet5Training() }));
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    return run;
  });
  const [python, java] = runs.map((run) => ofType(run.events, 'step').map((s) => s.loss));
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(python![i]! - java![i]!) < 1e-4, `step ${i}: loss ${java![i]} in Java, ${python![i]} in Python`);
  const [pythonEpochs, javaEpochs] = runs.map((run) => ofType(run.events, 'epoch'));
  assert.ok(Math.abs(pythonEpochs!.at(-1)!.test_accuracy! - javaEpochs!.at(-1)!.test_accuracy!) <= 0.002, `test accuracy ${javaEpochs!.at(-1)!.test_accuracy} in Java, ${pythonEpochs!.at(-1)!.test_accuracy} in Python`);
});

test("tensorflow/python's LeNet-1 loads in tensorflow/java as states and as a SavedModel with Python's correct count", (t) => {
  if (pythonSkip) return t.skip(pythonSkip);
  const source = launch(tensorflowPython, writeRequest(box, 'py1', { binding: 'tensorflow/python', model: lenet1, artifacts: ['safetensors', 'savedmodel'] }));
  assert.equal(source.status, 0, source.stderr.slice(-2000));
  const correct = Math.round(ofType(source.events, 'epoch').at(-1)!.test_accuracy! * 10_000);
  const paths = Object.fromEntries(ofType(source.events, 'artifact').map((a) => [a.format, a.path]));
  for (const format of ['safetensors', 'savedmodel'] as const) {
    const run = launch(tensorflowJava, writeRequest(box, `java-${format}`, { binding: 'tensorflow/java', mode: 'infer', model: lenet1, weights: { format, path: paths[format]! } }));
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const passes = ofType(run.events, 'inference');
    assert.equal(passes.length, 2);
    assert.equal(passes[0]!.correct, correct, `${format}: the same correct count as tensorflow/python`);
    assert.equal(passes[0]!.logits_sha256, passes[1]!.logits_sha256, `${format}: stable over repetitions`);
    assert.ok(existsSync(join(box.root, `java-${format}`, 'logits-test.safetensors')));
  }
});
