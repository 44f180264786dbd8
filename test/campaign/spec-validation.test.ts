import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSpec } from '../../src/campaign/spec.js';
import { planCampaign } from '../../src/campaign/plan.js';
import { presets, STUDY_SEEDS } from '../../src/campaign/presets.js';
import { BadInputError } from '../../src/base/errors.js';
import { fakeBinding } from '../fixtures/fake-binding.js';

const known = ['tensorflow/js', 'pytorch/python'];

test('defaults: quick preset, the study seeds, cpu, shared data order, native init', () => {
  const spec = resolveSpec({}, known);
  assert.equal(spec.preset, 'quick');
  assert.deepEqual(spec.seeds, STUDY_SEEDS);
  assert.deepEqual(spec.seeds, [287426343, 1850616268, 2068338201, 1202616822, 868822724]);
  assert.deepEqual(spec.devices, ['cpu']);
  assert.equal(spec.data_order, 'shared');
  assert.equal(spec.init, 'native');
});

test('an unknown model names the field and the allowed values', () => {
  assert.throws(() => resolveSpec({ models: ['lenet7'] }, known), (e: Error) => e instanceof BadInputError && /models: unknown model 'lenet7'; allowed values: lenet1, lenet5/.test(e.message));
});

test('an unknown binding names the field and the allowed values', () => {
  assert.throws(() => resolveSpec({ bindings: ['pytorch/cobol'] }, known), /bindings: unknown binding 'pytorch\/cobol'; allowed values: installed, tensorflow\/js, pytorch\/python/);
});

test('a bad enum value, a wrong type and an unknown field are each reported by field', () => {
  assert.throws(() => resolveSpec({ data_order: 'random' }, known), /data_order: 'random' is not allowed; allowed values: shared, native, natural, study/);
  assert.throws(() => resolveSpec({ seeds: 'five' }, known), /seeds: Expected array, received string/);
  assert.throws(() => resolveSpec({ epoch: 3 }, known), /unknown field\(s\) epoch; allowed fields: .*epochs/);
  assert.throws(() => resolveSpec({ preset: 'fast' }, known), /preset: unknown preset 'fast'; allowed values: paper, controlled, quick/);
});

