/**
 * Shared initial weights: one canonical file per (model, seed), drawn by the orchestrator, so bindings with init
 * `shared` start from identical parameters. Each parameter gets Keras's default initialiser (zoo/parameters.ts):
 * Glorot-uniform weights, zero biases, orthogonal recurrent kernels, U(±0.05) embeddings, batch norms at identity.
 */
import { derivedSafetensors } from '../data/derived-file.js';
import { warnRepaired } from '../data/shared-order.js';
import { join } from 'node:path';
import type { CachedFile } from '../data/cache.js';
import { SeededRandom } from '../base/seeded-random.js';
import type { Home } from '../base/home.js';
import type { ModelSpec } from '../zoo/model-spec.js';
import { canonicalParameters, type CanonicalParameter } from '../zoo/parameters.js';
import type { Tensor } from '../base/safetensors.js';

export function sharedInitialWeights(model: ModelSpec, seed: number): Record<string, Tensor> {
  const rng = new SeededRandom(seed, 0x1417);
  const out: Record<string, Tensor> = {};
  for (const p of canonicalParameters(model)) {
    out[p.name] = { dtype: 'F32', shape: p.shape, data: draw(p, rng) };
  }
  return out;
}

function draw(p: CanonicalParameter, rng: SeededRandom): Float32Array {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const uniform = (limit: number) => {
    for (let i = 0; i < n; i++) data[i] = (rng.nextFloat() * 2 - 1) * limit;
  };
  switch (p.init) {
    case 'glorot_uniform':
      uniform(Math.sqrt(6 / (p.fanIn + p.fanOut)));
      break;
    case 'uniform_0.05':
      uniform(0.05);
      break;
    case 'ones':
      data.fill(1);
      break;
    case 'unit_forget_bias': {
      // LSTM gates i, f, c, o: Keras starts the forget gate's bias at 1 so early training keeps the cell state.
      const units = n / 4;
      data.fill(1, units, 2 * units);
      break;
    }
    case 'orthogonal':
      data.set(orthogonal(p.shape[0]!, p.shape[1]!, rng));
      break;
    case 'zeros':
      break;
  }
  return data;
}

/** Keras's Orthogonal: Q of a Gaussian matrix's QR (signs fixed so R's diagonal is positive), transposed when wide. */
function orthogonal(rows: number, cols: number, rng: SeededRandom): Float64Array {
  const m = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  // Column j of the tall m×k matrix lives at q[j*m .. j*m+m).
  const q = new Float64Array(m * k);
  for (let i = 0; i < q.length; i++) q[i] = gaussian(rng);
  // Modified Gram-Schmidt leaves R's diagonal positive, which is what Keras's sign fix makes of numpy's QR.
  for (let j = 0; j < k; j++) {
    const col = q.subarray(j * m, (j + 1) * m);
    for (let p = 0; p < j; p++) {
      const prev = q.subarray(p * m, (p + 1) * m);
      let dot = 0;
      for (let i = 0; i < m; i++) dot += prev[i]! * col[i]!;
      for (let i = 0; i < m; i++) col[i]! -= dot * prev[i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += col[i]! * col[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) col[i]! /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = rows >= cols ? q[c * m + r]! : q[r * m + c]!;
  }
  return out;
}

/** Standard normal by Box-Muller from two uniforms. */
function gaussian(rng: SeededRandom): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

export function prepareSharedInit(home: Home, model: ModelSpec, seed: number): CachedFile {
  const path = join(home.cache, 'init', `${model.id}-s${seed}.safetensors`);
  // LeNet files keep their original label, so their bytes (and checksums) do not change.
  const plain = canonicalParameters(model).every((p) => p.init === 'glorot_uniform' || p.init === 'zeros');
  return derivedSafetensors(path, () => ({ tensors: sharedInitialWeights(model, seed), metadata: { model: model.id, seed: String(seed), init: plain ? 'glorot_uniform' : 'keras_defaults' } }), warnRepaired);
}
