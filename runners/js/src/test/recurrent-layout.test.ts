/**
 * Batch norms, embeddings and LSTM/GRU layers in the tfjs model: canonical names and shapes, exact weight round
 * trips, and forward passes from canonical weights against plain-JS references that compute Keras's equations in the
 * canonical layout (gates LSTM i|f|c|o, GRU z|r|h with the reset gate before the recurrent product, sigmoid
 * recurrent activation). The references are what pins the gate order and the activations: tfjs's own defaults
 * (hard sigmoid) would fail them. Pure-JS CPU backend, small shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfModule from '@tensorflow/tfjs';
import { parameterLayouts } from '../layout.js';
import { buildModel, getCanonicalWeights, setCanonicalWeights, unsupportedLayer } from '../model.js';
import type { LayerSpec, ModelSpec } from '../protocol.js';
import type { Tensor } from '../safetensors.js';
import { canonicalWeights, tf, values } from './support.js';

const VOCAB = 11;
const DIM = 3;
const UNITS = 4;
const T = 5;

function rnnModel(recurrent: LayerSpec): ModelSpec {
  return {
    id: `tiny-${recurrent.kind}`,
    input_shape: [T],
    classes: 2,
    output: 'sigmoid',
    layers: [{ kind: 'embedding', name: 'embedding', vocab: VOCAB, dim: DIM }, recurrent, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', name: 'fc', units: 1, activation: 'linear', bias: true }],
  };
}

const lstm = rnnModel({ kind: 'lstm', name: 'lstm', units: UNITS });
const gru = rnnModel({ kind: 'gru', name: 'gru', units: UNITS, reset_after: false });

/** conv (no bias) -> batch norm -> ReLU -> pool -> flatten -> dropout -> dense, VGG's pattern in small. */
const convBn: ModelSpec = {
  id: 'tiny-vgg',
  input_shape: [4, 4, 2],
  classes: 3,
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 3, kernel: 3, padding: 'same', activation: 'linear', bias: false },
    { kind: 'batch_norm', name: 'bn1', momentum: 'native', epsilon: 'native' },
    { kind: 'activation', activation: 'relu' },
    { kind: 'maxpool2d', size: 2 },
    { kind: 'flatten' },
    { kind: 'dropout', rate: 0.5 },
    { kind: 'dense', name: 'fc1', units: 3, activation: 'linear', bias: true },
  ],
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Keras's LSTM/GRU (reset before) over one sequence of token ids, in the canonical layout; returns the last h. */
function referenceRecurrent(kind: 'lstm' | 'gru', ids: number[], w: Record<string, Tensor>): Float64Array {
  const emb = w['embedding.embeddings']!.data as Float32Array;
  const k = w[`${kind}.kernel`]!.data as Float32Array; // [DIM, gates·UNITS]
  const rk = w[`${kind}.recurrent_kernel`]!.data as Float32Array; // [UNITS, gates·UNITS]
  const b = w[`${kind}.bias`]!.data as Float32Array;
  const gates = kind === 'lstm' ? 4 : 3;
  const width = gates * UNITS;
  let h = new Float64Array(UNITS);
  let c = new Float64Array(UNITS);
  for (const id of ids) {
    const x = emb.subarray(id * DIM, (id + 1) * DIM);
    const xw = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      let s = b[j]!;
      for (let d = 0; d < DIM; d++) s += x[d]! * k[d * width + j]!;
      xw[j] = s;
    }
    const rec = (hv: Float64Array, from: number, to: number) => {
      const out = new Float64Array(to - from);
      for (let j = from; j < to; j++) for (let u = 0; u < UNITS; u++) out[j - from] += hv[u]! * rk[u * width + j]!;
      return out;
    };
    const next = new Float64Array(UNITS);
    if (kind === 'lstm') {
      const hr = rec(h, 0, width);
      const nc = new Float64Array(UNITS);
      for (let u = 0; u < UNITS; u++) {
        const i = sigmoid(xw[u]! + hr[u]!);
        const f = sigmoid(xw[UNITS + u]! + hr[UNITS + u]!);
        const g = Math.tanh(xw[2 * UNITS + u]! + hr[2 * UNITS + u]!);
        const o = sigmoid(xw[3 * UNITS + u]! + hr[3 * UNITS + u]!);
        nc[u] = f * c[u]! + i * g;
        next[u] = o * Math.tanh(nc[u]!);
      }
      c = nc;
    } else {
      const zr = rec(h, 0, 2 * UNITS);
      const z = Array.from({ length: UNITS }, (_, u) => sigmoid(xw[u]! + zr[u]!));
      const r = Array.from({ length: UNITS }, (_, u) => sigmoid(xw[UNITS + u]! + zr[UNITS + u]!));
      const rh = Float64Array.from(h, (v, u) => v * r[u]!);
      const hh = rec(rh, 2 * UNITS, width);
      for (let u = 0; u < UNITS; u++) next[u] = z[u]! * h[u]! + (1 - z[u]!) * Math.tanh(xw[2 * UNITS + u]! + hh[u]!);
    }
    h = next;
  }
  return h;
}

