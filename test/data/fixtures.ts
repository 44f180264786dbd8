/** Raw dataset files and scratch folders for the data tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { resolveHome, type Home } from '../../src/base/home.js';

/** A minimal ustar writer, so tests can serve their own dataset tarballs. */
export function makeTar(files: { name: string; data: Uint8Array }[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    let name = f.name;
    let prefix = '';
    if (name.length > 100) {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    h.write(name, 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(f.data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    h.write(prefix, 345, 'utf8');
    let sum = 0;
    for (const v of h) sum += v;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(h, Buffer.from(f.data), Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** n records, label r % 10, red = (r + row) mod 256, green = column·8, blue = 255 - r. */
export function syntheticBatch(n: number): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let r = 0; r < n; r++) {
    const o = r * 3073;
    b[o] = r % 10;
    for (let h = 0; h < 32; h++) {
      for (let w = 0; w < 32; w++) {
        b[o + 1 + h * 32 + w] = (r + h) % 256;
        b[o + 1 + 1024 + h * 32 + w] = w * 8;
        b[o + 1 + 2048 + h * 32 + w] = (255 - r) & 255;
      }
    }
  }
  return b;
}

/** A temp folder removed when the test ends: the data tests write hundreds of MB of caches and batches. */
export function scratch(t: TestContext, prefix = 'bindbench-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh state folder inside a scratch folder. */
export function scratchHome(t: TestContext): Home {
  return resolveHome(join(scratch(t, 'bindbench-test-'), 'home'));
}
