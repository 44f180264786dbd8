/**
 * The onnxruntime/js backend without Python: the pure helpers (argmax counting, logits concatenation, input/output
 * names, refusals) and the predictor running a hand-encoded ONNX graph (Flatten + Gemm, integer weights so every
 * float32 sum is exact) in onnxruntime-node, against the same model computed in plain JS. The graph takes an NHWC
 * batch as the exported LeNets do, and the split ends in a partial batch. `node --test runners/js/dist/test/`.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type * as Ort from 'onnxruntime-node';
import type { Split } from '../data.js';
import type { RunnerRequest } from '../protocol.js';
import { concatLogits, feedType, countBinaryCorrect, countRowsCorrect, onnxPredictor, onnxRefusal, pickName } from '../onnx-backend.js';

// --- a minimal protobuf writer, enough for an ONNX ModelProto (field numbers from onnx/onnx.proto) ---

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const bytesField = (field: number, body: Uint8Array | number[]): number[] => [...varint((field << 3) | 2), ...varint(body.length), ...body];
const intField = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
const strField = (field: number, s: string): number[] => bytesField(field, [...Buffer.from(s, 'utf8')]);

const FLOAT = 1;

function tensorType(dims: Array<number | string>): number[] {
  const shape = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : strField(2, d)));
  return bytesField(1, [...intField(1, FLOAT), ...bytesField(2, shape)]);
}
const valueInfo = (name: string, dims: Array<number | string>): number[] => [...strField(1, name), ...bytesField(2, tensorType(dims))];
const node = (op: string, inputs: string[], outputs: string[]): number[] => [...inputs.flatMap((i) => strField(1, i)), ...outputs.flatMap((o) => strField(2, o)), ...strField(4, op)];

function initializer(name: string, dims: number[], values: number[]): number[] {
  const raw = new Uint8Array(Float32Array.from(values).buffer);
  return [...dims.flatMap((d) => intField(1, d)), ...intField(2, FLOAT), ...strField(8, name), ...bytesField(9, raw)];
}

/** logits = Flatten(x) · W + b, x float32 [batch, h, w, c] (channels last). */
function linearModel(h: number, w: number, c: number, weights: number[], bias: number[], names = { input: 'x', output: 'logits' }): Uint8Array {
  const features = h * w * c;
  const classes = bias.length;
  const graph = [
    ...bytesField(1, node('Flatten', [names.input], ['flat'])),
    ...bytesField(1, node('Gemm', ['flat', 'W', 'b'], [names.output])),
    ...strField(2, 'linear'),
    ...bytesField(5, initializer('W', [features, classes], weights)),
    ...bytesField(5, initializer('b', [classes], bias)),
    ...bytesField(11, valueInfo(names.input, ['batch', h, w, c])),
    ...bytesField(12, valueInfo(names.output, ['batch', classes])),
  ];
  return Uint8Array.from([...intField(1, 8), ...strField(2, 'bindbench-test'), ...bytesField(7, graph), ...bytesField(8, [...strField(1, ''), ...intField(2, 13)])]);
}

async function loadOrt(): Promise<typeof Ort | null> {
  try {
    const mod = (await import('onnxruntime-node')) as unknown as { default?: typeof Ort };
    return (mod.default ?? mod) as typeof Ort;
  } catch {
    return null;
  }
}

/** Runs `body` on a CPU session of `model` and releases it however the body ends; skips where onnxruntime-node is absent. */
async function withSession(t: TestContext, model: Uint8Array, body: (session: Ort.InferenceSession, ort: typeof Ort) => Promise<void>): Promise<void> {
  const ort = await loadOrt();
  if (!ort) return t.skip('onnxruntime-node is not installed in runners/js: run `bindbench setup --bindings onnxruntime/js`');
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    await body(session, ort);
  } finally {
    await session.release();
  }
}

// --- helpers ---

test('countRowsCorrect takes each row\'s argmax, the first index on ties', () => {
  const logits = Float32Array.from([0, 3, 1, /* tie: 0 wins */ 2, 2, -1, /* last */ -5, -4, -3]);
  assert.equal(countRowsCorrect(logits, 3, Int32Array.from([1, 0, 2])), 3);
  assert.equal(countRowsCorrect(logits, 3, Int32Array.from([1, 1, 2])), 2);
  assert.equal(countRowsCorrect(logits, 3, Int32Array.from([0, 2, 0])), 0);
});

test('countBinaryCorrect predicts 1 where the one logit is > 0 (p > 0.5), 0 at or below it', () => {
  const logits = Float32Array.from([2.5, -0.1, 0, 1e-6]);
  assert.equal(countBinaryCorrect(logits, Int32Array.from([1, 0, 0, 1])), 4);
  assert.equal(countBinaryCorrect(logits, Int32Array.from([0, 1, 1, 0])), 0);
});

test('ONNX token ids are fed as the graph declares them (int32, or int64 widened); another dtype is a bad_request naming both', () => {
  const session = (type: string) => ({ inputNames: ['x'], inputMetadata: [{ name: 'x', isTensor: true, type, shape: [] }] }) as never;
  assert.equal(feedType(session('int32'), 'x', 'int32', 'm.onnx'), 'int32');
  assert.equal(feedType(session('int64'), 'x', 'int32', 'm.onnx'), 'int64');
  assert.equal(feedType(session('float32'), 'x', 'float32', 'm.onnx'), 'float32');
  assert.throws(() => feedType(session('float32'), 'x', 'int32', 'm.onnx'), (err: Error & { kind?: string }) => err.kind === 'bad_request' && /takes input x as float32, but the data gives int32 \(token ids\)/.test(err.message));
  assert.throws(() => feedType(session('int64'), 'x', 'float32', 'm.onnx'), (err: Error & { kind?: string }) => err.kind === 'bad_request' && /takes input x as int64, but the data gives float32 \(images\)/.test(err.message));
});

