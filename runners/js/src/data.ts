/**
 * Reads the canonical files a request names (data splits, shared order, initial weights), each checked against the
 * sha256 the orchestrator recorded, and turns the image bytes into float32 `x / 255`, channels last as cached;
 * token ids stay int32.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeSafetensors, type Tensor } from './safetensors.js';
import { RunnerError, type ModelSpec, type TensorFile } from './protocol.js';

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
  /**
   * Images: float32 x / 255, [n, ...exampleShape] row-major, channels last. Token sequences: the int32 ids as
   * cached, [n, T].
   */
  x: Float32Array | Int32Array;
  exampleShape: number[];
  labels: Int32Array;
  n: number;
}

/** The tensor dtype a split's inputs go to the model in. */
export function inputDtype(split: Pick<Split, 'x'>): 'float32' | 'int32' {
  return split.x instanceof Int32Array ? 'int32' : 'float32';
}

/** What the model's first layer takes: token ids below `vocab`, or images. */
export type InputKind = { tokens: true; vocab: number } | { tokens: false };

export function inputKind(model: ModelSpec): InputKind {
  const first = model.layers[0];
  // A BERT encoder takes token ids too (its graph masks the padding itself, so ids are its only input).
  return first?.kind === 'embedding' || first?.kind === 'bert' ? { tokens: true, vocab: first.vocab } : { tokens: false };
}

/** One pre-sigmoid logit per example instead of `classes` softmax logits (docs/models.md). */
export function isBinary(model: ModelSpec): boolean {
  return model.output === 'sigmoid';
}

/**
 * Loads a split, keeping the first `limit` examples when a limit is given (a limit above the split's size keeps
 * all, as the orchestrator counts them). The dtype of `x` must be the one the model takes: U8 images or I32 ids.
 */
export function loadSplit(file: TensorFile, what: string, limit: number | null | undefined, model: ModelSpec): Split {
  const tensors = readVerified(file, what);
  const x = tensors.x;
  const y = tensors.y;
  const kind = inputKind(model);
  const wanted = kind.tokens ? 'I32' : 'U8';
  if (!x || x.dtype !== wanted) {
    throw new RunnerError('bad_request', `${what} ${file.path}: model ${model.id} needs tensor x of dtype ${wanted} (${kind.tokens ? 'token ids' : 'images'}), found ${x ? x.dtype : 'none'}`);
  }
  if (x.shape.slice(1).join(',') !== model.input_shape.join(',')) {
    throw new RunnerError('bad_request', `${what} ${file.path}: x is [${x.shape.join(', ')}], model ${model.id} takes [N, ${model.input_shape.join(', ')}]`);
  }
  if (!y || y.dtype !== 'I64' || y.shape.length !== 1) throw new RunnerError('bad_request', `${what} ${file.path}: needs tensor y of dtype I64 and shape [N]`);
  const total = y.shape[0]!;
  if (x.shape[0] !== total) throw new RunnerError('bad_request', `${what} ${file.path}: x has ${x.shape[0]} examples, y has ${total}`);
  const n = limit === null || limit === undefined ? total : Math.min(limit, total);
  const exampleShape = x.shape.slice(1);
  const size = exampleShape.reduce((a, b) => a * b, 1);
  const raw = y.data as BigInt64Array;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = Number(raw[i]);
    if (label < 0 || label >= model.classes) throw new RunnerError('bad_request', `${what} ${file.path}: label ${label} of example ${i} is outside 0..${model.classes - 1}`);
    labels[i] = label;
  }
  if (kind.tokens) {
    const ids = (x.data as Int32Array).slice(0, n * size);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= kind.vocab) {
        throw new RunnerError('bad_request', `${what} ${file.path}: token id ${id} (example ${Math.floor(i / size)}) is outside the embedding's vocabulary 0..${kind.vocab - 1}`);
      }
    }
    return { x: ids, exampleShape, labels, n };
  }
  const pixels = x.data as Uint8Array;
  const scaled = new Float32Array(n * size);
  // Division in double then one rounding to float32 equals float32 division (double has > 2·24+2 bits).
  for (let i = 0; i < scaled.length; i++) scaled[i] = pixels[i]! / 255;
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