test('recurrent models list Keras-named canonical parameters: embeddings, kernel, recurrent_kernel, bias', () => {
  assert.deepEqual(
    parameterLayouts(lstm).map((p) => [p.name, p.canonicalShape]),
    [
      ['embedding.embeddings', [VOCAB, DIM]],
      ['lstm.kernel', [DIM, 4 * UNITS]],
      ['lstm.recurrent_kernel', [UNITS, 4 * UNITS]],
      ['lstm.bias', [4 * UNITS]],
      ['fc.weight', [1, UNITS]],
      ['fc.bias', [1]],
    ],
  );
  assert.deepEqual(parameterLayouts(gru).map((p) => p.canonicalShape), [[VOCAB, DIM], [DIM, 3 * UNITS], [UNITS, 3 * UNITS], [3 * UNITS], [1, UNITS], [1]]);
  assert.deepEqual(parameterLayouts(convBn).map((p) => p.name), ['conv1.weight', 'bn1.gamma', 'bn1.beta', 'bn1.moving_mean', 'bn1.moving_variance', 'fc1.weight', 'fc1.bias']);
});

test('a reset_after=true GRU is refused as not_supported before anything is built', () => {
  const why = unsupportedLayer({ kind: 'gru', name: 'gru', units: 2, reset_after: true });
  assert.match(why ?? '', /reset_after=true/);
  assert.equal(unsupportedLayer({ kind: 'gru', name: 'gru', units: 2, reset_after: false }), null);
  assert.throws(() => buildModel(tf, rnnModel({ kind: 'gru', name: 'gru', units: 2, reset_after: true }), 0), (err: Error & { kind?: string }) => err.kind === 'not_supported');
});

for (const spec of [lstm, gru]) {
  test(`tfjs ${spec.layers[1]!.kind.toUpperCase()} from canonical weights computes Keras's equations; weights round-trip exactly`, async () => {
    await tf.setBackend('cpu');
    const kind = spec.layers[1]!.kind as 'lstm' | 'gru';
    const weights = canonicalWeights(spec, 40, 0.6);
    const model = buildModel(tf, spec, 0, 'overwritten');
    setCanonicalWeights(tf, model, spec, weights, 'test weights');
    const sequences = [
      [0, 1, 2, 3, 4],
      [10, 9, 0, 0, 7],
      [5, 5, 5, 5, 5],
    ];
    const input = tf.tensor2d(sequences.flat(), [sequences.length, T], 'int32');
    const got = (model.predict(input) as tfModule.Tensor).dataSync();
    const fcW = weights['fc.weight']!.data as Float32Array;
    const fcB = weights['fc.bias']!.data as Float32Array;
    sequences.forEach((ids, n) => {
      const h = referenceRecurrent(kind, ids, weights);
      const want = fcB[0]! + h.reduce((s, v, u) => s + v * fcW[u]!, 0);
      assert.ok(Math.abs(got[n]! - want) < 1e-5, `${kind} sequence ${n}: tfjs ${got[n]} vs reference ${want}`);
    });
    const back = getCanonicalWeights(model, spec);
    for (const [name, t] of Object.entries(weights)) assert.deepEqual(back[name]!.data, t.data, name);
    input.dispose();
    model.dispose();
  });
}

