import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lenet1, lenet5 } from '../../src/zoo/models.js';
import { canonicalParameters, parameterCount } from '../../src/zoo/parameters.js';

test('LeNet-1 has 4,326 parameters and LeNet-5 61,706, as in the study', () => {
  assert.equal(parameterCount(lenet1), 4326);
  assert.equal(parameterCount(lenet5), 61706);
});

test('canonical names and PyTorch layouts, flatten channel-major', () => {
  assert.deepEqual(
    canonicalParameters(lenet1).map((p) => `${p.name} ${p.shape.join('x')}`),
    ['conv1.weight 4x1x5x5', 'conv1.bias 4', 'conv2.weight 12x4x5x5', 'conv2.bias 12', 'fc1.weight 10x300', 'fc1.bias 10'],
  );
  assert.deepEqual(canonicalParameters(lenet5).find((p) => p.name === 'fc1.weight')!.shape, [84, 120]);
});
