/**
 * Shared set-up for the Rust runner tests: a temporary state folder with real MNIST, requests shaped as
 * src/protocol/request.ts, and runners launched through their descriptors as the orchestrator launches them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { prepareDataset, type PreparedDataset } from '../../src/data/cache.js';
import { packageRoot, resolveHome, type Home } from '../../src/base/home.js';
import type { RunnerEvent } from '../../src/protocol/events.js';
import { parseEvents } from '../../src/protocol/read-events.js';
import type { RunnerRequest } from '../../src/protocol/request.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { lenet1 } from '../../src/zoo/models.js';

export interface Sandbox {
  root: string;
  home: Home;
  data: PreparedDataset;
}

export function makeSandbox(prefix: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const home = resolveHome(join(root, 'home'));
  return { root, home, data: prepareDataset(home, 'mnist') };
}

/** Writes a request (defaults: LeNet-1, SGD 0.05, batch 128, 2,000 training examples, native order and init). */
export function writeRequest(box: Sandbox, name: string, overrides: Partial<RunnerRequest>): string {
  const outputDir = join(box.root, name);
  mkdirSync(outputDir, { recursive: true });
  const { data } = box;
  const request: RunnerRequest = {
    protocol: PROTOCOL_VERSION,
    run_id: name,
    binding: 'pytorch/rust',
    mode: 'train',
    model: lenet1,
    hyper: { epochs: 1, batch_size: 128, optimizer: { name: 'sgd', learning_rate: 0.05 }, loss: 'sparse_categorical_crossentropy' },
    data: { id: 'mnist', train: { path: data.train.path, sha256: data.train.sha256 }, test: { path: data.test.path, sha256: data.test.sha256 }, train_limit: 2000 },
    seed: 1,
    device: 'cpu',
    data_order: 'native',
    style: 'minimal',
    order: null,
    init: 'native',
    init_weights: null,
    output_dir: outputDir,
    artifacts: [],
    weights: null,
    inference: { warmup: 0, repetitions: 2, batch_size: 1000, include_train: false },
    record_step_losses: 0,
    ...overrides,
  };
  const path = join(outputDir, 'request.json');
  writeFileSync(path, JSON.stringify(request));
  return path;
}

export interface RunOutcome {
  status: number | null;
  events: RunnerEvent[];
  stderr: string;
}

/**
 * Launches a runner through its descriptor (the orchestrator's way) and parses every line as an event. The
 * launch command comes from the project's state folder, where the Python environments live; the sandbox only
 * holds data and outputs.
 */
export function launch(binding: BindingDescriptor, requestPath: string): RunOutcome {
  const command = binding.launch(resolveHome(), requestPath);
  const out = spawnSync(command.command, command.args, { env: { ...process.env, ...command.env }, encoding: 'utf8', timeout: 600_000 });
  if (out.error) throw new Error(`${binding.id}: ${command.command} could not run: ${out.error.message}`);
  return { status: out.status, events: parseEvents(out.stdout), stderr: out.stderr };
}

export function ofType<T extends RunnerEvent['type']>(events: RunnerEvent[], type: T): Extract<RunnerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunnerEvent, { type: T }> => e.type === type);
}

/** Why the Python runner (runners/python, another binding's runner) cannot serve as the reference here, or null. */
export async function pythonRunnerMissing(binding: BindingDescriptor): Promise<string | null> {
  if (!existsSync(join(packageRoot, 'runners', 'python', 'bindbench_runner', '__main__.py'))) {
    return 'the Python runner runners/python/bindbench_runner is not there';
  }
  const probe = await binding.probe(resolveHome());
  return probe.installed ? null : `${binding.id} is not installed: ${probe.detail}`;
}

/** The float32 logits of a runner's logits-<split>.safetensors, read directly from the file's bytes. */
export function readLogits(path: string): Float32Array {
  const file = readFileSync(path);
  const headerLen = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const entry = header.logits;
  if (!entry || entry.dtype !== 'F32') throw new Error(`${path} has no F32 tensor 'logits'`);
  const bytes = new Uint8Array(file.subarray(8 + headerLen + entry.data_offsets[0], 8 + headerLen + entry.data_offsets[1]));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`logits of different lengths: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