test('batch-norm statistics land on gamma, beta, moving mean and variance; inference uses the moving ones', async () => {
  await tf.setBackend('cpu');
  const weights = canonicalWeights(convBn, 70, 0.6);
  const model = buildModel(tf, convBn, 0, 'overwritten');
  setCanonicalWeights(tf, model, convBn, weights, 'test weights');
  const bn = model.getLayer('bn1');
  const byName = Object.fromEntries(bn.weights.map((w) => [w.originalName.split('/').pop()!, w.read().dataSync() as Float32Array]));
  for (const stat of ['gamma', 'beta', 'moving_mean', 'moving_variance']) assert.deepEqual(byName[stat], weights[`bn1.${stat}`]!.data, stat);
  assert.deepEqual(bn.nonTrainableWeights.map((w) => w.originalName.split('/').pop()), ['moving_mean', 'moving_variance']);

  // Reference: the conv output of one pixel's neighbourhood normalised with the moving statistics (epsilon 1e-3).
  const image = values(4 * 4 * 2, 5, 0.5, 0.5);
  const x = tf.tensor4d(image, [1, 4, 4, 2]);
  const conv = tf.conv2d(x, tf.tensor4d(Float32Array.from(layoutHWIO(weights['conv1.weight']!)), [3, 3, 2, 3]), 1, 'same');
  const convOut = conv.dataSync();
  const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((s) => weights[`bn1.${s}`]!.data as Float32Array);
  const normed = Float64Array.from(convOut, (v, i) => Math.max(0, ((v - mean![i % 3]!) / Math.sqrt(variance![i % 3]! + 1e-3)) * gamma![i % 3]! + beta![i % 3]!));
  const inner = tf.model({ inputs: model.inputs, outputs: model.layers[2]!.output as tfModule.SymbolicTensor });
  const got = (inner.predict(x) as tfModule.Tensor).dataSync();
  for (let i = 0; i < normed.length; i++) assert.ok(Math.abs(got[i]! - normed[i]!) < 1e-5, `activation ${i}: ${got[i]} vs ${normed[i]}`);
  // Dropout is off in predict: two passes agree exactly.
  const a = (model.predict(x) as tfModule.Tensor).dataSync();
  const b = (model.predict(x) as tfModule.Tensor).dataSync();
  assert.deepEqual(a, b);
  const back = getCanonicalWeights(model, convBn);
  for (const [name, t] of Object.entries(weights)) assert.deepEqual(back[name]!.data, t.data, name);
  model.dispose();
});

/** OIHW canonical kernel -> HWIO, written out independently of layout.ts. */
function layoutHWIO(t: Tensor): number[] {
  const [o, i, kh, kw] = t.shape as [number, number, number, number];
  const d = t.data as Float32Array;
  const out: number[] = new Array(d.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = d[((a * i + b) * kh + y) * kw + x]!;
  return out;
}

test("recurrent_activation native keeps tfjs's own hardSigmoid gates (the paper preset's layer defaults); absent or sigmoid is the sigmoid", () => {
  const gates = (spec: LayerSpec) => {
    const model = buildModel(tf, rnnModel(spec), 1, 'overwritten');
    const layer = model.layers.find((l) => l.name === spec.kind)!;
    const activation = (layer.getConfig() as { recurrentActivation: unknown }).recurrentActivation;
    model.dispose();
    return typeof activation === 'string' ? activation : (activation as { className?: string }).className;
  };
  for (const kind of ['lstm', 'gru'] as const) {
    const base = kind === 'lstm' ? { kind, name: 'lstm', units: UNITS } : { kind, name: 'gru', units: UNITS, reset_after: false };
    assert.match(String(gates({ ...base, recurrent_activation: 'native' } as LayerSpec)), /hard_?sigmoid/i, kind);
    assert.match(String(gates(base as LayerSpec)), /^sigmoid$/i, kind);
    assert.match(String(gates({ ...base, recurrent_activation: 'sigmoid' } as LayerSpec)), /^sigmoid$/i, kind);
  }
});
