/**
 * onnxruntime/js: ONNX models exported by pytorch/python and tensorflow/python, run in onnxruntime-node (the
 * native onnxruntime library that ships inside the npm package, CPU execution provider). The neutral runtime of the
 * infer experiment's `onnx` mode: the same graph file goes through a runtime that belongs to neither framework.
 * It only runs graphs: no zoo model is built, no training, no export. Inference goes through the shared
 * `runInference`, so passes, timing, counts and logits files are the ones every other backend of this runner has.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { inputKind, isBinary, type Split } from './data.js';
import { runInference, type Logits, type Predictor } from './infer.js';
import { log, RunnerError, type RunnerRequest } from './protocol.js';

export const ONNX_BINDING = 'onnxruntime/js';

type OrtModule = typeof Ort;

export interface OnnxRuntime {
  ort: OrtModule;
  versions: Record<string, string>;
  settings: Record<string, string | number | boolean | null>;
}

const require = createRequire(import.meta.url);

/** Loads onnxruntime-node (CommonJS: from ESM its exports object may arrive as `default`). */
export async function loadOnnxRuntime(): Promise<OnnxRuntime> {
  const mod = (await import('onnxruntime-node')) as unknown as { default?: OrtModule };
  const ort = (mod.default ?? mod) as OrtModule;
  const pkg = require('onnxruntime-node/package.json') as { version: string };
  const versions = ort.env.versions as Record<string, string | undefined>;
  return {
    ort,
    versions: { 'onnxruntime-node': pkg.version, 'onnxruntime-common': versions.common ?? 'unknown', node: process.versions.node },
    // Left at onnxruntime's defaults, as the Python runners' onnxruntime sessions are, so the runtimes differ and
    // not the switches: intra-op threads = physical cores, graph optimisation level `all`.
    settings: {
      execution_provider: 'cpu',
      threads: 'onnxruntime default',
      graph_optimization: 'onnxruntime default (all)',
      deterministic_ops: null,
    },
  };
}

const CUDA_REFUSAL = `${ONNX_BINDING} runs onnxruntime-node's CPU execution provider only: its CUDA provider libraries are not in the npm package but fetched by its install script from NuGet, which setup skips (and which is not reachable here)`;

/** Why a request cannot be served, before any work; null when it can. */
export function onnxRefusal(req: Pick<RunnerRequest, 'mode' | 'device' | 'artifacts'>): string | null {
  if (req.device === 'cuda') return CUDA_REFUSAL;
  if (req.mode === 'train') return `${ONNX_BINDING} cannot train: onnxruntime-node exposes inference sessions only (no training API), and this binding runs exported graphs rather than building the zoo model`;
  if (req.mode === 'export') return `${ONNX_BINDING} cannot export: onnxruntime-node runs ONNX graphs and writes no model formats`;
  if (req.artifacts.length > 0) return `${ONNX_BINDING} writes no artifacts (asked for ${req.artifacts.join(', ')}): onnxruntime-node only runs ONNX graphs`;
  return null;
}

/**
 * The protocol fixes input `x` and output `logits`; like the Python runners' onnxruntime predictor, a graph with
 * other names is read through its only input and output.
 */
export function pickName(names: readonly string[], wanted: string, what: string, path: string): string {
  if (names.includes(wanted)) return wanted;
  if (names.length === 1) return names[0]!;
  throw new RunnerError('bad_request', `ONNX model ${path} has ${what}s ${names.join(', ')}; expected one, or one named ${wanted}`);
}

export interface OnnxBatches {
  xs: Ort.Tensor[];
  labels: Int32Array[];
}

/** Index of the largest of each row (the first on ties, as argmax in numpy, torch and tfjs). */
export function countRowsCorrect(logits: Float32Array, classes: number, labels: Int32Array): number {
  let correct = 0;
  for (let row = 0; row < labels.length; row++) {
    const base = row * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[base + c]! > logits[base + best]!) best = c;
    if (best === labels[row]) correct++;
  }
  return correct;
}

/** For a sigmoid output (one logit per row): predicted 1 where the logit is > 0 (p > 0.5). */
export function countBinaryCorrect(logits: Float32Array, labels: Int32Array): number {
  let correct = 0;
  for (let row = 0; row < labels.length; row++) if ((logits[row]! > 0 ? 1 : 0) === labels[row]) correct++;
  return correct;
}

/** Concatenates per-batch logits into one row-major [n, classes] array. */
export function concatLogits(parts: Float32Array[], classes: number): Logits {
  const rows = parts.reduce((n, p) => n + p.length / classes, 0);
  const data = new Float32Array(rows * classes);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { data, shape: [rows, classes] };
}

