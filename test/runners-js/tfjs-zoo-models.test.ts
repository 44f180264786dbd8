/**
 * VGG-16, LSTM and the GRUs in the JavaScript runners (runners/js), driven as the orchestrator drives them:
 * - parameter counts of the native tfjs models under both TensorFlow.js backends equal the zoo's;
 * - `gru` (reset_after=true) is refused by tfjs, in the descriptor, the planner and the runner alike;
 * - a tiny real training run per model in tfjs-node (two optimiser steps on a few real CIFAR-10 / IMDB examples);
 * - cross-binding: the canonical safetensors and model.onnx the Python Keras runner writes after a tiny training
 *   run give the Python runner's logits in tfjs-node, tfjs-backend-wasm and onnxruntime-node.
 * Tiny on purpose (8-example batches, 16-32 test examples): the point is layouts and plumbing, not accuracy.
 * Each test skips with the probe's reason where a binding it needs is not installed.
 */
import { datasetTools } from '../../src/bindings/index.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareDataset, type PreparedDataset } from '../../src/data/cache.js';
import { prepareSharedOrder } from '../../src/data/shared-order.js';
import { resolveHome, type Home } from '../../src/base/home.js';
import { prepareSharedInit } from '../../src/weights/shared-init.js';
import { models } from '../../src/zoo/models.js';
import type { ModelSpec } from '../../src/zoo/model-spec.js';
import { canonicalParameters, parameterCount, trainableParameterCount } from '../../src/zoo/parameters.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { parseEvents } from '../../src/protocol/read-events.js';
import type { RunnerEvent } from '../../src/protocol/events.js';
import type { RunnerRequest } from '../../src/protocol/request.js';
import { tensorflowJs } from '../../src/bindings/tensorflow-js.js';
import { tensorflowJsWasm } from '../../src/bindings/tensorflow-js-wasm.js';
import { onnxruntimeJs } from '../../src/bindings/onnxruntime-js.js';
import { tensorflowPython } from '../../src/bindings/tensorflow-python.js';
import { pytorchPython } from '../../src/bindings/pytorch-python.js';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { runnerDir } from '../../src/bindings/tfjs-node-build.js';
import { planCampaign } from '../../src/campaign/plan.js';
import { resolveSpec } from '../../src/campaign/spec.js';

const SEED = 287426343;
const TRAIN_LIMIT = 16;
const TEST_LIMIT = 32;
const NEW_MODELS = ['vgg16', 'lstm', 'gru-reset-before'] as const;

let root: string;
let home: Home;
const skips: Record<string, string | null> = {};
const data: Record<string, PreparedDataset> = {};

before(async () => {
  const project = resolveHome();
  for (const b of [tensorflowJs, tensorflowJsWasm, onnxruntimeJs, tensorflowPython]) {
    const probe = await b.probe(project);
    skips[b.id] = probe.installed ? null : `${b.id} is not installed: ${probe.detail}`;
  }
  root = mkdtempSync(join(tmpdir(), 'bindbench-tfjs-zoo-'));
  home = resolveHome(join(root, 'home'));
  mkdirSync(home.root, { recursive: true });
  // The Python runner is launched from <home>/envs; the data cache and weights stay in the sandbox.
  if (existsSync(project.envs)) symlinkSync(project.envs, home.envs);
});

after(() => rmSync(root, { recursive: true, force: true }));

function dataset(id: string): PreparedDataset {
  data[id] ??= prepareDataset(home, id);
  return data[id]!;
}

function skipFor(...bindings: BindingDescriptor[]): string | null {
  for (const b of bindings) if (skips[b.id]) return skips[b.id]!;
  return null;
}

