import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { planCampaign } from '../../src/campaign/plan.js';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';
import { openIndex } from '../../src/store/index-db.js';

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

test('reproduction and stability are recorded per cell, and damaged weights are a recorded mismatch, not a crash', async () => {
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
  for (const r of infer) {
    assert.equal(r.status, 'ok');
    assert.equal(r.source!.correct, 5100);
    assert.equal(r.source!.reproduced, true);
    assert.equal(r.source!.stable, true);
    assert.equal(r.source!.train_correct, 100);
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
  assert.equal(damaged.source!.reproduced, false);
  assert.equal(damaged.source!.stable, false);
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
  const db = openIndex(home.store);
  try {
    const rows = db.prepare("SELECT source_run, source_binding, load_mode FROM runs WHERE campaign = 'inf2' AND mode = 'infer'").all() as { source_run: string; source_binding: string; load_mode: string }[];
    assert.equal(rows.length, infer.length);
    for (const row of rows) assert.deepEqual(row, { source_run: 'inf2/lenet1--fake-python--s1--cpu', source_binding: 'fake/python', load_mode: 'states' });
  } finally {
    db.close();
  }
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
