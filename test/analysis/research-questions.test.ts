import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRq1 } from '../../src/analysis/rq1-accuracy.js';
import { analyzeRq2 } from '../../src/analysis/rq2-reproduction.js';
import { analyzeRq3 } from '../../src/analysis/rq3-training-time.js';
import { analyzeRq4 } from '../../src/analysis/rq4-inference-time.js';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';
import { defaultAnalysisOptions } from '../../src/analysis/analysis-options.js';
import { normalizedDtw } from '../../src/stats/index.js';
import { campaign, run } from './synthetic-campaign.js';

const opts = defaultAnalysisOptions;
const seeds = [1, 2, 3, 4, 5];
const rising = (offset: number) => Array.from({ length: 20 }, (_, i) => Math.min(1, 0.5 + i * 0.02 + offset));

test('RQ1 pairs curves by seed, reports the largest distance rounded to 3 decimals, and the seed noise floor', () => {
  const runs = [];
  const curves: Record<string, { train: number[]; test: number[] }> = {};
  for (const seed of seeds) {
    for (const [binding, shift] of [['pytorch/python', 0], ['pytorch/rust', 0.05]] as const) {
      const r = run({ binding, seed, finalTestAccuracy: 0.9 + shift + seed / 1000 });
      runs.push(r);
      curves[r.id] = { train: rising(shift + seed / 1000), test: rising(shift / 2) };
    }
  }
  const { groups, warnings } = analyzeRq1(campaign(runs, curves), opts);
  assert.deepEqual(warnings, []);
  const g = groups[0]!;
  assert.equal(g.reference, 'pytorch/python');
  const expected = Math.max(...seeds.map((s) => normalizedDtw(rising(s / 1000), rising(0.05 + s / 1000), { radius: 1 })));
  assert.equal(g.maxTrainDtw, Math.round(expected * 1000) / 1000);
  assert.equal(g.pairs[0]!.train.perSeed.length, 5);
  // Seeds move the curves by at most 0.004; the binding moves them by 0.05, far beyond the noise floor.
  assert.ok(g.noiseFloor.max! < g.maxTrainDtw!);
  assert.equal(g.pairs[0]!.withinNoiseFloor, false);
  assert.equal(g.bindings.find((b) => b.binding === 'pytorch/rust')!.meanFinalTestAccuracy!.toFixed(3), '0.953');
  assert.equal(g.finalTestAccuracy[0]!.verdict, 'higher');
});

test('RQ1 says when bindings share no seed or have a single run', () => {
  const a = run({ binding: 'pytorch/python', seed: 1 });
  const b = run({ binding: 'pytorch/rust', seed: 2 });
  const { groups, warnings } = analyzeRq1(campaign([a, b], { [a.id]: { train: rising(0), test: rising(0) }, [b.id]: { train: rising(0), test: rising(0) } }), opts);
  assert.equal(groups[0]!.maxTrainDtw, null);
  assert.deepEqual(warnings.map((w) => w.code).sort(), ['no-noise-floor', 'unpaired-seeds']);
});

test('RQ2 counts reproduced and stable models per target × mode × device, and flags a recorded flag that contradicts the counts', () => {
  const infer = (binding: string, seed: number, loadMode: string, reproduced: boolean | null, stable: boolean | null, counts?: [number, number]) =>
    run({ binding, seed, mode: 'infer', loadMode, reproduced, stable, sourceBinding: 'tensorflow/python', sourceCorrect: counts?.[0] ?? null, targetCorrect: counts?.[1] ?? null });
  const runs = [
    ...seeds.map((s) => infer('tensorflow/python', s, 'states', true, true)),
    ...seeds.map((s) => infer('tensorflow/js', s, 'states', s !== 3, null)),
    infer('tensorflow/csharp', 1, 'serialization', true, false, [9866, 9869]),
  ];
  const { rows, warnings } = analyzeRq2(campaign(runs), opts);
  assert.deepEqual(rows.map((r) => [r.target, r.loadMode, `${r.reproduced}/${r.models}`, r.stabilityUnknown, r.verdict]), [
    ['tensorflow/python', 'states', '5/5', 0, 'all reproduced'],
    ['tensorflow/csharp', 'serialization', '1/1', 0, 'all reproduced'],
    ['tensorflow/js', 'states', '4/5', 5, 'some not reproduced'],
  ]);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.code, 'reproduction-flag-disagrees');
  assert.match(warnings[0]!.message, /scored 9869 vs the source's 9866/);
});

