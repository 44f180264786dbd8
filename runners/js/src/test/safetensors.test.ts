/**
 * The runner's own safetensors codec (see safetensors.ts for why it has one) against the format's bytes written out
 * by hand, so a drift from what the orchestrator and the other bindings read fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors } from '../safetensors.js';

const HEADER = '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"ids":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}';

test('encodeSafetensors writes the length, a space-padded JSON header and little-endian data, 8-byte aligned', () => {
  const file = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: Float32Array.from([1.5, -2]) }, ids: { dtype: 'I64', shape: [1], data: BigInt64Array.from([7n]) } }, { format: 'pt' });
  const headerLen = Number(file.readBigUInt64LE(0));
  assert.equal((8 + headerLen) % 8, 0);
  const header = file.subarray(8, 8 + headerLen).toString('utf8');
  assert.equal(header.trimEnd(), HEADER);
  assert.match(header.slice(HEADER.length), /^ {0,7}$/);
  // 1.5f = 0x3fc00000, -2f = 0xc0000000, then the int64 7.
  assert.deepEqual([...file.subarray(8 + headerLen)], [0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0, 7, 0, 0, 0, 0, 0, 0, 0]);
});

test('decodeSafetensors reads those bytes back, skips the metadata and refuses offsets that disagree with the shape', () => {
  const data = Buffer.from([0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0, 7, 0, 0, 0, 0, 0, 0, 0]);
  const file = (header: string) => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    return Buffer.concat([len, Buffer.from(header), data]);
  };
  const tensors = decodeSafetensors(file(HEADER), 'test');
  assert.deepEqual(Object.keys(tensors), ['w', 'ids']);
  assert.deepEqual(tensors.w, { dtype: 'F32', shape: [2], data: Float32Array.from([1.5, -2]) });
  assert.deepEqual(tensors.ids, { dtype: 'I64', shape: [1], data: BigInt64Array.from([7n]) });
  assert.throws(() => decodeSafetensors(file(HEADER.replace('"shape":[2]', '"shape":[3]')), 'test'), /tensor w has inconsistent offsets/);
});
