/**
 * Shared data order: the orchestrator draws one permutation per epoch from the seed, writes them once, and every
 * binding takes its batches in that order, so the bindings differ only in what they compute.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import { writeSafetensors } from '../base/safetensors.js';
import type { CachedFile } from './cache.js';
import { sha256File } from '../base/file-hash.js';
import { SeededRandom, permutation } from '../base/seeded-random.js';

/** Permutations for epochs 1..epochs of 0..n-1, deterministic in (seed, epoch). */
export function sharedOrder(seed: number, n: number, epochs: number): Int32Array {
  const all = new Int32Array(epochs * n);
  for (let e = 0; e < epochs; e++) all.set(permutation(n, new SeededRandom(seed, e + 1)), e * n);
  return all;
}

export function prepareSharedOrder(home: Home, seed: number, n: number, epochs: number): CachedFile {
  const path = join(home.cache, 'order', `order-s${seed}-n${n}-e${epochs}.safetensors`);
  if (!existsSync(path)) {
    writeSafetensors(path, { order: { dtype: 'I32', shape: [epochs, n], data: sharedOrder(seed, n, epochs) } }, { seed: String(seed) });
  }
  return { path, sha256: sha256File(path) };
}
