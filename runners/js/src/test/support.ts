/**
 * What the tfjs layout tests share: the tfjs module as the runner sees it, reproducible values and canonical weights
 * for a spec. Has no tests of its own; it sits in test/ so that it is built with them and nowhere else.
 */
import * as tfModule from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { parameterLayouts } from '../layout.js';
import type { ModelSpec } from '../protocol.js';
import type { Tensor } from '../safetensors.js';

// A CommonJS package imported from ESM arrives with its exports as `default`, as backend.ts's cjs() expects.
export const tf = ((tfModule as unknown as { default?: Tf }).default ?? tfModule) as Tf;

/** Deterministic values in [offset - scale, offset + scale) from a small LCG, so failures reproduce. */
export function values(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = offset + ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Every parameter of `spec` within ±scale, except batch-norm variances, which must be positive. */
export function canonicalWeights(spec: ModelSpec, seed: number, scale: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  parameterLayouts(spec).forEach((p, i) => {
    const n = size(p.canonicalShape);
    const data = p.weight === 'moving_variance' ? values(n, seed + i, 0.4, 1) : values(n, seed + i, scale);
    out[p.name] = { dtype: 'F32', shape: [...p.canonicalShape], data };
  });
  return out;
}
