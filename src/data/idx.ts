/** Reader for the IDX format MNIST ships in (big-endian header, then unsigned bytes). */
import { gunzipSync } from 'node:zlib';
import { BadInputError } from '../base/errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Decodes an IDX file (gzip accepted); throws BadInputError naming the file when it is not valid IDX of u8. */
export function decodeIdx(bytes: Uint8Array, file: string, fix: string): IdxArray {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) {
    throw new BadInputError(`${file} is not an IDX file of unsigned bytes (bad magic number). ${fix}`);
  }
  const ndim = buf[3]!;
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * ndim;
  const n = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== start + n) {
    throw new BadInputError(`${file} is truncated or corrupt: header says ${n} bytes of data, file has ${buf.length - start}. ${fix}`);
  }
  return { dims, data: new Uint8Array(buf.subarray(start)) };
}
