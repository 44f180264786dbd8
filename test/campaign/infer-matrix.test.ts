import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { planCampaign } from '../../src/campaign/plan.js';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { bindings } from '../../src/bindings/index.js';
import { tempHome } from '../fixtures/temp-home.js';
import { ResultStore } from '../../src/store/result-store.js';
import { defaultAnalysisOptions, familyOf, reproductionOf } from '../../src/analysis/index.js';
import { loadCampaignData } from '../../src/analysis/campaign-data.js';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';

function bindingsFor(markers: string): BindingDescriptor[] {
  const ref = { ...fakeBinding({}, markers, 'fake/python'), reference: true };
  ref.capabilities = { ...ref.capabilities, exports: ['safetensors', 'torchscript'], loads: ['safetensors', 'torchscript'] };
  const other = fakeBinding({}, markers, 'fake/rust');
  other.capabilities = { ...other.capabilities, loads: ['safetensors', 'torchscript'] };
  const statesOnly = fakeBinding({}, markers, 'fake/js');
  return [ref, other, statesOnly];
}

test('the infer experiment plans every source × target × mode, the source loading itself first', () => {
  const list = bindingsFor('/x');
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1], experiments: ['train', 'infer'], infer_modes: ['serialization', 'states'] }, list.map((b) => b.id));
  const cells = planCampaign(spec, list, new Set(list.map((b) => b.id)));
  const infer = cells.filter((c) => c.mode === 'infer');
  assert.deepEqual(
    infer.map((c) => `${c.binding} ${c.source!.loadMode} ${c.source!.format} ${c.skip?.status ?? 'run'}`),
    [
      'fake/python states safetensors run',
      'fake/python serialization torchscript run',
      'fake/rust states safetensors run',
      'fake/rust serialization torchscript run',
      'fake/js states safetensors run',
      'fake/js serialization torchscript not_supported',
    ],
  );
  assert.deepEqual(cells.find((c) => c.binding === 'fake/python' && c.mode === 'train')!.artifacts, ['safetensors', 'torchscript']);
  assert.deepEqual(cells.find((c) => c.binding === 'fake/rust' && c.mode === 'train')!.artifacts, ['safetensors']);
});

test('each cell records what it loaded and scored, the analysis judges reproduction and stability per cell, and damaged weights are a mismatch, not a crash', async () => {
  const home = tempHome();
  const list = bindingsFor(join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1], epochs: 2, experiments: ['train', 'infer'], infer_modes: ['states'] }, list.map((b) => b.id));
  // Train first, damage the reference's weights, then let --resume run the infer cells.
  const trainOnly = { ...spec, experiments: ['train' as const] };
  const first = await runCampaign({ home, spec: trainOnly, bindings: list, id: 'inf' });
  const ref = first.results.find((r) => r.cell.binding === 'fake/python')!;
  const weights = join(home.store, 'runs', 'inf', ref.cell.key, ref.artifacts.safetensors!);
  const second = await runCampaign({ home, spec, bindings: list, id: 'inf', resume: true });
  const infer = second.results.filter((r) => r.cell.mode === 'infer');
  assert.equal(infer.length, 3);
  const verdicts = () => new Map(ResultStore.with(home.store, (store) => store.runs('inf')).map((r) => [r.cellKey, reproductionOf(r)]));
  const judged = verdicts();
  for (const r of infer) {
    assert.equal(r.status, 'ok');
    assert.equal(r.source!.correct, 5100);
    assert.equal(r.source!.train_correct, 100);
    // Facts only in the result: the verdict is the analysis'.
    assert.equal('reproduced' in r.source!, false);
    assert.deepEqual(judged.get(r.cell.key), { reproduced: true, stable: true });
  }
  writeFileSync(weights, 'damaged');
  const cellKeyJs = infer.find((r) => r.cell.binding === 'fake/js')!.cell.key;
  // Remove the js infer result so resume reruns it against the damaged file.
  const { rmSync } = await import('node:fs');
  rmSync(join(home.store, 'runs', 'inf', cellKeyJs, 'result.json'));
  const third = await runCampaign({ home, spec, bindings: list, id: 'inf', resume: true });
  const damaged = third.results.find((r) => r.cell.key === cellKeyJs)!;
  assert.equal(damaged.status, 'ok');
  assert.equal(damaged.source!.target_correct, 1234);
  assert.deepEqual(verdicts().get(cellKeyJs), { reproduced: false, stable: false });
  assert.equal(third.failed, 0);
});

