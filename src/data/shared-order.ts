/**
 * Shared data order: the orchestrator draws one permutation per epoch from the seed, writes them once, and every
 * binding takes its batches in that order, so the bindings differ only in what they compute.
 */
import { derivedSafetensors } from './derived-file.js';
import { join } from 'node:path';
import type { Home } from '../base/home.js';
import type { CachedFile } from './cache.js';
import { SeededRandom, permutation } from '../base/seeded-random.js';

/** Permutations for epochs 1..epochs of 0..n-1, deterministic in (seed, epoch). */
export function sharedOrder(seed: number, n: number, epochs: number): Int32Array {
  const all = new Int32Array(epochs * n);
  for (let e = 0; e < epochs; e++) all.set(permutation(n, new SeededRandom(seed, e + 1)), e * n);
  return all;
}

/** The dataset's own order, 0..n-1, for each of `epochs` epochs: what a loader that never shuffles takes. */
export function naturalOrder(n: number, epochs: number): Int32Array {
  const all = new Int32Array(epochs * n);
  for (let e = 0; e < epochs; e++) for (let i = 0; i < n; i++) all[e * n + i] = i;
  return all;
}

export function prepareSharedOrder(home: Home, seed: number, n: number, epochs: number): CachedFile {
  return prepareOrderFile(join(home.cache, 'order', `order-s${seed}-n${n}-e${epochs}.safetensors`), () => sharedOrder(seed, n, epochs), [epochs, n], { seed: String(seed) });
}

/** The natural order as an order file, so a runner takes it as it takes any shared order. */
export function prepareNaturalOrder(home: Home, n: number, epochs: number): CachedFile {
  return prepareOrderFile(join(home.cache, 'order', `order-natural-n${n}-e${epochs}.safetensors`), () => naturalOrder(n, epochs), [epochs, n], { order: 'natural' });
}

function prepareOrderFile(path: string, rows: () => Int32Array, shape: number[], metadata: Record<string, string>): CachedFile {
  return derivedSafetensors(path, () => ({ tensors: { order: { dtype: 'I32', shape, data: rows() } }, metadata }), warnRepaired);
}

/** A derived file that did not hold what its name says is rebuilt; the user hears of it (their disk or a hand edit). */
export function warnRepaired(path: string): void {
  process.stderr.write(`bindbench: ${path} did not hold what its parameters give (damaged or edited); rebuilt it\n`);
}
