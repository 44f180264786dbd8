import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSpec } from '../../src/campaign/spec.js';
import { planCampaign } from '../../src/campaign/plan.js';
import { STUDY_SEEDS } from '../../src/campaign/presets.js';
import { BadInputError } from '../../src/errors.js';
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
  assert.throws(() => resolveSpec({ data_order: 'random' }, known), /data_order: 'random' is not allowed; allowed values: shared, native/);
  assert.throws(() => resolveSpec({ seeds: 'five' }, known), /seeds: Expected array, received string/);
  assert.throws(() => resolveSpec({ epoch: 3 }, known), /unknown field\(s\) epoch; allowed fields: .*epochs/);
  assert.throws(() => resolveSpec({ preset: 'fast' }, known), /preset: unknown preset 'fast'; allowed values: paper, quick/);
});

test('the paper preset carries the study settings', () => {
  const fake = fakeBinding({}, '/nonexistent');
  const spec = resolveSpec({ preset: 'paper', bindings: ['fake/js'], seeds: [1] }, ['fake/js']);
  const cells = planCampaign(spec, [fake], new Set(['fake/js']));
  assert.equal(cells.length, 2);
  for (const c of cells) {
    assert.equal(c.hyper.epochs, 200);
    assert.equal(c.hyper.batch_size, 128);
    assert.deepEqual(c.hyper.optimizer, { name: 'sgd', learning_rate: 0.05 });
    assert.equal(c.trainLimit, null);
  }
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