test('an infer cell whose source did not train is not available, with the reason', async () => {
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const list = bindingsFor(markers);
  list[0] = { ...list[0]!, launch: fakeBinding({ 1: 'crash' }, markers, 'fake/python').launch };
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1], epochs: 1, experiments: ['train', 'infer'], infer_modes: ['states'] }, list.map((b) => b.id));
  const out = await runCampaign({ home, spec, bindings: list, id: 'inf2' });
  const infer = out.results.filter((r) => r.cell.mode === 'infer');
  assert.ok(infer.every((r) => r.status === 'not_available' && /source run .* has no complete result \(failed/.test(r.reason!)));
  // The index still says where each skipped cell would have loaded from, so queries can group it with its source.
  const rows = ResultStore.with(home.store, (store) => store.runs('inf2').filter((r) => r.mode === 'infer'));
  assert.equal(rows.length, infer.length);
  for (const r of rows) assert.deepEqual({ sourceRun: r.sourceRun, sourceBinding: r.sourceBinding, loadMode: r.loadMode }, { sourceRun: 'inf2/lenet1--fake-python--s1--cpu', sourceBinding: 'fake/python', loadMode: 'states' });
});

test('a model a target runs only from a serialized graph is planned for serialization cells only', () => {
  const list = bindingsFor('/x');
  const rust = list.find((b) => b.id === 'fake/rust')!;
  rust.capabilities = { ...rust.capabilities, models: ['lenet5'], serializedModels: ['lenet1'], missingModels: { lenet1: 'no native LeNet-1 here' } };
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1], experiments: ['train', 'infer'], infer_modes: ['serialization', 'states'] }, list.map((b) => b.id));
  const cells = planCampaign(spec, list, new Set(list.map((b) => b.id))).filter((c) => c.binding === 'fake/rust');
  assert.deepEqual(
    cells.map((c) => `${c.mode} ${c.source?.loadMode ?? ''} ${c.skip?.status ?? 'run'}`),
    ['train  not_supported', 'infer states not_supported', 'infer serialization run'],
  );
  assert.equal(cells[1]!.skip!.reason, 'no native LeNet-1 here');
});

/** fake/python trains lenet1 and lenet5 (PyTorch); the TensorFlow side trains lenet5 only, as TensorFlow has no BERT. */
function crossFrameworkBindings(markers: string): BindingDescriptor[] {
  const [torchRef] = bindingsFor(markers);
  const tfOf = (id: string, reference: boolean, caps: Partial<BindingDescriptor['capabilities']>): BindingDescriptor => {
    const b = { ...fakeBinding({}, markers, id), framework: 'tensorflow' as const, reference };
    b.capabilities = { ...b.capabilities, ...caps };
    return b;
  };
  return [
    torchRef!,
    tfOf('faketf/python', true, { inferOnlyModels: { lenet1: 'its pretrained weights are PyTorch-only' }, loads: ['safetensors', 'savedmodel'], exports: ['safetensors', 'savedmodel'] }),
    tfOf('faketf/rust', false, { train: { supported: false, reason: 'inference only' }, loads: ['savedmodel'], exports: [] }),
  ];
}