test('RQ3 compares training times with the reference per framework × model × device', () => {
  const runs = seeds.flatMap((s) => [
    run({ binding: 'tensorflow/python', seed: s, trainSeconds: 100 + s }),
    run({ binding: 'tensorflow/js', seed: s, trainSeconds: 250 + s }),
    run({ binding: 'tensorflow/csharp', seed: s, trainSeconds: 100 + s + 0.5 * (s % 2 ? 1 : -1) }),
  ]);
  const { families } = analyzeRq3(campaign(runs), opts);
  const f = families[0]!;
  assert.deepEqual(f.samples.map((s) => s.binding), ['tensorflow/python', 'tensorflow/csharp', 'tensorflow/js']);
  const js = f.comparisons.find((c) => c.binding === 'tensorflow/js')!;
  assert.equal(js.ratioText, '2.46x slower');
  assert.equal(js.verdict, 'slower');
  assert.equal(js.adjustedP, Math.min(1, 2 * (2 / 252)));
  assert.equal(f.comparisons.find((c) => c.binding === 'tensorflow/csharp')!.verdict, 'no significant difference');
});

test('RQ4 pools one value per loaded model over every load mode of the binding, per device', () => {
  const infer = (binding: string, seed: number, loadMode: string, device: 'cpu' | 'cuda', s: number) => run({ binding, seed, mode: 'infer', loadMode, device, meanInferenceSeconds: s });
  const runs = seeds.flatMap((s) => [
    infer('pytorch/python', s, 'states', 'cpu', 1 + s / 100),
    infer('pytorch/python', s, 'serialization', 'cpu', 1.1 + s / 100),
    infer('pytorch/rust', s, 'states', 'cpu', 0.1 + s / 100),
    infer('pytorch/rust', s, 'serialization', 'cuda', 0.01 + s / 1000),
  ]);
  const { families, warnings } = analyzeRq4(campaign(runs), opts);
  const cpu = families.find((f) => f.device === 'cpu')!;
  assert.equal(cpu.samples.find((s) => s.binding === 'pytorch/python')!.values.length, 10);
  assert.equal(cpu.comparisons[0]!.mannWhitney!.u, 0);
  assert.equal(cpu.comparisons[0]!.verdict, 'faster');
  const cuda = families.find((f) => f.device === 'cuda')!;
  assert.equal(cuda.comparisons[0]!.verdict, 'no reference');
  assert.deepEqual(warnings.map((w) => w.code), ['no-reference']);
});

test('the campaign analysis reports runs that were left out, and empty research questions with what to do', () => {
  const runs = [run({ binding: 'pytorch/python', seed: 1, status: 'failed', reason: 'runner exited with status 3' }), run({ binding: 'pytorch/python', seed: 2, trainSeconds: 3 })];
  const a = analyzeCampaign(campaign(runs));
  const codes = a.warnings.map((w) => w.code);
  assert.ok(codes.includes('runs-not-ok'));
  assert.match(a.warnings.find((w) => w.code === 'runs-not-ok')!.action, /bindbench run --resume c/);
  assert.ok(codes.includes('no-infer-runs'));
  assert.deepEqual(a.settings.references, { pytorch: 'pytorch/python' });
  assert.equal(a.runs.notOk, 1);
});

test('RQ4 keeps ONNX-export runs out of the binding families, in a <framework>+onnx family against the Python runtime', () => {
  const infer = (binding: string, seed: number, loadMode: string, s: number) =>
    run({ binding, seed, mode: 'infer', loadMode, device: 'cpu', meanInferenceSeconds: s, framework: 'pytorch' });
  const runs = seeds.flatMap((s) => [
    infer('pytorch/python', s, 'states', 1 + s / 100),
    infer('pytorch/rust', s, 'states', 0.5 + s / 100),
    infer('pytorch/python', s, 'onnx', 0.2 + s / 100),
    infer('onnxruntime/js', s, 'onnx', 0.3 + s / 100),
  ]);
  const { families } = analyzeRq4(campaign(runs), opts);
  const native = families.find((f) => f.framework === 'pytorch')!;
  assert.deepEqual(native.samples.map((s) => [s.binding, s.values.length]), [['pytorch/python', 5], ['pytorch/rust', 5]]);
  const onnx = families.find((f) => f.framework === 'pytorch+onnx')!;
  assert.equal(onnx.reference, 'pytorch/python');
  assert.deepEqual(onnx.samples.map((s) => s.binding), ['pytorch/python', 'onnxruntime/js']);
  assert.equal(onnx.comparisons[0]!.verdict, 'slower');
});
