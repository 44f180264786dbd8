/**
 * onnxruntime/js end to end. First its refusals, through the runner as the orchestrator launches it (needs only the
 * binding). Then the real tiny campaign of the infer experiment's `onnx` mode through the CLI: LeNet-1 trained one
 * epoch on 2,000 MNIST examples by pytorch/python and tensorflow/python, each `model.onnx` then run in
 * onnxruntime-node.
 * The campaign runs in a temporary state folder whose `envs` links to the project's Python environments. Each test
 * skips with the probe's reason where a binding it needs is not installed. The ONNX backend's helpers and predictor
 * are unit-tested inside the runner package (runners/js/src/test/onnx-backend.test.ts).
 */
import { ResultStore } from '../../src/store/result-store.js';
import { reproductionOf } from '../../src/analysis/index.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planCampaign } from '../../src/campaign/plan.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { onnxruntimeJs } from '../../src/bindings/onnxruntime-js.js';
import { pytorchPython } from '../../src/bindings/pytorch-python.js';
import { tensorflowPython } from '../../src/bindings/tensorflow-python.js';
import { pinnedVersions } from '../../src/bindings/tfjs-node-build.js';
import { packageRoot, resolveHome, type Home } from '../../src/base/home.js';
import type { RunnerEvent } from '../../src/protocol/events.js';
import { parseEvents } from '../../src/protocol/read-events.js';
import type { RunnerRequest } from '../../src/protocol/request.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import type { RunResultFile } from '../../src/store/run-dir.js';
import { lenet1 } from '../../src/zoo/models.js';

const SEED = 287426343;
const TRAIN_LIMIT = 2000;

let root: string;
let home: Home;
let ortSkip: string | null = null;
let campaignSkip: string | null = null;

before(async () => {
  const project = resolveHome();
  const [ort, torch, tf] = await Promise.all([onnxruntimeJs, pytorchPython, tensorflowPython].map((b) => b.probe(project)));
  if (!ort!.installed) ortSkip = `onnxruntime/js is not installed: ${ort!.detail}`;
  campaignSkip = ortSkip ?? (!torch!.installed ? `pytorch/python is not installed: ${torch!.detail}` : !tf!.installed ? `tensorflow/python is not installed: ${tf!.detail}` : null);
  root = mkdtempSync(join(tmpdir(), 'bindbench-onnxruntime-'));
  home = resolveHome(join(root, 'home'));
  mkdirSync(home.root, { recursive: true });
  // The Python runners are launched from <home>/envs; the campaign's store and data cache stay in the sandbox.
  symlinkSync(project.envs, home.envs);
});

after(() => rmSync(root, { recursive: true, force: true }));

function ofType<T extends RunnerEvent['type']>(events: RunnerEvent[], type: T): Extract<RunnerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunnerEvent, { type: T }> => e.type === type);
}