test('the paper preset carries the study settings', () => {
  const fake = { ...fakeBinding({}, '/nonexistent'), capabilities: { ...fakeBinding({}, '/x').capabilities, models: ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru'] } };
  const spec = resolveSpec({ preset: 'paper', bindings: ['fake/js'], seeds: [1] }, ['fake/js']);
  assert.deepEqual(spec.models, ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before', 'bert-minilm']);
  const cells = planCampaign(spec, [fake], new Set(['fake/js']));
  const byModel = Object.fromEntries(cells.map((c) => [c.model, c]));
  for (const id of ['lenet1', 'lenet5', 'vgg16']) {
    assert.equal(byModel[id]!.hyper.epochs, 200);
    assert.equal(byModel[id]!.hyper.batch_size, 128);
    assert.deepEqual(byModel[id]!.hyper.optimizer, { name: 'sgd', learning_rate: 0.05 });
    assert.equal(byModel[id]!.hyper.loss, 'sparse_categorical_crossentropy');
  }
  assert.deepEqual(byModel.lstm!.hyper, { epochs: 30, batch_size: 256, optimizer: { name: 'adam', learning_rate: 8e-5 }, loss: 'binary_crossentropy' });
  assert.deepEqual(byModel.gru!.hyper.optimizer, { name: 'adam', learning_rate: 3e-4 });
  assert.deepEqual(byModel['bert-minilm']!.hyper, { epochs: 2, batch_size: 32, optimizer: { name: 'adam', learning_rate: 2e-5 }, loss: 'binary_crossentropy' });
  assert.ok(cells.every((c) => c.trainLimit === null && !c.testLimit));
  assert.deepEqual(byModel['gru-reset-before']!.skip, { status: 'not_supported', reason: 'fake/js has no GRU (reset_after=false) in its runner' });
});

test('quick-all: every model, one seed, train and infer, subsets for the big models', () => {
  const spec = resolveSpec({ preset: 'quick-all' }, known);
  assert.deepEqual(spec.models, ['lenet1', 'lenet5', 'vgg16', 'lstm', 'gru', 'gru-reset-before', 'bert-minilm']);
  assert.deepEqual(spec.seeds, [STUDY_SEEDS[0]]);
  assert.deepEqual(spec.experiments, ['train', 'infer']);
  assert.equal(spec.inference_repetitions, 2);
  // The spec still decides over the preset's defaults.
  assert.deepEqual(resolveSpec({ preset: 'quick-all', seeds: [1, 2], experiments: ['train'] }, known).seeds, [1, 2]);
  const fake = { ...fakeBinding({}, '/x'), capabilities: { ...fakeBinding({}, '/x').capabilities, models: Object.keys(presets['quick-all']!.perModel) } };
  const cells = planCampaign({ ...spec, bindings: ['fake/js'] }, [fake], new Set(['fake/js']));
  const vgg = cells.find((c) => c.model === 'vgg16')!;
  assert.deepEqual([vgg.hyper.epochs, vgg.trainLimit, vgg.testLimit], [1, 1024, 200]);
  const lstm = cells.find((c) => c.model === 'lstm')!;
  assert.deepEqual([lstm.hyper.epochs, lstm.hyper.batch_size, lstm.trainLimit, lstm.testLimit], [1, 256, 128, 100]);
  const bert = cells.find((c) => c.model === 'bert-minilm')!;
  assert.deepEqual([bert.hyper.epochs, bert.hyper.batch_size, bert.hyper.optimizer.learning_rate, bert.trainLimit, bert.testLimit], [1, 32, 1e-4, 768, 128]);
  assert.equal(cells.find((c) => c.model === 'lenet1')!.testLimit, null);
  // A runner that does not read data.test_limit would count the whole test set: such cells are not planned.
  assert.deepEqual(vgg.skip, { status: 'not_supported', reason: "fake/js's runner does not read data.test_limit, and this preset evaluates VGG-16 on the first 200 test examples only" });
  assert.equal(cells.find((c) => c.model === 'lenet1')!.skip, null);
  const reading = { ...fake, capabilities: { ...fake.capabilities, testLimit: true } };
  assert.ok(planCampaign({ ...spec, bindings: ['fake/js'] }, [reading], new Set(['fake/js'])).every((c) => c.skip === null));
});

test('a binding that names why it lacks a model gives that reason', () => {
  const base = fakeBinding({}, '/x');
  const fake = { ...base, capabilities: { ...base.capabilities, missingModels: { lenet5: 'the framework has no such layer' } } };
  const spec = resolveSpec({ bindings: ['fake/js'], seeds: [1], models: ['lenet5'] }, ['fake/js']);
  const [cell] = planCampaign(spec, [{ ...fake, capabilities: { ...fake.capabilities, models: ['lenet1'] } }], new Set(['fake/js']));
  assert.deepEqual(cell!.skip, { status: 'not_supported', reason: 'the framework has no such layer' });
});

test('planning orders cells model, seed, binding and marks what cannot run', () => {
  const a = fakeBinding({}, '/x', 'fake/a');
  const b = { ...fakeBinding({}, '/x', 'fake/b'), capabilities: { ...a.capabilities, models: ['lenet5'] } };
  const spec = resolveSpec({ bindings: ['fake/a', 'fake/b'], seeds: [1, 2], models: ['lenet1'] }, ['fake/a', 'fake/b']);
  const cells = planCampaign(spec, [a, b], new Set(['fake/a']));
  assert.deepEqual(cells.map((c) => `${c.seed} ${c.binding}`), ['1 fake/a', '1 fake/b', '2 fake/a', '2 fake/b']);
  assert.equal(cells[0]!.skip, null);
  assert.equal(cells[1]!.skip!.status, 'not_supported');
  assert.match(cells[1]!.skip!.reason, /no LeNet-1/);
});

test("infer_seeds: 'all' (the default) or seeds of the campaign, anything else named", () => {
  assert.equal(resolveSpec({ infer_seeds: 'all' }, known).infer_seeds, 'all');
  assert.equal(resolveSpec({}, known).infer_seeds, 'all');
  assert.deepEqual(resolveSpec({ seeds: [1, 2], infer_seeds: [2] }, known).infer_seeds, [2]);
  assert.throws(() => resolveSpec({ seeds: [1, 2], infer_seeds: [3] }, known), /infer_seeds: 3 is not one of the campaign's seeds/);
  assert.throws(() => resolveSpec({ infer_seeds: 'some' }, known), (e: Error) => e instanceof BadInputError && /infer_seeds/.test(e.message));
});

test('the training style axis: minimal by default, idiomatic cells keyed apart, a binding without the style says why', () => {
  assert.deepEqual(resolveSpec({}, known).styles, ['minimal']);
  assert.deepEqual(resolveSpec({ preset: 'paper' }, known).styles, ['idiomatic'], "the paper preset is the study's protocol");
  assert.equal(resolveSpec({ preset: 'paper' }, known).data_order, 'study');
  assert.equal(resolveSpec({ preset: 'paper', data_order: 'shared' }, known).data_order, 'shared', 'the spec still decides over the preset');
  assert.throws(() => resolveSpec({ styles: ['fancy'] }, known), /styles.0: 'fancy' is not allowed; allowed values: minimal, idiomatic/);
  const spec = resolveSpec({ bindings: ['fake/js'], seeds: [1], models: ['lenet1'], styles: ['idiomatic', 'minimal'] }, ['fake/js']);
  const plain = fakeBinding({}, '/x');
  const fluent = { ...plain, capabilities: { ...plain.capabilities, idiomaticTraining: { supported: true as const, api: 'fit' } } };
  const keysAndSkips = (b: typeof plain) => planCampaign(spec, [b], new Set(['fake/js'])).map((c) => [c.key, c.style ?? 'minimal', c.skip?.reason ?? null]);
  assert.deepEqual(keysAndSkips(fluent), [
    ['lenet1--fake-js--s1--cpu--idiomatic', 'idiomatic', null],
    ['lenet1--fake-js--s1--cpu', 'minimal', null],
  ]);
  assert.deepEqual(keysAndSkips(plain)[0], ['lenet1--fake-js--s1--cpu--idiomatic', 'idiomatic', "fake/js's runner has no idiomatic training style (only bindbench's minimal loop)"]);
  // A minimal cell is planned exactly as before the axis existed: no `style` field, the same key.
  assert.equal('style' in planCampaign({ ...spec, styles: ['minimal'] }, [plain], new Set(['fake/js']))[0]!, false);
});

test("the study's data order: each binding in the order its script used, a binding the study did not script in its own", () => {
  const plain = fakeBinding({}, '/x');
  const as = (id: string, studyDataOrder?: { order: 'natural' | 'native'; script: string }) => ({ ...plain, id, capabilities: { ...plain.capabilities, ...(studyDataOrder ? { studyDataOrder } : {}) } });
  const bindings = [as('fake/loader', { order: 'natural', script: 'DataLoader(shuffle=False)' }), as('fake/fit', { order: 'native', script: 'fit(shuffle=True)' }), as('fake/new')];
  const ids = bindings.map((b) => b.id);
  const orders = (data_order: string) =>
    planCampaign(resolveSpec({ bindings: ids, seeds: [1], models: ['lenet1'], data_order }, ids), bindings, new Set(ids)).map((c) => [c.binding, c.dataOrder]);
  assert.deepEqual(orders('study'), [['fake/loader', 'natural'], ['fake/fit', 'native'], ['fake/new', 'native']]);
  assert.deepEqual(orders('natural'), [['fake/loader', 'natural'], ['fake/fit', 'natural'], ['fake/new', 'natural']], 'natural asked of all is natural for all');
  assert.deepEqual(orders('shared').map(([, o]) => o), ['shared', 'shared', 'shared']);
});

test('deterministic kernels: on by default and in controlled, off in paper, the flag decides over the preset; only an off is written into a cell', () => {
  assert.equal(resolveSpec({}, known).deterministic, true);
  assert.equal(resolveSpec({ preset: 'paper' }, known).deterministic, false, 'the study paid for no deterministic kernels');
  assert.equal(resolveSpec({ preset: 'paper', deterministic: true }, known).deterministic, true);
  assert.throws(() => resolveSpec({ deterministic: 'yes' }, known), /deterministic: Expected boolean, received string/);
  const controlled = resolveSpec({ preset: 'controlled' }, known);
  assert.deepEqual([controlled.styles, controlled.data_order, controlled.init, controlled.deterministic], [['minimal'], 'shared', 'shared', true]);
  assert.deepEqual(controlled.models, resolveSpec({ preset: 'paper' }, known).models, "controlled runs the paper's models");
  const plain = fakeBinding({}, '/x');
  const cell = (w: object) => planCampaign(resolveSpec({ bindings: ['fake/js'], seeds: [1], models: ['lenet1'], ...w }, ['fake/js']), [plain], new Set(['fake/js']))[0]!;
  assert.equal(cell({ deterministic: false }).deterministic, false);
  assert.equal('deterministic' in cell({}), false, 'a cell with the kernels on is planned as before the field existed');
});

test('layer defaults: zoo by default, native in paper, aligned in controlled; only a non-zoo value is written into a cell', () => {
  assert.equal(resolveSpec({}, known).layer_defaults, 'zoo');
  assert.equal(resolveSpec({ preset: 'paper' }, known).layer_defaults, 'native');
  assert.equal(resolveSpec({ preset: 'controlled' }, known).layer_defaults, 'aligned');
  assert.throws(() => resolveSpec({ layer_defaults: 'keras' }, known), /layer_defaults: 'keras' is not allowed; allowed values: zoo, native, aligned/);
  const plain = fakeBinding({}, '/x');
  const cell = (w: object) => planCampaign(resolveSpec({ bindings: ['fake/js'], seeds: [1], models: ['lenet1'], ...w }, ['fake/js']), [plain], new Set(['fake/js']))[0]!;
  assert.equal(cell({ layer_defaults: 'aligned' }).layerDefaults, 'aligned');
  assert.equal('layerDefaults' in cell({}), false);
});
