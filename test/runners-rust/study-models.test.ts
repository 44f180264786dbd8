/**
 * VGG-16, LSTM and GRU in the Rust runners, on the real data caches (CIFAR-10, IMDB token ids), against the
 * Python runners: models Python trained briefly give Python's correct counts and logits in Rust (safetensors and
 * TorchScript in pytorch/rust, SavedModel in tensorflow/rust), pytorch/rust trains each model a few steps from
 * shared initial weights, and what it writes gives the same predictions in Python. Subsets keep it short (PyTorch's
 * CPU LSTM backward over 300 steps is slow). Each test skips with the reason when a runner is missing.
 */
import { datasetTools } from '../../src/bindings/index.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { pytorchPython } from '../../src/bindings/pytorch-python.js';
import { pythonEnv } from '../../src/bindings/python-env.js';
import { pytorchRust } from '../../src/bindings/pytorch-rust.js';
import { tensorflowPython } from '../../src/bindings/tensorflow-python.js';
import { tensorflowRust } from '../../src/bindings/tensorflow-rust.js';
import { prepareDataset, type PreparedDataset } from '../../src/data/cache.js';
import { resolveHome } from '../../src/base/home.js';
import type { RunnerRequest } from '../../src/protocol/request.js';
import { prepareSharedInit } from '../../src/weights/shared-init.js';
import type { ModelSpec } from '../../src/zoo/model-spec.js';
import { bertMinilm, gru, gruResetBefore, lstm, vgg16 } from '../../src/zoo/models.js';
import { launch, makeSandbox, maxAbsDifference, ofType, pythonRunnerMissing, readLogits, writeRequest, type RunOutcome, type Sandbox } from './rust-harness.js';

/** Examples trained on (two optimiser steps) and evaluated on. */
const TRAIN_LIMIT = 32;
const TEST_LIMIT = 100;
/** Same libtorch / libtensorflow kernels on both sides; the bound leaves room for a different op order only. */
const LOGIT_TOLERANCE = 1e-4;

let box: Sandbox;
const skips: Record<string, string | null> = {};
const datasets: Record<string, PreparedDataset> = {};

before(async () => {
  for (const [rust, python] of [[pytorchRust, pytorchPython], [tensorflowRust, tensorflowPython]] as const) {
    const probe = await rust.probe(resolveHome());
    skips[rust.id] = probe.installed ? await pythonRunnerMissing(python) : `${rust.id} is not installed: ${probe.detail}`;
  }
  if (Object.values(skips).some((s) => s === null)) {
    box = makeSandbox('bindbench-rust-study-');
    // The project's own caches (prepared once, verified by checksum), as a campaign would use them.
    for (const id of ['cifar10', 'imdb']) datasets[id] = prepareDataset(resolveHome(), id);
  }
});