test('concatLogits joins batch logits in order as one [n, classes] array', () => {
  const { data, shape } = concatLogits([Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6])], 2);
  assert.deepEqual(shape, [3, 2]);
  assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6]);
});

test('the protocol names x and logits are preferred; a single other name is accepted; otherwise bad_request', () => {
  assert.equal(pickName(['y', 'x'], 'x', 'input', 'm.onnx'), 'x');
  assert.equal(pickName(['input_1'], 'x', 'input', 'm.onnx'), 'input_1');
  assert.throws(() => pickName(['a', 'b'], 'logits', 'output', 'm.onnx'), (err: Error & { kind?: string }) => err.kind === 'bad_request' && /outputs a, b/.test(err.message));
});

test('training, export, artifacts and cuda are refused with the reason; a CPU infer request is served', () => {
  const ok: Pick<RunnerRequest, 'mode' | 'device' | 'artifacts'> = { mode: 'infer', device: 'cpu', artifacts: [] };
  assert.equal(onnxRefusal(ok), null);
  assert.match(onnxRefusal({ ...ok, mode: 'train' })!, /cannot train: onnxruntime-node exposes inference sessions only/);
  assert.match(onnxRefusal({ ...ok, mode: 'export' })!, /cannot export/);
  assert.match(onnxRefusal({ ...ok, artifacts: ['safetensors'] })!, /writes no artifacts \(asked for safetensors\)/);
  assert.match(onnxRefusal({ ...ok, device: 'cuda' })!, /CPU execution provider only: its CUDA provider libraries are not in the npm package/);
});

// --- the predictor in onnxruntime-node ---

test('the predictor runs an NHWC ONNX graph batch by batch and gives the plain-JS logits and count exactly', async (t) => {
  const [h, w, c, classes, n] = [2, 2, 1, 3, 5];
  const features = h * w * c;
  // Small integers: every product and sum is exact in float32, whatever order onnxruntime adds in.
  const weights = Array.from({ length: features * classes }, (_, i) => ((i * 7) % 5) - 2);
  const bias = [1, 0, -1];
  const x = Float32Array.from({ length: n * features }, (_, i) => (i * 3) % 4);
  const labels = Int32Array.from([0, 1, 2, 2, 1]);
  const split: Split = { x, exampleShape: [h, w, c], labels, n };

  const want = new Float32Array(n * classes);
  for (let r = 0; r < n; r++)
    for (let k = 0; k < classes; k++) {
      let s = bias[k]!;
      for (let i = 0; i < features; i++) s += x[r * features + i]! * weights[i * classes + k]!;
      want[r * classes + k] = s;
    }

  await withSession(t, linearModel(h, w, c, weights, bias), async (session, ort) => {
    assert.deepEqual(session.inputNames, ['x']);
    assert.deepEqual(session.outputNames, ['logits']);
    const predictor = onnxPredictor(ort, session, 'x', 'logits', classes);
    const batches = predictor.prepare(split, 2);
    assert.deepEqual(batches.xs.map((b) => b.dims), [[2, 2, 2, 1], [2, 2, 2, 1], [1, 2, 2, 1]]);

    const warm = await predictor.run(batches, false);
    assert.equal(warm.readLogits, null);
    const pass = await predictor.run(batches, true);
    const logits = pass.readLogits!();
    assert.deepEqual(logits.shape, [n, classes]);
    assert.deepEqual(Array.from(logits.data), Array.from(want));
    assert.equal(pass.correct, countRowsCorrect(want, classes, labels));
    assert.equal(warm.correct, pass.correct);
    predictor.release(batches);
  });
});

test('a binary predictor counts logit > 0 on a [batch, 1] output and keeps [n, 1] logits', async (t) => {
  // logit = x0 - x1: positive, negative, zero (predicted 0).
  await withSession(t, linearModel(1, 2, 1, [1, -1], [0]), async (session, ort) => {
    const predictor = onnxPredictor(ort, session, 'x', 'logits', 2, true);
    const split: Split = { x: Float32Array.from([3, 1, 1, 3, 2, 2]), exampleShape: [1, 2, 1], labels: Int32Array.from([1, 0, 1]), n: 3 };
    const batches = predictor.prepare(split, 2);
    const pass = await predictor.run(batches, true);
    assert.equal(pass.correct, 2);
    const logits = pass.readLogits!();
    assert.deepEqual(logits.shape, [3, 1]);
    assert.deepEqual(Array.from(logits.data), [2, -2, 0]);
    predictor.release(batches);
  });
});

test('a graph whose output is not [batch, classes] float32 is a failed pass, not a wrong count', async (t) => {
  await withSession(t, linearModel(1, 2, 1, [1, 0, 0, 1], [0, 0]), async (session, ort) => {
    // The request says 10 classes; the graph has 2.
    const predictor = onnxPredictor(ort, session, 'x', 'logits', 10);
    const batches = predictor.prepare({ x: Float32Array.from([1, 2]), exampleShape: [1, 2, 1], labels: Int32Array.from([0]), n: 1 }, 8);
    await assert.rejects(Promise.resolve(predictor.run(batches, true)), (err: Error & { kind?: string }) => err.kind === 'failed' && /float32 \[1, 2\], expected float32 \[batch, 10\]/.test(err.message));
  });
});
