/**
 * Inference (mode `infer`) and export (mode `export`) from a model the request names.
 * A timed repetition covers forward, argmax and counting over batches already held as tfjs tensors; the logits are
 * kept as tensors and read back and hashed only after the clock stops.
 */
import { resolve } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Backend } from './backend.js';
import { loadSplit } from './data.js';
import { countCorrect, disposeBatches, logitsArray, sha256Floats, toBatches, type Batches, type Forward } from './evaluate.js';
import { loadModel, writeArtifacts } from './artifacts.js';
import { writeSafetensors } from './safetensors.js';
import { emit, log, type RunnerRequest } from './protocol.js';

function dispose(tensors: TF.Tensor[] | null): void {
  for (const t of tensors ?? []) t.dispose();
}

/** Hashes a pass's logits and, once per split, saves them beside the other artifacts. */
function recordLogits(logits: TF.Tensor[], split: 'test' | 'train', req: RunnerRequest, save: boolean): { logits_sha256: string; logits_path?: string } {
  const { data, shape } = logitsArray(logits);
  const out: { logits_sha256: string; logits_path?: string } = { logits_sha256: sha256Floats(data) };
  if (save && req.output_dir) {
    const path = resolve(req.output_dir, `logits-${split}.safetensors`);
    writeSafetensors(path, { logits: { dtype: 'F32', shape, data } }, { binding: req.binding, split });
    out.logits_path = path;
  }
  return out;
}

function timedPass(backend: Backend, forward: Forward, batches: Batches): { seconds: number; correct: number; logits: TF.Tensor[] } {
  const t0 = process.hrtime.bigint();
  const { correct, logits } = countCorrect(backend.tf, forward, batches, true);
  const t1 = process.hrtime.bigint();
  return { seconds: Number(t1 - t0) / 1e9, correct, logits: logits! };
}

export async function infer(backend: Backend, req: RunnerRequest): Promise<void> {
  const { tf } = backend;
  const model = await loadModel(backend, req.model, req.weights!, req.binding);
  const test = toBatches(tf, loadSplit(req.data.test, 'test data', null), req.inference.batch_size);
  log(`inference on ${test.n} test examples: ${req.inference.warmup} warm-up and ${req.inference.repetitions} timed passes, backend ${backend.name}`);

  for (let i = 0; i < req.inference.warmup; i++) dispose(countCorrect(tf, model.forward, test, false).logits);
  for (let rep = 0; rep < req.inference.repetitions; rep++) {
    const pass = timedPass(backend, model.forward, test);
    const logits = recordLogits(pass.logits, 'test', req, rep === 0);
    dispose(pass.logits);
    emit({ type: 'inference', split: 'test', repetition: rep, seconds: pass.seconds, correct: pass.correct, n: test.n, ...logits });
  }
  disposeBatches(test);

  if (req.inference.include_train) {
    const train = toBatches(tf, loadSplit(req.data.train, 'training data', req.data.train_limit), req.inference.batch_size);
    const pass = timedPass(backend, model.forward, train);
    const logits = recordLogits(pass.logits, 'train', req, true);
    dispose(pass.logits);
    emit({ type: 'inference', split: 'train', repetition: -1, seconds: pass.seconds, correct: pass.correct, n: train.n, ...logits });
    disposeBatches(train);
  }
  model.dispose();
}

export async function exportModel(backend: Backend, req: RunnerRequest): Promise<void> {
  const model = await loadModel(backend, req.model, req.weights!, req.binding);
  await writeArtifacts(model.layers, req.model, req.artifacts, req.output_dir, req.binding);
  model.dispose();
}
