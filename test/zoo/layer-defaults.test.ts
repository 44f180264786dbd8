import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLayerDefaults } from '../../src/zoo/layer-defaults.js';
import { models } from '../../src/zoo/models.js';
import { modelSpecSchema } from '../../src/zoo/model-spec.js';
import { canonicalParameters } from '../../src/zoo/parameters.js';

const settings = (id: string, defaults: 'zoo' | 'native' | 'aligned') =>
  withLayerDefaults(models[id]!, defaults).layers.flatMap((l) =>
    l.kind === 'batch_norm' ? [`${l.name} ${l.momentum} ${l.epsilon}`] : l.kind === 'lstm' || l.kind === 'gru' ? [`${l.name} ${l.recurrent_activation ?? 'absent'}`] : [],
  );

test('layer defaults: zoo leaves the model as written, native leaves every binding-defaulted setting to the binding, aligned fixes Keras values', () => {
  assert.equal(withLayerDefaults(models.vgg16!, 'zoo'), models.vgg16, 'zoo is the zoo model itself');
  assert.deepEqual(settings('vgg16', 'zoo').slice(0, 1), ['bn1 native native']);
  assert.deepEqual(settings('vgg16', 'native').slice(0, 1), ['bn1 native native']);
  assert.deepEqual(settings('vgg16', 'aligned').slice(0, 1), ['bn1 0.99 0.001']);
  assert.deepEqual(settings('lstm', 'zoo'), ['lstm absent']);
  assert.deepEqual(settings('lstm', 'native'), ['lstm native']);
  assert.deepEqual(settings('gru-reset-before', 'aligned'), ['gru sigmoid']);
  assert.deepEqual(settings('lenet5', 'native'), [], 'a model without such layers is unchanged');
  for (const defaults of ['native', 'aligned'] as const) {
    for (const id of ['vgg16', 'lstm', 'gru']) {
      const model = withLayerDefaults(models[id]!, defaults);
      assert.ok(modelSpecSchema.safeParse(model).success, `${id} ${defaults} is a valid model spec`);
      assert.deepEqual(canonicalParameters(model), canonicalParameters(models[id]!), 'weights keep their names and shapes');
    }
  }
  assert.deepEqual(settings('vgg16', 'zoo').slice(0, 1), ['bn1 native native'], 'the zoo model itself is not changed');
});

test("a cell's model: training takes the campaign's layer defaults; a loaded model keeps the source's sigmoid gates under native", async () => {
  const { cellModel } = await import('../../src/campaign/cell-model.js');
  const gates = (m: ReturnType<typeof cellModel>) => m.layers.flatMap((l) => (l.kind === 'lstm' ? [l.recurrent_activation ?? 'absent'] : []));
  assert.deepEqual(gates(cellModel({ model: 'lstm', mode: 'train', layerDefaults: 'native' })), ['native']);
  assert.deepEqual(gates(cellModel({ model: 'lstm', mode: 'infer', layerDefaults: 'native' })), ['absent']);
  assert.deepEqual(gates(cellModel({ model: 'lstm', mode: 'infer', layerDefaults: 'aligned' })), ['sigmoid']);
  assert.equal(cellModel({ model: 'lstm', mode: 'train' }), models.lstm, 'no layer defaults: the zoo model');
});
