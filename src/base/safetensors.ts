/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a
 * JSON header of {name: {dtype, shape, data_offsets}}, then the raw little-endian bytes. It is the one format for
 * weights and for the data cache, because every binding can read it.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';

export type DType = 'F32' | 'F64' | 'I64' | 'I32' | 'U8';
export type TypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

const BYTES: Record<DType, number> = { F32: 4, F64: 8, I64: 8, I32: 4, U8: 1 };

function view(dtype: DType, buf: Uint8Array): TypedArray {
  // Copy so the typed array is aligned whatever the offset inside the file.
  const bytes = new Uint8Array(buf); // a copy: Buffer.slice would share the pool
  switch (dtype) {
    case 'F32':
      return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    case 'F64':
      return new Float64Array(bytes.buffer, 0, bytes.length / 8);
    case 'I64':
      return new BigInt64Array(bytes.buffer, 0, bytes.length / 8);
    case 'I32':
      return new Int32Array(bytes.buffer, 0, bytes.length / 4);
    case 'U8':
      return bytes;
  }
}

/** Serialises tensors in the order given; names are sorted by the format's readers, not by us. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const chunks: Buffer[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new Error(`tensor ${name}: shape ${JSON.stringify(t.shape)} needs ${n} values, got ${t.data.length}`);
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), ...chunks]);
}

export function decodeSafetensors(file: Uint8Array, source = 'safetensors file'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (file.length < 8) throw new Error(`${source}: too short to be safetensors`);
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (8 + headerLen > buf.length) throw new Error(`${source}: header length ${headerLen} runs past the end of the file`);
  let header: Record<string, { dtype: DType; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  } catch {
    throw new Error(`${source}: header is not JSON`);
  }
  const data = buf.subarray(8 + headerLen);
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: DType; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES)) throw new Error(`${source}: tensor ${name} has unsupported dtype ${dtype}`);
    const [start, end] = data_offsets;
    const n = shape.reduce((a, b) => a * b, 1);
    if (end > data.length || end - start !== n * BYTES[dtype]) throw new Error(`${source}: tensor ${name} has inconsistent offsets`);
    tensors[name] = { dtype, shape, data: view(dtype, data.subarray(start, end)) };
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  return decodeSafetensors(readFileSync(path), path);
}

export function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
