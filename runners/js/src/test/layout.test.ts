/**
 * The canonical <-> tfjs layout conversion, checked three ways: exact round trips, the flatten permutation against
 * the definition in docs/models.md, and a tfjs forward pass from canonical weights against a plain-JS forward pass
 * that computes in the canonical (PyTorch, NCHW) layout. Runs on tfjs's pure-JS CPU backend, so it needs neither
 * the tfjs-node addon nor wasm: `node --test runners/js/dist/test/` after building the runner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfModule from '@tensorflow/tfjs';
import { nativeShape, parameterLayouts, toCanonical, toNative, type ParameterLayout } from '../layout.js';
import { buildModel, getCanonicalWeights, setCanonicalWeights } from '../model.js';
import type { ModelSpec } from '../protocol.js';
import type { Tensor } from '../safetensors.js';
import { canonicalWeights, size, tf, values } from './support.js';

// The zoo's LeNet-1 (src/zoo/models.ts); the runner receives specs in requests, so the test carries its own copy.
const lenet1: ModelSpec = {
  id: 'lenet1',
  input_shape: [28, 28, 1],
  classes: 10,
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 4, kernel: 5, padding: 'same', activation: 'tanh', bias: true },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'conv2d', name: 'conv2', filters: 12, kernel: 5, padding: 'valid', activation: 'tanh', bias: true },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 10, activation: 'linear', bias: true },
  ],
};

test('layouts list the zoo parameters with their canonical shapes (LeNet-1 has 4,326)', () => {
  const layouts = parameterLayouts(lenet1);
  assert.deepEqual(
    layouts.map((p) => [p.name, p.canonicalShape]),
    [
      ['conv1.weight', [4, 1, 5, 5]],
      ['conv1.bias', [4]],
      ['conv2.weight', [12, 4, 5, 5]],
      ['conv2.bias', [12]],
      ['fc1.weight', [10, 300]],
      ['fc1.bias', [10]],
    ],
  );
  assert.equal(layouts.reduce((n, p) => n + size(p.canonicalShape), 0), 4326);
  const fc1 = layouts[4] as Extract<ParameterLayout, { role: 'dense-kernel' }>;
  assert.deepEqual(fc1.flattenedFrom, [5, 5, 12]);
  assert.deepEqual(nativeShape(layouts[2]!), [5, 5, 4, 12]);
  assert.deepEqual(nativeShape(fc1), [300, 10]);
});

test('toCanonical(toNative(w)) is w, bit for bit, for every parameter', () => {
  for (const p of parameterLayouts(lenet1)) {
    const w = values(size(p.canonicalShape), 7);
    const native = toNative(p, w);
    if (p.role !== 'bias') assert.notDeepEqual(native, w, `${p.name}: the native layout should differ`);
    assert.deepEqual(toCanonical(p, native), w, p.name);
  }
});

test('conv kernels move OIHW -> HWIO: canonical [o][i][y][x] lands at native [y][x][i][o]', () => {
  const p = parameterLayouts(lenet1)[2]!;
  const w = values(12 * 4 * 5 * 5, 3);
  const native = toNative(p, w);
  const [o, i, y, x] = [7, 2, 1, 4];
  assert.equal(native[((y * 5 + x) * 4 + i) * 12 + o], w[((o * 4 + i) * 5 + y) * 5 + x]);
});

test('a dense kernel after a flatten gives the same outputs on the NCHW and the NHWC flatten of one activation', () => {
  const p = parameterLayouts(lenet1)[4]! as Extract<ParameterLayout, { role: 'dense-kernel' }>;
  const [h, w, c] = p.flattenedFrom!;
  const act = values(h * w * c, 11); // activation in NHWC order: [y][x][ch]
  const nchwFlat = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) nchwFlat[ch * h * w + y * w + x] = act[(y * w + x) * c + ch]!;
  const canonical = values(10 * 300, 5);
  const native = toNative(p, canonical);
  for (let o = 0; o < 10; o++) {
    let viaCanonical = 0;
    let viaNative = 0;
    for (let j = 0; j < 300; j++) {
      viaCanonical += canonical[o * 300 + j]! * nchwFlat[j]!;
      viaNative += native[j * 10 + o]! * act[j]!;
    }
    assert.ok(Math.abs(viaCanonical - viaNative) < 1e-9, `output ${o}: ${viaCanonical} vs ${viaNative}`);
  }
});

/** LeNet-1 forward in the canonical layout (NCHW, OIHW kernels, channel-major flatten), as PyTorch computes it. */
function referenceLenet1(image: Float32Array, w: Record<string, Tensor>): Float64Array {
  type Act = { c: number; h: number; w: number; v: Float64Array };
  const conv = (a: Act, name: string, k: number, pad: number): Act => {
    const weight = w[`${name}.weight`]!;
    const [o] = weight.shape as [number];
    const kw = weight.data as Float32Array;
    const bias = w[`${name}.bias`]!.data as Float32Array;
    const oh = a.h + 2 * pad - k + 1;
    const ow = a.w + 2 * pad - k + 1;
    const v = new Float64Array(o * oh * ow);
    for (let f = 0; f < o; f++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++) {
          let s = bias[f]!;
          for (let ch = 0; ch < a.c; ch++)
            for (let dy = 0; dy < k; dy++)
              for (let dx = 0; dx < k; dx++) {
                const iy = y + dy - pad;
                const ix = x + dx - pad;
                if (iy < 0 || ix < 0 || iy >= a.h || ix >= a.w) continue;
                s += kw[((f * a.c + ch) * k + dy) * k + dx]! * a.v[(ch * a.h + iy) * a.w + ix]!;
              }
          v[(f * oh + y) * ow + x] = Math.tanh(s);
        }
    return { c: o, h: oh, w: ow, v };
  };
  const pool = (a: Act): Act => {
    const h = Math.floor(a.h / 2);
    const wd = Math.floor(a.w / 2);
    const v = new Float64Array(a.c * h * wd);
    for (let ch = 0; ch < a.c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < wd; x++) {
          const at = (dy: number, dx: number) => a.v[(ch * a.h + 2 * y + dy) * a.w + 2 * x + dx]!;
          v[(ch * h + y) * wd + x] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
        }
    return { c: a.c, h, w: wd, v };
  };
  let a: Act = { c: 1, h: 28, w: 28, v: Float64Array.from(image) };
  a = pool(conv(a, 'conv1', 5, 2));
  a = pool(conv(a, 'conv2', 5, 0));
  const fw = w['fc1.weight']!.data as Float32Array;
  const fb = w['fc1.bias']!.data as Float32Array;
  const logits = new Float64Array(10);
  for (let o = 0; o < 10; o++) {
    let s = fb[o]!;
    for (let j = 0; j < a.v.length; j++) s += fw[o * a.v.length + j]! * a.v[j]!;
    logits[o] = s;
  }
  return logits;
}

