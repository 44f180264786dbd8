/**
 * Shared initial weights: one canonical file per (model, seed), drawn by the orchestrator, so bindings with init
 * `shared` start from identical parameters. Weights are Glorot-uniform and biases zero, Keras's defaults.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CachedFile } from '../data/cache.js';
import { sha256File } from '../data/file-hash.js';
import { SeededRandom } from '../data/seeded-random.js';
import type { Home } from '../home.js';
import type { ModelSpec } from '../zoo/model-spec.js';
import { canonicalParameters } from '../zoo/parameters.js';
import { writeSafetensors, type Tensor } from './safetensors.js';

export function sharedInitialWeights(model: ModelSpec, seed: number): Record<string, Tensor> {
  const rng = new SeededRandom(seed, 0x1417);
  const out: Record<string, Tensor> = {};
  for (const p of canonicalParameters(model)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (p.role === 'weight') {
      const limit = Math.sqrt(6 / (p.fanIn + p.fanOut));
      for (let i = 0; i < n; i++) data[i] = (rng.nextFloat() * 2 - 1) * limit;
    }
    out[p.name] = { dtype: 'F32', shape: p.shape, data };
  }
  return out;
}

export function prepareSharedInit(home: Home, model: ModelSpec, seed: number): CachedFile {
  const path = join(home.cache, 'init', `${model.id}-s${seed}.safetensors`);
  if (!existsSync(path)) writeSafetensors(path, sharedInitialWeights(model, seed), { model: model.id, seed: String(seed), init: 'glorot_uniform' });
  return { path, sha256: sha256File(path) };
}