/**
 * The tensor type the graph's input is fed as: what the data gives (float32 images, int32 token ids), or int64 where
 * the graph declares int64 token ids (torch.onnx keeps PyTorch's int64 ids, as BERT's export does; widening is
 * lossless). Any other declared type is refused here, since onnxruntime's own message names neither file nor cause.
 */
export function feedType(session: Pick<Ort.InferenceSession, 'inputNames' | 'inputMetadata'>, input: string, given: 'float32' | 'int32', path: string): 'float32' | 'int32' | 'int64' {
  const meta = session.inputMetadata?.[session.inputNames.indexOf(input)];
  if (!meta || !meta.isTensor || meta.type === given) return given;
  if (given === 'int32' && meta.type === 'int64') return 'int64';
  throw new RunnerError('bad_request', `ONNX model ${path} takes input ${input} as ${meta.type}, but the data gives ${given} (${given === 'int32' ? 'token ids' : 'images'}); the protocol's ONNX input is float32 NHWC images or int32/int64 [N, T] token ids`);
}

/** `binary`: the model has a sigmoid output, one logit per example ([batch, 1]); otherwise `classes` logits. */
export function onnxPredictor(ort: OrtModule, session: Ort.InferenceSession, input: string, output: string, classes: number, binary = false, feed: 'float32' | 'int32' | 'int64' = 'float32'): Predictor<OnnxBatches> {
  const width = binary ? 1 : classes;
  return {
    backend: 'onnxruntime-node (cpu)',
    prepare(split: Split, batchSize: number): OnnxBatches {
      const size = split.exampleShape.reduce((a, b) => a * b, 1);
      const xs: Ort.Tensor[] = [];
      const labels: Int32Array[] = [];
      for (let start = 0; start < split.n; start += batchSize) {
        const end = Math.min(start + batchSize, split.n);
        // Channels last, as cached and as both exporters fix the graph's input; token ids as int32.
        const x = split.x.subarray(start * size, end * size);
        const dims = [end - start, ...split.exampleShape];
        if (x instanceof Int32Array) xs.push(feed === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(x, (v) => BigInt(v)), dims) : new ort.Tensor('int32', x, dims));
        else xs.push(new ort.Tensor('float32', x, dims));
        labels.push(split.labels.subarray(start, end));
      }
      return { xs, labels };
    },
    async run(batches, keepLogits) {
      const kept: Float32Array[] = [];
      let correct = 0;
      for (let i = 0; i < batches.xs.length; i++) {
        const result = (await session.run({ [input]: batches.xs[i]! }, [output]))[output]!;
        const logits = result.data as Float32Array;
        if (result.type !== 'float32' || result.dims.length !== 2 || result.dims[1] !== width) {
          throw new RunnerError('failed', `ONNX output ${output} is ${result.type} [${result.dims.join(', ')}], expected float32 [batch, ${width}]${binary ? ' (one pre-sigmoid logit)' : ''}`);
        }
        correct += binary ? countBinaryCorrect(logits, batches.labels[i]!) : countRowsCorrect(logits, classes, batches.labels[i]!);
        if (keepLogits) kept.push(logits);
      }
      return { correct, readLogits: keepLogits ? () => concatLogits(kept, width) : null };
    },
    release(batches) {
      for (const x of batches.xs) x.dispose();
    },
  };
}

/** Serves a request: only `infer` on the CPU, from an ONNX file. */
export async function serveOnnx(rt: OnnxRuntime, req: RunnerRequest): Promise<void> {
  const refusal = onnxRefusal(req);
  if (refusal) throw new RunnerError('not_supported', refusal);
  const weights = req.weights!;
  if (weights.format !== 'onnx') {
    throw new RunnerError('not_supported', `${ONNX_BINDING} loads ONNX models only (model.onnx), not ${weights.format}: onnxruntime runs ONNX graphs and reads no framework's own format`);
  }
  if (!existsSync(weights.path)) throw new RunnerError('bad_request', `weights ${weights.path} do not exist`);
  const path = statSync(weights.path).isDirectory() ? join(weights.path, 'model.onnx') : resolve(weights.path);
  // Pinned to n cores, its pools get n threads (the orchestrator's `threads`); otherwise onnxruntime's default.
  const session = await rt.ort.InferenceSession.create(path, { executionProviders: ['cpu'], ...(req.threads ? { intraOpNumThreads: req.threads, interOpNumThreads: req.threads } : {}) });
  try {
    const input = pickName(session.inputNames, 'x', 'input', path);
    const output = pickName(session.outputNames, 'logits', 'output', path);
    const feed = feedType(session, input, inputKind(req.model).tokens ? 'int32' : 'float32', path);
    log(`ONNX model ${path}: input ${input} (${feed}), output ${output}`);
    await runInference(onnxPredictor(rt.ort, session, input, output, req.model.classes, isBinary(req.model), feed), req);
  } finally {
    await session.release();
  }
}
