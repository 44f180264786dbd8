import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { readSafetensors } from '../../src/base/safetensors.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

test('a natural-order cell reaches the runner as a shared order of 0..n-1 rows; deterministic kernels off travel in the request', async () => {
  const home = tempHome();
  const binding = fakeBinding({ 1: 'ok' }, join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1], epochs: 2, train_limit: 300, data_order: 'natural', deterministic: false }, ['fake/js']);
  const outcome = await runCampaign({ home, spec, bindings: [binding], id: 'natural' });
  const run = outcome.results[0]!;
  assert.equal(run.status, 'ok');
  assert.equal(run.cell.dataOrder, 'natural', 'the run records the order it took, not the way it travelled');
  const request = JSON.parse(readFileSync(join(home.store, 'runs', 'natural', run.cell.key, 'request.json'), 'utf8'));
  assert.equal(request.data_order, 'shared');
  assert.equal(request.deterministic, false);
  const order = readSafetensors(request.order.path).tensors.order!;
  assert.deepEqual(order.shape, [2, 300]);
  const rows = Array.from(order.data as Int32Array);
  assert.deepEqual(rows, [...Array.from({ length: 300 }, (_, i) => i), ...Array.from({ length: 300 }, (_, i) => i)]);
});