test('a model the other framework does not train goes to its bindings: states directly, serialization through one conversion', () => {
  const list = crossFrameworkBindings('/x');
  const ids = list.map((b) => b.id);
  const plan = (extra: object) => planCampaign(resolveSpec({ models: ['lenet1', 'lenet5'], seeds: [1], experiments: ['train', 'infer'], infer_modes: ['states', 'serialization'], ...extra }, ids), list, new Set(ids));
  const show = (c: ReturnType<typeof plan>[number]) => `${c.model} ${c.mode} ${c.binding} ${c.source?.loadMode ?? ''} ${c.source?.format ?? ''} ${c.source?.via ?? ''} ${c.skip?.status ?? 'run'}`.replace(/ +/g, ' ').trim();
  const cells = plan({});
  assert.equal(cells.find((c) => c.mode === 'train' && c.binding === 'faketf/python' && c.model === 'lenet1')!.skip!.reason, 'its pretrained weights are PyTorch-only');
  const convertKey = 'lenet1--faketf-python--s1--cpu--convert-from-fake-python';
  assert.deepEqual(
    cells.filter((c) => c.mode !== 'train' && c.model === 'lenet1' && c.binding.startsWith('faketf/')).map(show),
    [
      'lenet1 infer faketf/python states safetensors run',
      'lenet1 infer faketf/rust states safetensors not_supported',
      `lenet1 convert faketf/python states safetensors run`,
      `lenet1 infer faketf/python serialization savedmodel ${convertKey} run`,
      `lenet1 infer faketf/rust serialization savedmodel ${convertKey} run`,
    ],
  );
  assert.deepEqual(cells.find((c) => c.mode === 'convert')!.artifacts, ['savedmodel']);
  // lenet5 is trained on both sides, so by default each framework keeps to its own models, as in the study.
  assert.equal(cells.filter((c) => c.model === 'lenet5' && c.source?.binding === 'fake/python' && c.binding.startsWith('faketf/')).length, 0);
  // faketf/python is a source too, but it cannot train lenet1: it lends nothing.
  assert.equal(cells.filter((c) => c.model === 'lenet1' && c.source?.binding === 'faketf/python').length, 0);
  assert.equal(plan({ infer_cross_framework: 'never' }).filter((c) => c.mode === 'convert').length, 0);
  // A model no PyTorch binding can run at all (as the reset_after=false GRU) is not sent there just to be refused.
  const tf = list.find((b) => b.id === 'faketf/python')!;
  tf.capabilities = { ...tf.capabilities, models: [...tf.capabilities.models, 'vgg16'] };
  assert.deepEqual(plan({ preset: 'quick-all', models: ['vgg16'] }).filter((c) => c.source?.binding === 'faketf/python' && !c.binding.startsWith('faketf/')).map(show), []);
  const always = plan({ infer_cross_framework: 'always' }).filter((c) => c.mode === 'convert').map((c) => `${c.model} ${c.binding} from ${c.source!.binding}`);
  assert.deepEqual(always, ['lenet1 faketf/python from fake/python', 'lenet5 faketf/python from fake/python', 'lenet5 fake/python from faketf/python']);
});

test('a cross-framework campaign converts once, judges every load against the source run, and files it under its own family', async () => {
  const home = tempHome();
  const list = crossFrameworkBindings(join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1], epochs: 2, experiments: ['train', 'infer'], infer_modes: ['states', 'serialization'] }, list.map((b) => b.id));
  const out = await runCampaign({ home, spec, bindings: list, id: 'cross' });
  const byKey = (k: string) => out.results.find((r) => r.cell.key === k)!;
  const convert = byKey('lenet1--faketf-python--s1--cpu--convert-from-fake-python');
  assert.equal(convert.status, 'ok');
  assert.deepEqual(Object.keys(convert.artifacts), ['savedmodel']);
  assert.equal(convert.source, null);
  const request = JSON.parse(readFileSync(join(home.store, 'runs', 'cross', convert.cell.key, 'request.json'), 'utf8'));
  assert.equal(request.mode, 'export');
  assert.match(request.weights.path, /lenet1--fake-python--s1--cpu\/artifacts\/model\.safetensors$/);
  const rust = byKey('lenet1--faketf-rust--s1--cpu--infer-serialization-from-fake-python');
  assert.equal(rust.status, 'ok');
  assert.equal(rust.source!.run_id, 'cross/lenet1--fake-python--s1--cpu');
  assert.equal(rust.source!.correct, 5100);
  assert.equal(rust.source!.target_correct, 5100);
  assert.match(JSON.parse(readFileSync(join(home.store, 'runs', 'cross', rust.cell.key, 'request.json'), 'utf8')).weights.path, /convert-from-fake-python\/artifacts\/model\.savedmodel$/);
  assert.equal(out.failed, 0);
  const store = ResultStore.open(home.store);
  try {
    const data = loadCampaignData(store, 'cross');
    const families = new Set(data.runs.filter((r) => r.mode === 'infer' && r.status === 'ok').map((r) => `${familyOf(r, defaultAnalysisOptions).family} ${r.binding}`));
    assert.deepEqual([...families].sort(), ['pytorch fake/python', 'pytorch→tensorflow faketf/python', 'pytorch→tensorflow faketf/rust']);
    const analysis = analyzeCampaign(data);
    const cross = analysis.rq4.find((f) => f.framework === 'pytorch→tensorflow')!;
    assert.equal(cross.reference, 'tensorflow/python');
    assert.deepEqual(analysis.rq2.filter((r) => r.framework === 'pytorch→tensorflow').map((r) => `${r.target} ${r.loadMode} ${r.verdict}`), [
      'faketf/python serialization all reproduced',
      'faketf/python states all reproduced',
      'faketf/rust serialization all reproduced',
      'faketf/rust states not recorded',
    ]);
  } finally {
    store.close();
  }
});