/** Hyper-parameters of the quick-all preset's models, with batches of 8. */
function hyper(model: ModelSpec): RunnerRequest['hyper'] {
  return model.output === 'sigmoid'
    ? { epochs: 1, batch_size: 8, optimizer: { name: 'adam', learning_rate: 3e-4 }, loss: 'binary_crossentropy' }
    : { epochs: 1, batch_size: 8, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' };
}

function request(name: string, model: ModelSpec, overrides: Partial<RunnerRequest>): string {
  const outputDir = join(root, name);
  mkdirSync(outputDir, { recursive: true });
  const d = dataset(model.dataset);
  const req: RunnerRequest = {
    protocol: PROTOCOL_VERSION,
    run_id: name,
    binding: 'tensorflow/js',
    mode: 'train',
    model,
    hyper: hyper(model),
    data: { id: model.dataset, train: { path: d.train.path, sha256: d.train.sha256 }, test: { path: d.test.path, sha256: d.test.sha256 }, train_limit: TRAIN_LIMIT, test_limit: TEST_LIMIT },
    seed: SEED,
    device: 'cpu',
    data_order: 'shared',
    style: 'minimal',
    order: prepareSharedOrder(home, SEED, TRAIN_LIMIT, 1),
    init: 'shared',
    init_weights: prepareSharedInit(home, model, SEED),
    output_dir: outputDir,
    artifacts: [],
    weights: null,
    inference: { warmup: 0, repetitions: 2, batch_size: 16, include_train: false },
    record_step_losses: 2,
    ...overrides,
  };
  const path = join(outputDir, 'request.json');
  writeFileSync(path, JSON.stringify(req));
  return path;
}

function run(binding: BindingDescriptor, requestPath: string): { status: number | null; events: RunnerEvent[]; stderr: string } {
  const launch = binding.launch(home, requestPath);
  const out = spawnSync(launch.command, launch.args, { env: { ...process.env, ...launch.env }, encoding: 'utf8', timeout: 900_000 });
  return { status: out.status, events: parseEvents(out.stdout ?? ''), stderr: out.stderr ?? '' };
}

function ofType<T extends RunnerEvent['type']>(events: RunnerEvent[], type: T): Extract<RunnerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunnerEvent, { type: T }> => e.type === type);
}

/** Tensors of a safetensors file, read directly so the check depends on no reader under test. */
function readTensors(path: string): Record<string, { dtype: string; shape: number[]; data: Float32Array }> {
  const file = readFileSync(path);
  const headerLen = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out: Record<string, { dtype: string; shape: number[]; data: Float32Array }> = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const bytes = new Uint8Array(file.subarray(8 + headerLen + e.data_offsets[0], 8 + headerLen + e.data_offsets[1]));
    out[name] = { dtype: e.dtype, shape: e.shape, data: new Float32Array(bytes.buffer, 0, bytes.length / 4) };
  }
  return out;
}

