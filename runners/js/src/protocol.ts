/**
 * The runner side of bindbench's protocol (docs/protocol.md): reading the request and writing events.
 * The schemas in the root's src/protocol/ are the source of truth; the types here mirror the fields this runner
 * reads, because the runner is its own package and cannot import the orchestrator's code.
 */
import { readFileSync, writeSync } from 'node:fs';

/** 2 added the request field `style` (docs/protocol.md); requests of another version are refused. */
export const PROTOCOL_VERSION = 2;

export type ArtifactFormat = 'safetensors' | 'torch-state-dict' | 'torchscript' | 'keras' | 'savedmodel' | 'tfjs-layers' | 'onnx';
export type Activation = 'linear' | 'tanh' | 'relu' | 'sigmoid';

export type LayerSpec =
  | { kind: 'conv2d'; name: string; filters: number; kernel: number; padding: 'same' | 'valid'; activation: Activation; bias: boolean }
  | { kind: 'maxpool2d'; size: number }
  | { kind: 'flatten' }
  | { kind: 'dense'; name: string; units: number; activation: Activation; bias: boolean }
  /** `native`: the framework's own default (tfjs, as Keras: momentum 0.99, epsilon 1e-3). */
  | { kind: 'batch_norm'; name: string; momentum: number | 'native'; epsilon: number | 'native' }
  | { kind: 'activation'; activation: Activation }
  | { kind: 'dropout'; rate: number }
  | { kind: 'embedding'; name: string; vocab: number; dim: number }
  | { kind: 'lstm'; name: string; units: number; recurrent_activation?: 'sigmoid' | 'native' }
  | { kind: 'gru'; name: string; units: number; reset_after: boolean; recurrent_activation?: 'sigmoid' | 'native' }
  // tfjs builds no BERT (docs/runners-js.md); the kind is here so onnxruntime/js can run its exported graph.
  | { kind: 'bert'; name: string; vocab: number; hidden: number; layers: number; heads: number };

export interface ModelSpec {
  id: string;
  input_shape: number[];
  classes: number;
  /** `sigmoid`: one pre-sigmoid logit per example (binary); absent or `softmax`: `classes` logits. */
  output?: 'softmax' | 'sigmoid';
  layers: LayerSpec[];
}

export type Loss = 'sparse_categorical_crossentropy' | 'binary_crossentropy';

export interface OptimizerSpec {
  name: 'sgd' | 'adam';
  learning_rate: number;
  /** Adam only; absent = tfjs's own default. */
  beta_1?: number;
  beta_2?: number;
  epsilon?: number;
}

export interface TensorFile {
  path: string;
  sha256: string;
}

export interface RunnerRequest {
  protocol: number;
  run_id: string;
  binding: string;
  mode: 'train' | 'infer' | 'export';
  model: ModelSpec;
  hyper: { epochs: number; batch_size: number; optimizer: OptimizerSpec; loss: Loss };
  data: { id: string; train: TensorFile; test: TensorFile; train_limit: number | null; test_limit?: number | null };
  seed: number;
  device: 'cpu' | 'cuda';
  data_order: 'shared' | 'native';
  /** Protocol 2: minimal (bindbench's loop) or idiomatic (the binding's own training API). */
  style: 'minimal' | 'idiomatic';
  order: TensorFile | null;
  init: 'shared' | 'native';
  init_weights: TensorFile | null;
  output_dir: string;
  artifacts: ArtifactFormat[];
  weights: { format: ArtifactFormat; path: string } | null;
  inference: { warmup: number; repetitions: number; batch_size: number; include_train: boolean };
  record_step_losses: number;
  /** Threads the framework's pools should use (the cores the cell is pinned to); absent or null: its default. */
  threads?: number | null;
  /** Train mode: evaluate the test set after every k-th epoch and the last; absent: every epoch. */
  test_every?: number;
}

export type ErrorKind = 'not_supported' | 'nan_loss' | 'bad_request' | 'failed';

/** An error that ends the run with an `error` event of a given kind. */
export class RunnerError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export type RunnerEvent =
  | { type: 'start'; protocol: number; binding: string; language: string; framework: string; versions: Record<string, string>; device: { kind: 'cpu' | 'cuda'; name: string }; settings: Record<string, string | number | boolean | null> }
  | { type: 'step'; step: number; loss: number }
  | { type: 'epoch'; epoch: number; train_accuracy: number; test_accuracy: number | null; loss: number; train_seconds: number; eval_seconds: number }
  | { type: 'inference'; split: 'test' | 'train'; repetition: number; seconds: number; correct: number; n: number; logits_sha256?: string; logits_path?: string }
  | { type: 'artifact'; format: ArtifactFormat; path: string }
  | { type: 'end'; train_seconds: number; wall_seconds: number }
  | { type: 'error'; kind: ErrorKind; message: string }
  | { type: 'log'; message: string };

/**
 * Writes one event as a JSON line. writeSync on fd 1 so the line is out before anything that may follow (a crash,
 * process.exit); the protocol promises the orchestrator every line written before a failure.
 */