after(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

function hyper(model: ModelSpec): RunnerRequest['hyper'] {
  return model.output === 'sigmoid'
    ? { epochs: 1, batch_size: 16, optimizer: { name: 'adam', learning_rate: 1e-3 }, loss: 'binary_crossentropy' }
    : { epochs: 1, batch_size: 16, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' };
}

function request(model: ModelSpec, binding: BindingDescriptor, overrides: Partial<RunnerRequest>): Partial<RunnerRequest> {
  const data = datasets[model.dataset]!;
  return {
    binding: binding.id,
    model,
    hyper: hyper(model),
    data: { id: data.id, train: { path: data.train.path, sha256: data.train.sha256 }, test: { path: data.test.path, sha256: data.test.sha256 }, train_limit: TRAIN_LIMIT, test_limit: TEST_LIMIT },
    inference: { warmup: 0, repetitions: 1, batch_size: 50, include_train: false },
    ...overrides,
  };
}

function ok(run: RunOutcome, what: string): RunOutcome {
  const error = ofType(run.events, 'error')[0];
  assert.equal(run.status, 0, `${what}: ${error?.kind} ${error?.message ?? ''}\n${run.stderr.slice(-1500)}`);
  return run;
}

function artifacts(run: RunOutcome): Record<string, string> {
  return Object.fromEntries(ofType(run.events, 'artifact').map((a) => [a.format, a.path]));
}

/** Runs inference in `binding` on `weights` and returns the test pass (counts over the first TEST_LIMIT examples). */
function infer(model: ModelSpec, binding: BindingDescriptor, name: string, weights: RunnerRequest['weights']) {
  const run = ok(launch(binding, writeRequest(box, name, request(model, binding, { mode: 'infer', weights }))), name);
  const [pass] = ofType(run.events, 'inference');
  assert.ok(pass, `${name}: no inference event`);
  assert.equal(pass.n, TEST_LIMIT, `${name}: test_limit`);
  return { correct: pass.correct, logits: readLogits(pass.logits_path!) };
}

function assertSame(expected: ReturnType<typeof infer>, got: ReturnType<typeof infer>, what: string): number {
  assert.equal(got.logits.length, TEST_LIMIT * (expected.logits.length / TEST_LIMIT), `${what}: logits per example`);
  const diff = maxAbsDifference(got.logits, expected.logits);
  assert.ok(diff < LOGIT_TOLERANCE, `${what}: logits differ by up to ${diff}`);
  assert.equal(got.correct, expected.correct, `${what}: correct count`);
  return diff;
}

for (const model of [vgg16, lstm, gru]) {
  test(`pytorch/rust runs ${model.title} trained by pytorch/python (safetensors and TorchScript) as Python does`, (t) => {
    const skip = skips[pytorchRust.id];
    if (skip) return t.skip(skip);
    const trained = ok(launch(pytorchPython, writeRequest(box, `${model.id}-py-train`, request(model, pytorchPython, { artifacts: ['safetensors', 'torchscript'] }))), 'python training');
    const files = artifacts(trained);
    const expected = infer(model, pytorchPython, `${model.id}-py-infer`, { format: 'safetensors', path: files.safetensors! });
    assert.equal(expected.logits.length, TEST_LIMIT * (model.output === 'sigmoid' ? 1 : 10));
    for (const format of ['safetensors', 'torchscript'] as const) {
      const got = infer(model, pytorchRust, `${model.id}-rust-infer-${format}`, { format, path: files[format]! });
      const diff = assertSame(expected, got, `${model.id} ${format}`);
      t.diagnostic(`${model.id} ${format}: ${got.correct}/${TEST_LIMIT} correct in both, max logit difference ${diff}`);
    }
  });

  test(`pytorch/rust trains ${model.title} from shared init and writes canonical weights Python reads the same way`, (t) => {
    const skip = skips[pytorchRust.id];
    if (skip) return t.skip(skip);
    const init = prepareSharedInit(box.home, model, 1);
    const run = ok(launch(pytorchRust, writeRequest(box, `${model.id}-rust-train`, request(model, pytorchRust, { init: 'shared', init_weights: init, artifacts: ['safetensors'], record_step_losses: 2 }))), 'rust training');
    const steps = ofType(run.events, 'step');
    assert.equal(steps.length, 2);
    const [epoch] = ofType(run.events, 'epoch');
    assert.ok(epoch && Number.isFinite(epoch.loss), 'one epoch with a finite loss');
    t.diagnostic(`${model.id}: 2 steps of ${hyper(model).batch_size} in ${epoch!.train_seconds.toFixed(2)} s, losses ${steps.map((s) => s.loss.toFixed(4)).join(', ')}, test accuracy ${epoch!.test_accuracy} on ${TEST_LIMIT}`);
    const weights = { format: 'safetensors' as const, path: artifacts(run).safetensors! };
    const rust = infer(model, pytorchRust, `${model.id}-rust-own`, weights);
    assert.equal(rust.correct, Math.round(epoch!.test_accuracy! * TEST_LIMIT), 'the written weights are the trained ones');
    assertSame(rust, infer(model, pytorchPython, `${model.id}-py-reads-rust`, weights), `${model.id}: Python on Rust's weights`);
  });
}

test('pytorch/rust refuses GRU reset_after=false as not_supported, with the reason', (t) => {
  const skip = skips[pytorchRust.id];
  if (skip) return t.skip(skip);
  const run = launch(pytorchRust, writeRequest(box, 'grurb-rust', request(gruResetBefore, pytorchRust, {})));
  assert.equal(run.status, 1);
  const [error] = ofType(run.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /only the reset_after=true form/);
  assert.equal(pytorchRust.capabilities.missingModels?.['gru-reset-before']?.includes('only the reset_after=true form'), true);
});

for (const model of [vgg16, lstm, gru, gruResetBefore]) {
  test(`tensorflow/rust runs the SavedModel of ${model.title} from tensorflow/python as Python does`, (t) => {
    const skip = skips[tensorflowRust.id];
    if (skip) return t.skip(skip);
    const trained = ok(launch(tensorflowPython, writeRequest(box, `${model.id}-tf-train`, request(model, tensorflowPython, { artifacts: ['savedmodel'] }))), 'tensorflow/python training');
    const weights = { format: 'savedmodel' as const, path: artifacts(trained).savedmodel! };
    const expected = infer(model, tensorflowPython, `${model.id}-tf-py-infer`, weights);
    const got = infer(model, tensorflowRust, `${model.id}-tf-rust-infer`, weights);
    const diff = assertSame(expected, got, `${model.id} savedmodel`);
    t.diagnostic(`${model.id} savedmodel: ${got.correct}/${TEST_LIMIT} correct in both, max logit difference ${diff}`);
  });
}

test('pytorch/rust runs a BERT TorchScript from pytorch/python (int64 token ids) as Python does', async (t) => {
  const skip = skips[pytorchRust.id];
  if (skip) return t.skip(skip);
  // The BERT model and its data are added to the zoo separately; this checks the generic TorchScript path.
  const { models } = await import('../../src/zoo/models.js');
  const bert = models['bert-minilm'];
  if (!bert) return t.skip('the zoo has no bert-minilm');
  datasets[bert.dataset] ??= prepareDataset(resolveHome(), bert.dataset, { tools: datasetTools() });
  const trained = ok(launch(pytorchPython, writeRequest(box, 'bert-py-train', request(bert, pytorchPython, { artifacts: ['torchscript'] }))), 'python training');
  const weights = { format: 'torchscript' as const, path: artifacts(trained).torchscript! };
  const expected = infer(bert, pytorchPython, 'bert-py-infer', weights);
  const got = infer(bert, pytorchRust, 'bert-rust-infer', weights);
  const diff = assertSame(expected, got, 'bert-minilm torchscript');
  t.diagnostic(`bert-minilm torchscript: ${got.correct}/${TEST_LIMIT} correct in both, max logit difference ${diff}`);
});

test("tensorflow/rust runs pytorch/python's BERT weights as the Keras SavedModel tensorflow/python converts them to, with PyTorch's predictions", async (t) => {
  const skip = skips[tensorflowRust.id] ?? (await pythonRunnerMissing(pytorchPython));
  if (skip) return t.skip(skip);
  // What a campaign's convert cell does with the fine-tuned BERT; seeded canonical weights stand in for the
  // fine-tuning (a campaign check, not this one's), so the test needs no training.
  datasets[bertMinilm.dataset] ??= prepareDataset(resolveHome(), bertMinilm.dataset, { tools: datasetTools() });
  const weights = { format: 'safetensors' as const, path: prepareSharedInit(box.home, bertMinilm, 7).path };
  const expected = infer(bertMinilm, pytorchPython, 'bert-torch-states', weights);
  const converted = ok(launch(tensorflowPython, writeRequest(box, 'bert-tf-convert', request(bertMinilm, tensorflowPython, { mode: 'export', artifacts: ['savedmodel'], weights }))), 'tensorflow/python conversion');
  const got = infer(bertMinilm, tensorflowRust, 'bert-tf-rust', { format: 'savedmodel', path: artifacts(converted).savedmodel! });
  const diff = assertSame(expected, got, 'bert-minilm pytorch/python states vs tensorflow/rust savedmodel');
  t.diagnostic(`bert-minilm: ${got.correct}/${TEST_LIMIT} correct in both, max logit difference ${diff}`);
});

/** Whether libtorch sees a CUDA device, asked of the pytorch environment's torch (the libtorch tch links too). */
function cudaAvailable(): boolean {
  const out = spawnSync(pythonEnv(resolveHome(), 'pytorch').python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8', timeout: 120_000 });
  return out.status === 0 && out.stdout.trim() === 'True';
}

for (const binding of [pytorchPython, pytorchRust]) {
  // Selection logic: without a GPU a cuda cell must end as not_supported with the check that failed, never run on the CPU.
  test(`${binding.id} refuses a cuda cell of VGG-16 and LSTM as not_supported when no GPU is visible`, async (t) => {
    const skip = skips[pytorchRust.id] ?? (await pythonRunnerMissing(pytorchPython));
    if (skip) return t.skip(skip);
    if (cudaAvailable()) return t.skip('this machine has a CUDA GPU: the next test runs the models on it');
    for (const model of [vgg16, lstm]) {
      const run = launch(binding, writeRequest(box, `${model.id}-${binding.id.replace('/', '-')}-cuda-refused`, request(model, binding, { device: 'cuda' })));
      assert.equal(run.status, 1, `${model.id}: exit status`);
      const [error] = ofType(run.events, 'error');
      assert.equal(error?.kind, 'not_supported', `${model.id}: ${error?.message}`);
      assert.match(error?.message ?? '', /cuda/i);
      assert.equal(ofType(run.events, 'epoch').length, 0, `${model.id}: nothing ran on the CPU instead`);
    }
  });

  // The CUDA path end to end; timings for the note come from `scripts/bench-bindings.mjs --devices cuda`.
  test(`${binding.id} trains one epoch of VGG-16 and of LSTM on the GPU`, async (t) => {
    const skip = skips[pytorchRust.id] ?? (await pythonRunnerMissing(pytorchPython));
    if (skip) return t.skip(skip);
    if (!cudaAvailable()) return t.skip('no CUDA GPU on this machine (torch.cuda.is_available() is False in the pytorch environment)');
    for (const model of [vgg16, lstm]) {
      const run = ok(launch(binding, writeRequest(box, `${model.id}-${binding.id.replace('/', '-')}-cuda`, request(model, binding, { device: 'cuda' }))), `${model.id} on cuda`);
      const [start] = ofType(run.events, 'start');
      assert.equal(start?.device.kind, 'cuda');
      const [epoch] = ofType(run.events, 'epoch');
      assert.ok(epoch && Number.isFinite(epoch.loss) && epoch.train_seconds > 0, `${model.id}: one epoch with a finite loss`);
      t.diagnostic(`${binding.id} ${model.id} on ${start!.device.name}: ${epoch!.train_seconds.toFixed(3)} s for ${TRAIN_LIMIT} examples`);
    }
  });
}
