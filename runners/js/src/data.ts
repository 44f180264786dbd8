/**
 * Reads the canonical files a request names (data splits, shared order, initial weights), each checked against the
 * sha256 the orchestrator recorded, and turns the image bytes into float32 `x / 255`, channels last as cached.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeSafetensors, type Tensor } from './safetensors.js';
import { RunnerError, type TensorFile } from './protocol.js';

/** Reads a safetensors file the request names, refusing it if its bytes are not the ones the request hashed. */
export function readVerified(file: TensorFile, what: string): Record<string, Tensor> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
  } catch (err) {
    throw new RunnerError('bad_request', `${what} ${file.path} cannot be read: ${(err as Error).message}`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== file.sha256) {
    throw new RunnerError('bad_request', `${what} ${file.path} has sha256 ${actual}, the request expects ${file.sha256}`);
  }
  try {
    return decodeSafetensors(bytes, file.path);
  } catch (err) {
    throw new RunnerError('bad_request', `${what}: ${(err as Error).message}`);
  }
}

export interface Split {
  /** float32 x / 255, [n, ...exampleShape] row-major, channels last. */
  x: Float32Array;
  exampleShape: number[];
  labels: Int32Array;
  n: number;
}

/** Loads a split, keeping the first `limit` examples when a limit is given. */
export function loadSplit(file: TensorFile, what: string, limit: number | null): Split {
  const tensors = readVerified(file, what);
  const x = tensors.x;
  const y = tensors.y;
  if (!x || x.dtype !== 'U8') throw new RunnerError('bad_request', `${what} ${file.path}: needs tensor x of dtype U8`);
  if (!y || y.dtype !== 'I64' || y.shape.length !== 1) throw new RunnerError('bad_request', `${what} ${file.path}: needs tensor y of dtype I64 and shape [N]`);
  const total = y.shape[0]!;
  if (x.shape[0] !== total) throw new RunnerError('bad_request', `${what} ${file.path}: x has ${x.shape[0]} examples, y has ${total}`);
  const n = limit === null ? total : Math.min(limit, total);
  const exampleShape = x.shape.slice(1);
  const size = exampleShape.reduce((a, b) => a * b, 1);
  const pixels = x.data as Uint8Array;
  const scaled = new Float32Array(n * size);
  // Division in double then one rounding to float32 equals float32 division (double has > 2·24+2 bits).
  for (let i = 0; i < scaled.length; i++) scaled[i] = pixels[i]! / 255;
  const raw = y.data as BigInt64Array;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = Number(raw[i]);
  return { x: scaled, exampleShape, labels, n };
}

/** Row e-1 of the shared order is the permutation of epoch e; each row must be a permutation of 0..n-1. */
export function loadOrder(file: TensorFile, epochs: number, n: number): Int32Array[] {
  const order = readVerified(file, 'shared order').order;
  if (!order || order.dtype !== 'I32' || order.shape.length !== 2) throw new RunnerError('bad_request', `shared order ${file.path}: needs tensor order of dtype I32 and shape [epochs, n]`);
  const [rows, cols] = order.shape as [number, number];
  if (rows < epochs) throw new RunnerError('bad_request', `shared order ${file.path} has ${rows} epochs, the request trains ${epochs}`);
  if (cols !== n) throw new RunnerError('bad_request', `shared order ${file.path} orders ${cols} examples, the training set has ${n}`);
  const all = order.data as Int32Array;
  const perEpoch: Int32Array[] = [];
  for (let e = 0; e < epochs; e++) {
    const row = all.slice(e * n, (e + 1) * n);
    const seen = new Uint8Array(n);
    for (const i of row) {
      if (i < 0 || i >= n || seen[i]) throw new RunnerError('bad_request', `shared order ${file.path}: row ${e} is not a permutation of 0..${n - 1}`);
      seen[i] = 1;
    }
    perEpoch.push(row);
  }
  return perEpoch;
}
