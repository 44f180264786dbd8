/**
 * Forward passes over a split held as tfjs tensors, batch by batch: counting correct predictions for the epoch
 * evaluations and the timed inference repetitions, optionally keeping the logits for hashing afterwards.
 */
import { createHash } from 'node:crypto';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { inputDtype, type Split } from './data.js';

/** Logits of one batch of inputs, in inference mode. */
export type Forward = (x: TF.Tensor) => TF.Tensor;

export interface Batches {
  xs: TF.Tensor[];
  labels: TF.Tensor[];
  n: number;
}

/** Cuts a split into consecutive batches as tfjs tensors, so a timed pass starts from data already in the backend. */
export function toBatches(tf: Tf, split: Split, batchSize: number): Batches {
  const size = split.exampleShape.reduce((a, b) => a * b, 1);
  const xs: TF.Tensor[] = [];
  const labels: TF.Tensor[] = [];
  for (let start = 0; start < split.n; start += batchSize) {
    const end = Math.min(start + batchSize, split.n);
    xs.push(tf.tensor(split.x.subarray(start * size, end * size), [end - start, ...split.exampleShape], inputDtype(split)));
    labels.push(tf.tensor1d(split.labels.subarray(start, end), 'int32'));
  }
  return { xs, labels, n: split.n };
}

export function disposeBatches(b: Batches): void {
  for (const t of [...b.xs, ...b.labels]) t.dispose();
}

export interface PassResult {
  correct: number;
  /** The batches' logits when asked to keep them; the caller disposes them. */
  logits: TF.Tensor[] | null;
}

/**
 * Predicted classes of a batch of logits: the argmax of `classes` logits, or for a sigmoid output (one logit) 1
 * where the logit is > 0, i.e. p > 0.5 (docs/protocol.md).
 */
export function predictions(tf: Tf, logits: TF.Tensor, binary: boolean): TF.Tensor {
  if (binary) return tf.greater(tf.reshape(logits, [-1]), 0).toInt();
  return tf.argMax(logits, 1).toInt();
}

/**
 * One pass: forward, prediction and count per batch. Reading the count back (dataSync) waits for all queued work,
 * so a clock read after this function returns covers the whole pass.
 */
export function countCorrect(tf: Tf, forward: Forward, batches: Batches, keepLogits: boolean, binary: boolean): PassResult {
  const kept: TF.Tensor[] = [];
  const perBatch: TF.Tensor[] = [];
  batches.xs.forEach((x, i) => {
    perBatch.push(
      tf.tidy(() => {
        const logits = forward(x);
        if (keepLogits) kept.push(tf.keep(logits));
        return tf.equal(predictions(tf, logits, binary), batches.labels[i]!).toInt().sum();
      }),
    );
  });
  const total = tf.addN(perBatch);
  const correct = total.dataSync()[0]!;
  total.dispose();
  for (const t of perBatch) t.dispose();
  return { correct, logits: keepLogits ? kept : null };
}

/** Concatenates batch logits into one row-major float32 array [n, classes]. */
export function logitsArray(logits: TF.Tensor[]): { data: Float32Array; shape: [number, number] } {
  const rows = logits.reduce((n, t) => n + t.shape[0]!, 0);
  const classes = logits[0]?.shape[1] ?? 0;
  const data = new Float32Array(rows * classes);
  let offset = 0;
  for (const t of logits) {
    const part = t.dataSync() as Float32Array;
    data.set(part, offset);
    offset += part.length;
  }
  return { data, shape: [rows, classes] };
}

/** sha256 of float32 little-endian bytes (every platform tfjs runs on here is little-endian). */
export function sha256Floats(data: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}