test('when the conversion fails, the serialization loads that need it are not available and say why', async () => {
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const list = crossFrameworkBindings(markers);
  list[1] = { ...list[1]!, launch: fakeBinding({ 1: 'not_supported' }, markers, 'faketf/python').launch };
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1], epochs: 1, experiments: ['train', 'infer'], infer_modes: ['serialization'] }, list.map((b) => b.id));
  const out = await runCampaign({ home, spec, bindings: list, id: 'cross2' });
  const convert = out.results.find((r) => r.cell.mode === 'convert')!;
  assert.equal(convert.status, 'not_supported');
  const rust = out.results.find((r) => r.cell.binding === 'faketf/rust' && r.cell.mode === 'infer')!;
  assert.equal(rust.status, 'not_available');
  assert.match(rust.reason!, /^the conversion run lenet1--faketf-python--s1--cpu--convert-from-fake-python has no complete result \(not_supported: fake binding cannot do this\)/);
});

test("TensorFlow.js loads the Keras model in its own Layers format where tfjs has the layers, and the SavedModel apart", () => {
  const list = bindings.filter((b) => b.framework === 'tensorflow');
  const ids = list.map((b) => b.id);
  const spec = resolveSpec({ preset: 'quick-all', models: ['lenet5', 'gru'], seeds: [1], bindings: ids, experiments: ['train', 'infer'], infer_modes: ['serialization', 'savedmodel'] }, ids);
  const cells = planCampaign(spec, list, new Set(ids));
  const loads = (model: string) =>
    cells.filter((c) => c.mode === 'infer' && c.model === model && !c.skip).map((c) => `${c.binding} ${c.source!.loadMode} ${c.source!.format}`);
  assert.deepEqual(loads('lenet5').sort(), [
    'tensorflow/java serialization savedmodel',
    'tensorflow/js savedmodel savedmodel',
    'tensorflow/js serialization tfjs-layers',
    'tensorflow/js-wasm serialization tfjs-layers',
    'tensorflow/python serialization savedmodel',
    'tensorflow/rust serialization savedmodel',
  ], 'a savedmodel cell only where serialization loads something else');
  // tfjs has no reset_after=true GRU: its serialization load falls back to the SavedModel, and nothing is repeated.
  assert.ok(loads('gru').includes('tensorflow/js serialization savedmodel'));
  assert.ok(!loads('gru').some((l) => l.includes(' savedmodel savedmodel')));
  const artifacts = (model: string) => cells.find((c) => c.mode === 'train' && c.model === model && c.binding === 'tensorflow/python')!.artifacts;
  assert.ok(artifacts('lenet5').includes('tfjs-layers'));
  assert.ok(!artifacts('gru').includes('tfjs-layers'), 'the Python runner is not asked for a format that cannot hold the model');
});