/** A request the runner refuses before reading any file, so the data paths need not exist. */
function launchRefused(name: string, overrides: Partial<RunnerRequest>): { status: number | null; events: RunnerEvent[]; stderr: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const missing = { path: join(dir, 'missing.safetensors'), sha256: '0'.repeat(64) };
  const request: RunnerRequest = {
    protocol: PROTOCOL_VERSION,
    run_id: name,
    binding: 'onnxruntime/js',
    mode: 'infer',
    model: lenet1,
    hyper: { epochs: 1, batch_size: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' },
    data: { id: 'mnist', train: missing, test: missing, train_limit: TRAIN_LIMIT },
    seed: 1,
    device: 'cpu',
    data_order: 'shared',
    style: 'minimal',
    order: null,
    init: 'native',
    init_weights: null,
    output_dir: dir,
    artifacts: [],
    weights: { format: 'onnx', path: join(dir, 'model.onnx') },
    inference: { warmup: 1, repetitions: 2, batch_size: 128, include_train: true },
    record_step_losses: 0,
    ...overrides,
  };
  const path = join(dir, 'request.json');
  writeFileSync(path, JSON.stringify(request));
  const launch = onnxruntimeJs.launch(home, path);
  const out = spawnSync(launch.command, launch.args, { env: { ...process.env, ...launch.env }, encoding: 'utf8', timeout: 120_000 });
  return { status: out.status, events: parseEvents(out.stdout), stderr: out.stderr };
}

test('the descriptor pins onnxruntime-node exactly, and the planner gives it every onnx cell and nothing else', () => {
  assert.match(pinnedVersions()['onnxruntime-node'] ?? '', /^\d+\.\d+\.\d+$/);
  const list = [pytorchPython, tensorflowPython, onnxruntimeJs];
  const spec = resolveSpec({ models: ['lenet1', 'lenet5'], seeds: [1], experiments: ['train', 'infer'] }, list.map((b) => b.id));
  const cells = planCampaign(spec, list, new Set(list.map((b) => b.id))).filter((c) => c.binding === 'onnxruntime/js');
  assert.deepEqual(
    cells.map((c) => `${c.model} ${c.mode} ${c.source?.binding ?? '-'} ${c.source?.loadMode ?? '-'} ${c.source?.format ?? '-'} ${c.skip?.status ?? 'run'}`),
    [
      'lenet1 train - - - not_supported',
      'lenet5 train - - - not_supported',
      'lenet1 infer pytorch/python onnx onnx run',
      'lenet1 infer tensorflow/python onnx onnx run',
      'lenet5 infer pytorch/python onnx onnx run',
      'lenet5 infer tensorflow/python onnx onnx run',
    ],
  );
  assert.match(cells[0]!.skip!.reason, /no training API/);
});

test('the ONNX runner starts as framework onnx with the pinned onnxruntime-node, and refuses what it cannot do', (t) => {
  if (ortSkip) return t.skip(ortSkip);
  const cases: Array<[string, Partial<RunnerRequest>, RegExp]> = [
    ['train', { mode: 'train', weights: null, data_order: 'native' }, /onnxruntime\/js cannot train: onnxruntime-node exposes inference sessions only/],
    ['cuda', { device: 'cuda' }, /CPU execution provider only/],
    ['export', { mode: 'export', artifacts: ['safetensors'] }, /cannot export/],
    ['safetensors', { weights: { format: 'safetensors', path: join(root, 'model.safetensors') } }, /loads ONNX models only \(model\.onnx\), not safetensors/],
  ];
  for (const [name, overrides, message] of cases) {
    const run = launchRefused(name, overrides);
    assert.equal(run.status, 1, `${name}: ${run.stderr.slice(-1000)}`);
    const [start] = ofType(run.events, 'start');
    assert.equal(start?.framework, 'onnx', name);
    assert.equal(start?.language, 'javascript', name);
    assert.equal(start?.versions['onnxruntime-node'], pinnedVersions()['onnxruntime-node'], name);
    assert.equal(start?.settings?.execution_provider, 'cpu', name);
    const [error] = ofType(run.events, 'error');
    assert.equal(error?.kind, 'not_supported', name);
    assert.match(error?.message ?? '', message);
    assert.equal(ofType(run.events, 'inference').length, 0, name);
  }
});

test('a tiny onnx campaign: onnxruntime/js reproduces the correct counts of the models pytorch/python and tensorflow/python export', (t) => {
  if (campaignSkip) return t.skip(campaignSkip);
  const args = ['--home', home.root, 'run', '--name', 'onnx-check', '--models', 'lenet1', '--bindings', 'pytorch/python,tensorflow/python,onnxruntime/js'];
  args.push('--seeds', String(SEED), '--epochs', '1', '--train-limit', String(TRAIN_LIMIT), '--experiments', 'train,infer', '--infer-modes', 'onnx', '--json');
  const cli = spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), ...args], { encoding: 'utf8', timeout: 900_000 });
  assert.equal(cli.status, 0, cli.stderr.slice(-3000));
  const { results } = JSON.parse(cli.stdout) as { results: RunResultFile[] };
  const find = (binding: string, source: string | null) => {
    const r = results.find((x) => x.cell.binding === binding && (x.cell.source?.binding ?? null) === source);
    assert.ok(r, `no result for ${binding} from ${source}`);
    return r;
  };
  const eventsOf = (r: RunResultFile): RunnerEvent[] => parseEvents(readFileSync(join(home.store, 'runs', 'onnx-check', r.cell.key, 'events.jsonl'), 'utf8'));
  const logitsOf = (r: RunResultFile): Float32Array => {
    const path = ofType(eventsOf(r), 'inference').find((e) => e.split === 'test' && e.logits_path)!.logits_path!;
    const file = readFileSync(path);
    const headerLen = Number(file.readBigUInt64LE(0));
    const entry = (JSON.parse(file.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { data_offsets: [number, number] }>).logits!;
    const bytes = new Uint8Array(file.subarray(8 + headerLen + entry.data_offsets[0], 8 + headerLen + entry.data_offsets[1]));
    return new Float32Array(bytes.buffer, 0, bytes.length / 4);
  };

  const verdicts = new Map(ResultStore.with(home.store, (store) => store.runs('onnx-check')).map((r) => [r.id, reproductionOf(r)]));
  const ortTrain = find('onnxruntime/js', null);
  assert.equal(ortTrain.status, 'not_supported');
  assert.equal(ortTrain.reason, (onnxruntimeJs.capabilities.train as { reason: string }).reason);

  for (const source of ['pytorch/python', 'tensorflow/python']) {
    const trained = find(source, null);
    assert.equal(trained.status, 'ok', `${source} training: ${trained.reason}`);
    const cell = find('onnxruntime/js', source);
    assert.equal(cell.status, 'ok', `onnxruntime/js from ${source}: ${cell.reason}\n${cell.stderr_tail}`);
    assert.equal(cell.framework, 'onnx');
    const check = cell.source!;
    assert.equal(check.format, 'onnx');
    assert.equal(check.correct, Math.round(trained.final_test_accuracy! * 10000));
    assert.equal(check.target_correct, check.correct, `onnxruntime/js counts ${check.target_correct} of the ${source} model's test images right, the source ${check.correct}`);
    // The verdicts are the analysis', from what the run recorded.
    assert.deepEqual(verdicts.get(cell.run_id), { reproduced: true, stable: true });

    const inferences = ofType(eventsOf(cell), 'inference');
    assert.deepEqual(inferences.map((e) => [e.split, e.repetition, e.n]), [...[0, 1, 2, 3, 4].map((r) => ['test', r, 10000]), ['train', -1, TRAIN_LIMIT]]);
    assert.ok(inferences.every((e) => e.seconds > 0 && e.logits_sha256 && /^[0-9a-f]{64}$/.test(e.logits_sha256)));
    assert.ok(cell.mean_inference_seconds! > 0);
  }

  // pytorch/python runs its own model.onnx in Python's onnxruntime: the same graph, so the same counts and logits.
  const ortFromTorch = find('onnxruntime/js', 'pytorch/python');
  const pyFromTorch = find('pytorch/python', 'pytorch/python');
  assert.equal(pyFromTorch.status, 'ok', pyFromTorch.reason ?? '');
  assert.equal(ortFromTorch.source!.train_correct, pyFromTorch.source!.train_correct);
  const [js, py] = [logitsOf(ortFromTorch), logitsOf(pyFromTorch)];
  assert.equal(js.length, 10000 * 10);
  let diff = 0;
  for (let i = 0; i < js.length; i++) diff = Math.max(diff, Math.abs(js[i]! - py[i]!));
  assert.ok(diff <= 1e-5, `onnxruntime-node and Python onnxruntime logits differ by up to ${diff}`);
});