export function emit(event: RunnerEvent): void {
  const line = Buffer.from(JSON.stringify(event) + '\n', 'utf8');
  let written = 0;
  while (written < line.length) {
    try {
      written += writeSync(1, line, written);
    } catch (err) {
      // A non-blocking pipe that is full: wait for the reader rather than lose the line.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

export function log(message: string): void {
  emit({ type: 'log', message });
}

const BINDINGS = ['tensorflow/js', 'tensorflow/js-wasm', 'onnxruntime/js'];
const MODES = ['train', 'infer', 'export'];
const STYLES = ['minimal', 'idiomatic'];

function need(condition: boolean, what: string): void {
  if (!condition) throw new RunnerError('bad_request', `request: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTensorFile(v: unknown): boolean {
  return isObject(v) && typeof v.path === 'string' && typeof v.sha256 === 'string';
}

/** The loss a model's output takes (docs/protocol.md, Optimisers and losses). */
export function lossFor(output: ModelSpec['output']): Loss {
  return output === 'sigmoid' ? 'binary_crossentropy' : 'sparse_categorical_crossentropy';
}

/** Reads and checks the fields this runner relies on; anything wrong is a `bad_request` naming the field. */
export function readRequest(path: string | undefined): RunnerRequest {
  need(path !== undefined, 'usage: node runners/js/dist/main.js <request.json>');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path!, 'utf8'));
  } catch (err) {
    throw new RunnerError('bad_request', `cannot read request ${path}: ${(err as Error).message}`);
  }
  need(isObject(value), 'the request is not a JSON object');
  const r = value as Record<string, unknown>;
  need(r.protocol === PROTOCOL_VERSION, `protocol is ${JSON.stringify(r.protocol)}, this runner speaks ${PROTOCOL_VERSION}`);
  need(typeof r.binding === 'string' && BINDINGS.includes(r.binding), `binding ${JSON.stringify(r.binding)} is not one of ${BINDINGS.join(', ')}`);
  need(typeof r.mode === 'string' && MODES.includes(r.mode), `mode ${JSON.stringify(r.mode)} is not one of ${MODES.join(', ')}`);
  const model = r.model as Record<string, unknown>;
  need(isObject(model) && Array.isArray(model.layers) && Array.isArray(model.input_shape) && typeof model.classes === 'number', 'model must have input_shape, classes and layers');
  const hyper = r.hyper as Record<string, unknown>;
  need(isObject(hyper) && isObject(hyper.optimizer) && Number.isInteger(hyper.epochs) && Number.isInteger(hyper.batch_size), 'hyper must have epochs, batch_size and optimizer');
  need(['sgd', 'adam'].includes((hyper.optimizer as Record<string, unknown>).name as string), 'hyper.optimizer.name must be sgd or adam');
  need(model.output === undefined || model.output === 'softmax' || model.output === 'sigmoid', `model.output ${JSON.stringify(model.output)} is not softmax or sigmoid`);
  const loss = lossFor(model.output as ModelSpec['output']);
  need(hyper.loss === loss, `hyper.loss ${JSON.stringify(hyper.loss)} does not fit model output ${model.output ?? 'softmax'}, which needs ${loss}`);
  const opt = hyper.optimizer as Record<string, unknown>;
  for (const key of ['beta_1', 'beta_2', 'epsilon']) {
    need(opt[key] === undefined || (typeof opt[key] === 'number' && (opt[key] as number) >= 0), `hyper.optimizer.${key} must be a non-negative number when given`);
  }
  const data = r.data as Record<string, unknown>;
  need(isObject(data) && isTensorFile(data.train) && isTensorFile(data.test), 'data.train and data.test must be {path, sha256}');
  need(data.train_limit === null || (Number.isInteger(data.train_limit) && (data.train_limit as number) > 0), 'data.train_limit must be a positive integer or null');
  need(data.test_limit === undefined || data.test_limit === null || (Number.isInteger(data.test_limit) && (data.test_limit as number) > 0), 'data.test_limit must be a positive integer, null or absent');
  need(Number.isInteger(r.seed) && (r.seed as number) >= 0, 'seed must be a non-negative integer');
  need(r.device === 'cpu' || r.device === 'cuda', 'device must be cpu or cuda');
  need(r.data_order === 'shared' || r.data_order === 'native', 'data_order must be shared or native');
  need(r.data_order !== 'shared' || r.mode !== 'train' || isTensorFile(r.order), 'data_order shared needs order {path, sha256}');
  need(typeof r.style === 'string' && STYLES.includes(r.style), `style ${JSON.stringify(r.style)} is not one of ${STYLES.join(', ')}`);
  need(r.init === 'shared' || r.init === 'native', 'init must be shared or native');
  need(r.init !== 'shared' || r.mode !== 'train' || isTensorFile(r.init_weights), 'init shared needs init_weights {path, sha256}');
  need(typeof r.output_dir === 'string', 'output_dir must be a string');
  need(Array.isArray(r.artifacts), 'artifacts must be a list');
  need(r.mode === 'train' || (isObject(r.weights) && typeof r.weights.path === 'string' && typeof r.weights.format === 'string'), `mode ${r.mode} needs weights {format, path}`);
  const inference = r.inference as Record<string, unknown>;
  need(isObject(inference) && Number.isInteger(inference.warmup) && Number.isInteger(inference.repetitions) && Number.isInteger(inference.batch_size) && (inference.batch_size as number) > 0, 'inference must have warmup, repetitions and batch_size');
  need(Number.isInteger(r.record_step_losses), 'record_step_losses must be an integer');
  need(r.test_every === undefined || (Number.isInteger(r.test_every) && (r.test_every as number) >= 1), `test_every must be a whole number of at least 1 or absent, got ${JSON.stringify(r.test_every)}`);
  return value as unknown as RunnerRequest;
}