/** The test split's logits an inference run wrote, checked to be [TEST_LIMIT, width]. */
function testLogits(events: RunnerEvent[], width: number): Float32Array {
  const first = ofType(events, 'inference').find((e) => e.split === 'test' && e.logits_path);
  assert.ok(first, 'an inference event with a logits file');
  const logits = readTensors(first.logits_path!).logits!;
  assert.deepEqual(logits.shape, [TEST_LIMIT, width]);
  return logits.data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/**
 * Checks a target's inference run against the source's on the same weights: logits within `relative` of the
 * largest source logit (at least of 1: float32 rounding grows with the magnitude, and VGG's logits reach tens after
 * one large SGD step), and the same correct count unless some logit lies within the tolerance of the boundary.
 */
function assertSameInference(what: string, source: RunnerEvent[], target: RunnerEvent[], width: number, relative: number): number {
  const a = testLogits(source, width);
  const b = testLogits(target, width);
  const diff = maxDiff(a, b);
  const tolerance = relative * Math.max(1, ...Array.from(a, Math.abs));
  assert.ok(diff <= tolerance, `${what}: largest logit difference ${diff} exceeds ${tolerance}`);
  const [s] = ofType(source, 'inference');
  const [t] = ofType(target, 'inference');
  assert.equal(t!.n, TEST_LIMIT, `${what}: test_limit honoured`);
  const nearBoundary = width === 1 && Array.from(a).some((v) => Math.abs(v) <= tolerance);
  if (!nearBoundary) assert.equal(t!.correct, s!.correct, `${what}: correct counts`);
  return diff;
}

/** Builds each model under a tfjs backend inside the runner package and reports tfjs's own parameter counts. */
function nativeCounts(binding: string, ids: string[]): Record<string, { total: number; nonTrainable: number } | { refused: string }> {
  const url = (file: string) => pathToFileURL(join(runnerDir, 'dist', file)).href;
  const script = `
    const { loadBackend } = await import(${JSON.stringify(url('backend.js'))});
    const { buildModel } = await import(${JSON.stringify(url('model.js'))});
    const specs = JSON.parse(process.argv[1]);
    const { tf } = await loadBackend(${JSON.stringify(binding)});
    const out = {};
    for (const spec of specs) {
      try {
        const m = buildModel(tf, spec, 1, 'overwritten');
        const nonTrainable = m.nonTrainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
        out[spec.id] = { total: m.countParams(), nonTrainable };
        m.dispose();
      } catch (err) {
        out[spec.id] = { refused: err.kind + ': ' + err.message };
      }
    }
    process.stdout.write('\\n' + JSON.stringify(out) + '\\n');`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(ids.map((id) => models[id]))], { cwd: runnerDir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(out.status, 0, out.stderr.slice(-2000));
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

for (const binding of [tensorflowJs, tensorflowJsWasm]) {
  test(`${binding.id}: native tfjs models have the zoo's parameter counts; gru is refused`, (t) => {
    const skip = skipFor(binding);
    if (skip) return t.skip(skip);
    const counts = nativeCounts(binding.id, ['lenet1', 'lenet5', ...NEW_MODELS, 'gru']);
    for (const id of ['lenet1', 'lenet5', ...NEW_MODELS]) {
      const model = models[id]!;
      assert.deepEqual(counts[id], { total: parameterCount(model), nonTrainable: parameterCount(model) - trainableParameterCount(model) }, id);
    }
    assert.deepEqual(counts.vgg16, { total: 33_650_890, nonTrainable: 8_448 });
    assert.deepEqual(counts.lstm, { total: 4_665_537, nonTrainable: 0 });
    assert.deepEqual(counts['gru-reset-before'], { total: 4_249_281, nonTrainable: 0 });
    assert.match((counts.gru as { refused: string }).refused, /^not_supported: .*reset_after=true/);
  });
}

test('gru (reset_after=true) is not supported in TensorFlow.js: descriptor, planner and runner say why', (t) => {
  for (const b of [tensorflowJs, tensorflowJsWasm]) {
    assert.ok(!b.capabilities.models.includes('gru'), b.id);
    assert.match(b.capabilities.missingModels?.gru ?? '', /reset_after/, b.id);
    for (const id of NEW_MODELS) assert.ok(b.capabilities.models.includes(id), `${b.id} lists ${id}`);
  }
  const list = [tensorflowPython, tensorflowJs];
  const spec = resolveSpec({ preset: 'quick-all', models: ['gru', 'gru-reset-before'], seeds: [1], experiments: ['train'] }, list.map((b) => b.id));
  const cells = planCampaign(spec, list, new Set(list.map((b) => b.id))).filter((c) => c.binding === 'tensorflow/js');
  assert.deepEqual(cells.map((c) => `${c.model} ${c.skip?.status ?? 'run'}`), ['gru not_supported', 'gru-reset-before run']);
  assert.equal(cells[0]!.skip!.reason, tensorflowJs.capabilities.missingModels!.gru);

  const skip = skipFor(tensorflowJs);
  if (skip) return t.skip(skip);
  const refused = run(tensorflowJs, request('node-gru', models.gru!, { init: 'native', init_weights: null }));
  assert.equal(refused.status, 1);
  const [error] = ofType(refused.events, 'error');
  assert.equal(error?.kind, 'not_supported');
  assert.match(error?.message ?? '', /GRUCell does not support reset_after/);
});

/** The logits-file events of tfjs-node runs from its own training, per model, for the wasm comparison. */
const trainedByNode: Record<string, string> = {};

for (const id of NEW_MODELS) {
  test(`tfjs-node trains ${id} for two steps on real ${models[id]!.dataset} data and writes canonical weights`, (t) => {
    const skip = skipFor(tensorflowJs);
    if (skip) return t.skip(skip);
    const model = models[id]!;
    const binary = model.output === 'sigmoid';
    // gru-reset-before starts from tfjs's own initialisers, the others from the shared canonical ones.
    const native = id === 'gru-reset-before';
    const r = run(tensorflowJs, request(`node-train-${id}`, model, { artifacts: ['safetensors', 'tfjs-layers'], ...(native ? { init: 'native', init_weights: null, data_order: 'native', order: null } : {}) }));
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const steps = ofType(r.events, 'step');
    assert.deepEqual(steps.map((s) => s.step), [0, 1]);
    // Near-zero initial logits give ln 2 for one sigmoid output; ten softmax logits start near ln 10.
    if (binary) for (const s of steps) assert.ok(Math.abs(s.loss - Math.log(2)) < 0.1, `${id} step ${s.step} loss ${s.loss}`);
    else {
      // Shared Glorot init through batch norms and two 4096-unit ReLU layers starts a little above ln 10 (2.59 seen);
      // one SGD 0.05 step on 8 images may then overshoot, so later losses are only required to be finite.
      assert.ok(steps[0]!.loss > 1.5 && steps[0]!.loss < 4, `${id} first loss ${steps[0]!.loss}`);
      assert.ok(steps.every((s) => Number.isFinite(s.loss)), `${id} losses ${steps.map((s) => s.loss)}`);
    }
    const [epoch] = ofType(r.events, 'epoch');
    assert.ok(epoch, 'one epoch event');
    // test_accuracy is a count over TEST_LIMIT examples, train_accuracy over TRAIN_LIMIT.
    assert.ok(Number.isInteger(Math.round(epoch.test_accuracy! * TEST_LIMIT * 1e6) / 1e6), `test accuracy ${epoch.test_accuracy} is k/${TEST_LIMIT}`);
    assert.ok(Number.isInteger(Math.round(epoch.train_accuracy * TRAIN_LIMIT * 1e6) / 1e6), `train accuracy ${epoch.train_accuracy} is k/${TRAIN_LIMIT}`);
    assert.ok(epoch.train_seconds > 0 && epoch.eval_seconds > 0);
    t.diagnostic(`${id}: losses ${steps.map((s) => s.loss.toFixed(4)).join(', ')}, train accuracy ${epoch.train_accuracy}, test accuracy ${epoch.test_accuracy}, ${epoch.train_seconds.toFixed(1)} s training, ${epoch.eval_seconds.toFixed(1)} s evaluation`);
    const artifacts = ofType(r.events, 'artifact');
    assert.deepEqual(artifacts.map((a) => a.format), ['safetensors', 'tfjs-layers']);
    const weights = readTensors(artifacts[0]!.path);
    const expected = canonicalParameters(model);
    assert.deepEqual(Object.keys(weights).sort(), expected.map((p) => p.name).sort());
    for (const p of expected) assert.deepEqual(weights[p.name]!.shape, p.shape, p.name);
    if (id === 'vgg16') {
      // Training batches moved the moving statistics off their initial 0 and 1: the batch norms ran in training mode.
      assert.ok(weights['bn1.moving_mean']!.data.some((v) => v !== 0), 'bn1.moving_mean was updated');
      assert.ok(weights['bn13.moving_variance']!.data.some((v) => v !== 1), 'bn13.moving_variance was updated');
    }
    if (id === 'gru-reset-before') assert.ok(weights['gru.recurrent_kernel']!.data.some((v) => v !== 0), 'native init drew the recurrent kernel');
    trainedByNode[id] = artifacts[0]!.path;

    // The same weights as tfjs-layers files give bit-identical logits; inference runs with dropout off.
    const width = binary ? 1 : model.classes;
    const fromSafetensors = run(tensorflowJs, request(`node-infer-st-${id}`, model, { mode: 'infer', weights: { format: 'safetensors', path: artifacts[0]!.path } }));
    const fromLayers = run(tensorflowJs, request(`node-infer-layers-${id}`, model, { mode: 'infer', weights: { format: 'tfjs-layers', path: artifacts[1]!.path } }));
    for (const x of [fromSafetensors, fromLayers]) assert.equal(x.status, 0, x.stderr.slice(-3000));
    const [a, b] = [fromSafetensors, fromLayers].map((x) => ofType(x.events, 'inference'));
    assert.equal(a![0]!.logits_sha256, a![1]!.logits_sha256, 'repetitions give the same logits (no dropout at inference)');
    assert.equal(a![0]!.logits_sha256, b![0]!.logits_sha256, 'safetensors and tfjs-layers give the same logits');
    assert.equal(a![0]!.correct, b![0]!.correct);
    testLogits(fromSafetensors.events, width);
  });
}

/**
 * Python Keras trains a model for two steps and writes canonical safetensors, ONNX, a SavedModel and (where tfjs has
 * the layers) the TensorFlow.js Layers format; then infers from the safetensors.
 */
function kerasReference(id: string): { weights: string; onnx: string; savedmodel: string; tfjsLayers: string | null; infer: RunnerEvent[] } {
  const model = models[id]!;
  const layers = id === 'gru' ? [] : (['tfjs-layers'] as const);
  const trained = run(tensorflowPython, request(`keras-train-${id}`, model, { binding: 'tensorflow/python', artifacts: ['safetensors', 'onnx', 'savedmodel', ...layers] }));
  assert.equal(trained.status, 0, trained.stderr.slice(-3000));
  const path = (format: string) => ofType(trained.events, 'artifact').find((a) => a.format === format)!.path;
  const inferred = run(tensorflowPython, request(`keras-infer-${id}`, model, { binding: 'tensorflow/python', mode: 'infer', weights: { format: 'safetensors', path: path('safetensors') } }));
  assert.equal(inferred.status, 0, inferred.stderr.slice(-3000));
  return { weights: path('safetensors'), onnx: path('onnx'), savedmodel: path('savedmodel'), tfjsLayers: layers.length ? path('tfjs-layers') : null, infer: inferred.events };
}

for (const id of [...NEW_MODELS, 'gru']) {
  test(`${id} trained by Keras: the JS runners reproduce its logits from canonical safetensors and ONNX`, (t) => {
    const skip = skipFor(tensorflowPython);
    if (skip) return t.skip(skip);
    const model = models[id]!;
    const width = model.output === 'sigmoid' ? 1 : model.classes;
    const ref = kerasReference(id);
    const notes: string[] = [];
    if (id !== 'gru') {
      for (const target of [tensorflowJs, tensorflowJsWasm]) {
        if (skips[target.id]) {
          notes.push(`${target.id} skipped: ${skips[target.id]}`);
          continue;
        }
        const r = run(target, request(`${target.id.replace('/', '-')}-from-keras-${id}`, model, { binding: target.id, mode: 'infer', weights: { format: 'safetensors', path: ref.weights } }));
        assert.equal(r.status, 0, `${target.id}: ${r.stderr.slice(-3000)}`);
        notes.push(`${target.id} max |Δlogit| ${assertSameInference(`${target.id} from Keras ${id}`, ref.infer, r.events, width, 1e-4)}`);
        // The study's serialization load: Keras's model in tfjs's Layers format, rebuilt by tf.loadLayersModel.
        const l = run(target, request(`${target.id.replace('/', '-')}-layers-from-keras-${id}`, model, { binding: target.id, mode: 'infer', weights: { format: 'tfjs-layers', path: ref.tfjsLayers! } }));
        assert.equal(l.status, 0, `${target.id} tfjs-layers: ${l.stderr.slice(-3000)}`);
        notes.push(`${target.id} Layers format max |Δlogit| ${assertSameInference(`${target.id} Layers format of Keras ${id}`, ref.infer, l.events, width, 1e-4)}`);
      }
    }
    if (!skips[tensorflowJs.id]) {
      // tf.node.loadSavedModel runs Keras's own graph in libtensorflow: no tfjs layers involved, so even the
      // reset_after=true GRU that tf.layers cannot build runs this way.
      const r = run(tensorflowJs, request(`node-savedmodel-${id}`, model, { mode: 'infer', weights: { format: 'savedmodel', path: ref.savedmodel } }));
      assert.equal(r.status, 0, `tensorflow/js SavedModel: ${r.stderr.slice(-3000)}`);
      notes.push(`tensorflow/js SavedModel max |Δlogit| ${assertSameInference(`tfjs-node SavedModel of Keras ${id}`, ref.infer, r.events, width, 1e-4)}`);
    }
    if (skips[onnxruntimeJs.id]) notes.push(`onnxruntime/js skipped: ${skips[onnxruntimeJs.id]}`);
    else {
      const r = run(onnxruntimeJs, request(`ort-from-keras-${id}`, model, { binding: 'onnxruntime/js', mode: 'infer', weights: { format: 'onnx', path: ref.onnx }, init: 'native', init_weights: null }));
      assert.equal(r.status, 0, `onnxruntime/js: ${r.stderr.slice(-3000)}`);
      notes.push(`onnxruntime/js max |Δlogit| ${assertSameInference(`onnxruntime/js from Keras ${id}`, ref.infer, r.events, width, 1e-4)}`);
    }
    t.diagnostic(`${id}: ${notes.join('; ')}`);
  });
}

test("BERT in tfjs-node: the Keras SavedModel tensorflow/python converts canonical (PyTorch-side) weights to gives Keras's logits", async (t) => {
  const skip = skipFor(tensorflowPython, tensorflowJs) ?? (await pytorchPython.probe(resolveHome()).then((p) => (p.installed ? null : `pytorch/python is not installed (it tokenises imdb-bert): ${p.detail}`)));
  if (skip) return t.skip(skip);
  const bert = models['bert-minilm']!;
  // Tokenising 50,000 reviews is the project cache's job; the sandbox reads that cache (checksummed) instead.
  data[bert.dataset] ??= prepareDataset(resolveHome(), bert.dataset, { tools: datasetTools() });
  // Seeded canonical weights stand in for pytorch/python's fine-tuned ones: the path is the same, the test needs no training.
  const weights = { format: 'safetensors' as const, path: prepareSharedInit(home, bert, SEED).path };
  const none = { order: null, init: 'native' as const, init_weights: null, binding: 'tensorflow/python' };
  const reference = run(tensorflowPython, request('bert-keras-states', bert, { ...none, mode: 'infer', weights }));
  assert.equal(reference.status, 0, reference.stderr.slice(-3000));
  const converted = run(tensorflowPython, request('bert-keras-convert', bert, { ...none, mode: 'export', artifacts: ['savedmodel'], weights }));
  assert.equal(converted.status, 0, converted.stderr.slice(-3000));
  const savedmodel = ofType(converted.events, 'artifact').find((a) => a.format === 'savedmodel')!.path;
  const r = run(tensorflowJs, request('bert-node-savedmodel', bert, { ...none, binding: 'tensorflow/js', mode: 'infer', weights: { format: 'savedmodel', path: savedmodel } }));
  assert.equal(r.status, 0, `tensorflow/js SavedModel: ${r.stderr.slice(-3000)}`);
  t.diagnostic(`bert-minilm: tensorflow/js SavedModel max |Δlogit| ${assertSameInference('tfjs-node SavedModel of the Keras BERT', reference.events, r.events, 1, 1e-4)}`);
});

test('tfjs-backend-wasm runs the models tfjs-node trained with tfjs-node\'s logits', (t) => {
  const skip = skipFor(tensorflowJs, tensorflowJsWasm);
  if (skip) return t.skip(skip);
  const notes: string[] = [];
  for (const id of NEW_MODELS) {
    const weights = trainedByNode[id];
    if (!weights) {
      notes.push(`${id}: the tfjs-node training test did not produce weights`);
      continue;
    }
    const model = models[id]!;
    const width = model.output === 'sigmoid' ? 1 : model.classes;
    const node = run(tensorflowJs, request(`node-ref-${id}`, model, { mode: 'infer', weights: { format: 'safetensors', path: weights } }));
    const wasm = run(tensorflowJsWasm, request(`wasm-infer-${id}`, model, { binding: 'tensorflow/js-wasm', mode: 'infer', weights: { format: 'safetensors', path: weights } }));
    assert.equal(node.status, 0, node.stderr.slice(-3000));
    assert.equal(wasm.status, 0, wasm.stderr.slice(-3000));
    notes.push(`${id} max |Δlogit| ${assertSameInference(`wasm ${id}`, node.events, wasm.events, width, 1e-4)}`);
  }
  assert.ok(notes.some((n) => n.includes('Δlogit')), notes.join('; '));
  t.diagnostic(notes.join('; '));
});
