/**
 * The tensorflow/rust runner (tensorflow crate) driven through its descriptor: it refuses training with the
 * reason, and predicts on a SavedModel from tensorflow/python exactly as Python does. Needs the runner built
 * (`bindbench setup --bindings tensorflow/rust`); the SavedModel test also needs the Python runner.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tensorflowPython } from '../../src/bindings/tensorflow-python.js';
import { tensorflowRust } from '../../src/bindings/tensorflow-rust.js';
import { resolveHome } from '../../src/base/home.js';
import { launch, makeSandbox, maxAbsDifference, ofType, pythonRunnerMissing, readLogits, writeRequest, type Sandbox } from './rust-harness.js';

let box: Sandbox;
let rustSkip: string | null = null;
let pythonSkip: string | null = null;

before(async () => {
  const probe = await tensorflowRust.probe(resolveHome());
  if (!probe.installed) rustSkip = `tensorflow/rust is not installed: ${probe.detail}`;
  pythonSkip = rustSkip ?? (await pythonRunnerMissing(tensorflowPython));
  if (!rustSkip) box = makeSandbox('bindbench-tensorflow-rust-');
});

after(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

test('tensorflow/rust refuses training as not_supported, after a start event with the linked TF_Version', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const run = launch(tensorflowRust, writeRequest(box, 'train', { binding: 'tensorflow/rust' }));
  assert.equal(run.status, 1);
  const [start] = ofType(run.events, 'start');
  assert.equal(start?.versions['tensorflow-crate'], '0.21.0');
  assert.match(start?.versions.libtensorflow ?? '', /^2\.\d+/);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /no Keras-like layers or optimizers/);
});

test('tensorflow/rust refuses style idiomatic training the same way, and records the style', (t) => {
  if (rustSkip) return t.skip(rustSkip);
  const run = launch(tensorflowRust, writeRequest(box, 'train-idiomatic', { binding: 'tensorflow/rust', style: 'idiomatic' }));
  assert.equal(run.status, 1);
  const [start] = ofType(run.events, 'start');
  assert.equal(start?.protocol, 2);
  assert.equal(start?.settings?.style, 'idiomatic');
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /tensorflow\/rust cannot train: .*no Keras-like layers or optimizers/);
});

test('a SavedModel from tensorflow/python gives Python\'s correct count and logits in Rust', (t) => {
  if (pythonSkip) return t.skip(pythonSkip);
  const trained = launch(tensorflowPython, writeRequest(box, 'py-train', { binding: 'tensorflow/python', artifacts: ['savedmodel'] }));
  assert.equal(trained.status, 0, trained.stderr.slice(-2000));
  const [savedmodel] = ofType(trained.events, 'artifact');
  assert.equal(savedmodel?.format, 'savedmodel');
  const infer = { mode: 'infer' as const, weights: { format: 'savedmodel' as const, path: savedmodel!.path }, inference: { warmup: 1, repetitions: 2, batch_size: 1000, include_train: false } };
  const reference = launch(tensorflowPython, writeRequest(box, 'py-infer', { ...infer, binding: 'tensorflow/python' }));
  assert.equal(reference.status, 0, reference.stderr.slice(-2000));
  const [expected] = ofType(reference.events, 'inference');
  const run = launch(tensorflowRust, writeRequest(box, 'rust-infer', { ...infer, binding: 'tensorflow/rust' }));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const reps = ofType(run.events, 'inference');
  assert.deepEqual(reps.map((r) => r.repetition), [0, 1]);
  assert.equal(reps[0]?.n, 10000);
  assert.equal(reps[0]?.correct, expected?.correct);
  assert.equal(reps[1]?.logits_sha256, reps[0]?.logits_sha256, 'repetitions give the same logits');
  const diff = maxAbsDifference(readLogits(reps[0]!.logits_path!), readLogits(expected!.logits_path!));
  assert.ok(diff < 1e-4, `logits differ from Python's by up to ${diff}`);
});
