/**
 * A reader for the tar archives datasets ship in (ustar, with GNU long names and pax paths), so unpacking a
 * download needs no external `tar` program.
 */
export interface TarEntry {
  name: string;
  /** '0' regular file, '5' directory, others as in the tar header. */
  type: string;
  data: Uint8Array;
}

function cString(b: Uint8Array, start: number, len: number): string {
  const slice = b.subarray(start, start + len);
  const end = slice.indexOf(0);
  return Buffer.from(end < 0 ? slice : slice.subarray(0, end)).toString('utf8');
}

function octal(b: Uint8Array, start: number, len: number, what: string): number {
  const s = cString(b, start, len).trim();
  if (!/^[0-7]*$/.test(s)) throw new Error(`${what}: a header number is not octal`);
  return s ? parseInt(s, 8) : 0;
}

function paxPath(data: Uint8Array): string | undefined {
  for (const line of Buffer.from(data).toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Every entry of an uncompressed tar archive; throws when a header's checksum is wrong (not a tar file). */
export function readTar(buf: Uint8Array, source = 'archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((v) => v === 0)) break;
    const notTar = `${source} is not a tar archive (header at byte ${off})`;
    const stored = octal(h, 148, 8, notTar);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== stored) throw new Error(`${source} is not a tar archive (bad header checksum at byte ${off})`);
    const size = octal(h, 124, 12, notTar);
    const type = String.fromCharCode(h[156]! || 48);
    const prefix = cString(h, 257, 6).startsWith('ustar') ? cString(h, 345, 155) : '';
    const data = buf.subarray(off + 512, off + 512 + size);
    if (data.length !== size) throw new Error(`${source} is truncated (entry at byte ${off} runs past the end)`);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const name = longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
    longName = undefined;
    entries.push({ name, type, data });
  }
  return entries;
}
