/**
 * A small safetensors reader and writer (8-byte little-endian header length, JSON header, raw little-endian data):
 * the format of the data cache, shared orders and canonical weights.
 *
 * Why a second codec beside the orchestrator's src/base/safetensors.ts: this runner is its own npm package, built by
 * its own tsconfig (rootDir src) and launched as a separate process, so it must not import the orchestrator's source
 * or depend on its build. What the two share is the file format, which the protocol makes the contract, not code.
 * Tests hold them to it: this package's src/test/safetensors.test.ts pins this codec's bytes, the orchestrator's
 * test/data/cache-and-order.test.ts round-trips its own, and the orchestrator's test/runners-js/ runs this runner on
 * the data cache and initial weights the orchestrator writes, then reads the weights it writes with an independent
 * header parser and with Python's safetensors.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

export type DType = 'F32' | 'I64' | 'I32' | 'U8';
export type TypedArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

const BYTES: Record<DType, number> = { F32: 4, I64: 8, I32: 4, U8: 1 };

/**
 * Copies the bytes so the typed array is aligned whatever the tensor's offset in the file. `new Uint8Array(view)`
 * copies; Buffer#slice would not (it shares the file's memory, and `.buffer` would then be the whole file).
 */
function typed(dtype: DType, bytes: Uint8Array): TypedArray {
  const copy = new Uint8Array(bytes);
  switch (dtype) {
    case 'F32':
      return new Float32Array(copy.buffer, 0, copy.length / 4);
    case 'I64':
      return new BigInt64Array(copy.buffer, 0, copy.length / 8);
    case 'I32':
      return new Int32Array(copy.buffer, 0, copy.length / 4);
    case 'U8':
      return copy;
  }
}

export function decodeSafetensors(file: Buffer, source: string): Record<string, Tensor> {
  if (file.length < 8) throw new Error(`${source}: too short to be safetensors`);
  const headerLen = Number(file.readBigUInt64LE(0));
  if (8 + headerLen > file.length) throw new Error(`${source}: header length ${headerLen} runs past the end of the file`);
  let header: Record<string, { dtype: DType; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(file.subarray(8, 8 + headerLen).toString('utf8'));
  } catch {
    throw new Error(`${source}: header is not JSON`);
  }
  const data = file.subarray(8 + headerLen);
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = entry;
    if (!(dtype in BYTES)) throw new Error(`${source}: tensor ${name} has dtype ${dtype}, which this runner does not read`);
    const [start, end] = data_offsets;
    const n = shape.reduce((a, b) => a * b, 1);
    if (end > data.length || end - start !== n * BYTES[dtype]) throw new Error(`${source}: tensor ${name} has inconsistent offsets`);
    tensors[name] = { dtype, shape, data: typed(dtype, data.subarray(start, end)) };
  }
  return tensors;
}

export function readSafetensors(path: string): Record<string, Tensor> {
  return decodeSafetensors(readFileSync(path), path);
}

export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new Error(`tensor ${name}: shape ${JSON.stringify(t.shape)} needs ${n} values, got ${t.data.length}`);
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), ...chunks]);
}

/** Writes through a temporary name so a reader never sees half a file. */
export function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeSafetensors(tensors, metadata));
  renameSync(tmp, path);
}
