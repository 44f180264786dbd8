/**
 * Inference (mode `infer`) and export (mode `export`) from a model the request names.
 * `runInference` is the procedure every backend of this runner shares (warm-up, timed repetitions, the train split,
 * events, logits files); a backend supplies a `Predictor` that cuts splits into its own batches and runs one pass.
 * A timed repetition covers forward, argmax and counting over batches already held in the backend; the logits are
 * kept in the backend and read back and hashed only after the clock stops.
 */
import { resolve } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Backend } from './backend.js';
import { isBinary, loadSplit, type Split } from './data.js';
import { countCorrect, disposeBatches, logitsArray, sha256Floats, toBatches, type Batches } from './evaluate.js';
import { loadModel, writeArtifacts } from './artifacts.js';
import { writeSafetensors } from './safetensors.js';
import { emit, log, RunnerError, type RunnerRequest } from './protocol.js';

export interface Logits {
  /** Row-major float32 [n, classes], or [n, 1] pre-sigmoid logits for a sigmoid output. */
  data: Float32Array;
  shape: [number, number];
}

export interface Pass {
  correct: number;
  /** Reads the kept logits back (and frees them); null when the pass was asked not to keep them. */
  readLogits: (() => Logits) | null;
}

export interface Predictor<B> {
  /** Names the backend in the log line. */
  backend: string;
  /** Cuts a split into the backend's own batches, before any clock runs. */
  prepare(split: Split, batchSize: number): B;
  /**
   * One pass: forward, argmax and count per batch. Settles only once every count is known, so a clock read after
   * it covers the whole pass.
   */
  run(batches: B, keepLogits: boolean): Pass | Promise<Pass>;
  release(batches: B): void;
}

/** Hashes a pass's logits and, once per split, saves them beside the other artifacts. */
function recordLogits({ data, shape }: Logits, split: 'test' | 'train', req: RunnerRequest, save: boolean): { logits_sha256: string; logits_path?: string } {
  const out: { logits_sha256: string; logits_path?: string } = { logits_sha256: sha256Floats(data) };
  if (save && req.output_dir) {
    const path = resolve(req.output_dir, `logits-${split}.safetensors`);
    writeSafetensors(path, { logits: { dtype: 'F32', shape, data } }, { binding: req.binding, split });
    out.logits_path = path;
  }
  return out;
}

async function timedPass<B>(predictor: Predictor<B>, batches: B, n: number): Promise<{ seconds: number; correct: number; logits: Logits }> {
  const t0 = process.hrtime.bigint();
  const pass = await predictor.run(batches, true);
  const t1 = process.hrtime.bigint();
  const logits = pass.readLogits!();
  if (logits.shape[0] !== n) throw new RunnerError('failed', `the model produced ${logits.shape[0]} rows of logits for ${n} examples`);
  return { seconds: Number(t1 - t0) / 1e9, correct: pass.correct, logits };
}

export async function runInference<B>(predictor: Predictor<B>, req: RunnerRequest): Promise<void> {
  const testSplit = loadSplit(req.data.test, 'test data', req.data.test_limit, req.model);
  const test = predictor.prepare(testSplit, req.inference.batch_size);
  log(`inference on ${testSplit.n} test examples: ${req.inference.warmup} warm-up and ${req.inference.repetitions} timed passes, backend ${predictor.backend}`);

  for (let i = 0; i < req.inference.warmup; i++) await predictor.run(test, false);
  for (let rep = 0; rep < req.inference.repetitions; rep++) {
    const pass = await timedPass(predictor, test, testSplit.n);
    emit({ type: 'inference', split: 'test', repetition: rep, seconds: pass.seconds, correct: pass.correct, n: testSplit.n, ...recordLogits(pass.logits, 'test', req, rep === 0) });
  }
  predictor.release(test);

  if (req.inference.include_train) {
    const trainSplit = loadSplit(req.data.train, 'training data', req.data.train_limit, req.model);
    const train = predictor.prepare(trainSplit, req.inference.batch_size);
    const pass = await timedPass(predictor, train, trainSplit.n);
    emit({ type: 'inference', split: 'train', repetition: -1, seconds: pass.seconds, correct: pass.correct, n: trainSplit.n, ...recordLogits(pass.logits, 'train', req, true) });
    predictor.release(train);
  }
}

function dispose(tensors: TF.Tensor[] | null): void {
  for (const t of tensors ?? []) t.dispose();
}

export async function infer(backend: Backend, req: RunnerRequest): Promise<void> {
  const { tf } = backend;
  const model = await loadModel(backend, req.model, req.weights!, req.binding);
  const binary = isBinary(req.model);
  const predictor: Predictor<Batches> = {
    backend: backend.name,
    prepare: (split, batchSize) => toBatches(tf, split, batchSize),
    run(batches, keepLogits) {
      const { correct, logits } = countCorrect(tf, model.forward, batches, keepLogits, binary);
      const readLogits = logits
        ? () => {
            const array = logitsArray(logits);
            dispose(logits);
            return array;
          }
        : null;
      return { correct, readLogits };
    },
    release: disposeBatches,
  };
  await runInference(predictor, req);
  model.dispose();
}

export async function exportModel(backend: Backend, req: RunnerRequest): Promise<void> {
  const model = await loadModel(backend, req.model, req.weights!, req.binding);
  await writeArtifacts(model.layers, req.model, req.artifacts, req.output_dir, req.binding);
  model.dispose();
}