test('tfjs LeNet-1 loaded from canonical weights computes what the canonical-layout reference computes', async () => {
  await tf.setBackend('cpu');
  const weights = canonicalWeights(lenet1, 100, 0.3);
  const model = buildModel(tf, lenet1, 0);
  setCanonicalWeights(tf, model, lenet1, weights, 'test weights');
  const images = [values(784, 21, 0.5), values(784, 22, 0.5), values(784, 23, 0.5)].map((v) => v.map((x) => x + 0.5));
  const input = tf.tensor4d(Float32Array.from(images.flatMap((im) => Array.from(im))), [3, 28, 28, 1]);
  const got = (model.predict(input) as tfModule.Tensor).dataSync();
  images.forEach((image, n) => {
    const want = referenceLenet1(image, weights);
    for (let o = 0; o < 10; o++) assert.ok(Math.abs(got[n * 10 + o]! - want[o]!) < 1e-4, `image ${n} logit ${o}: tfjs ${got[n * 10 + o]} vs reference ${want[o]}`);
  });
  // And the weights read back from the model are the canonical ones, exactly.
  const back = getCanonicalWeights(model, lenet1);
  for (const [name, t] of Object.entries(weights)) assert.deepEqual(back[name]!.data, t.data, name);
  input.dispose();
  model.dispose();
});
