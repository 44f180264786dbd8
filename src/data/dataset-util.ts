/** Small helpers the dataset sources share. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Tensor } from '../base/safetensors.js';

/** Cache key for a user folder: the absolute path's hash, so the same folder named two ways shares one cache. */
export function dirKey(absDir: string): string {
  return 'dir-' + createHash('sha256').update(absDir).digest('hex').slice(0, 12);
}

/** Counts of each class 0..classes-1 in an I64 label tensor. */
export function classHistogram(y: Tensor, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const v of y.data as BigInt64Array) counts[Number(v)]!++;
  return counts;
}

/** The installed version of an npm package, so descriptions name the exact copy used. */
export function installedVersion(pkg: string): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}
