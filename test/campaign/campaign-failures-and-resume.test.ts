import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { verifyIndex, openIndex } from '../../src/store/index-db.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

const SEEDS = [1, 2, 3, 4, 5, 6];

test('crashes, SIGKILL, hangs, NaN and protocol garbage become failed cells and the campaign goes on', async () => {
  const home = tempHome();
  const binding = fakeBinding({ 1: 'ok', 2: 'crash', 3: 'sigkill', 4: 'hang', 5: 'nan', 6: 'garbage' }, join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: SEEDS, epochs: 3, timeout_seconds: 2, test_every: 1 }, ['fake/js']);
  const outcome = await runCampaign({ home, spec, bindings: [binding], id: 'c1' });
  const bySeed = new Map(outcome.results.map((r) => [r.cell.seed, r]));
  assert.equal(bySeed.get(1)!.status, 'ok');
  assert.equal(bySeed.get(1)!.final_test_accuracy, 0.515);
  assert.equal(bySeed.get(2)!.status, 'failed');
  assert.equal(bySeed.get(2)!.exit_code, 3);
  assert.match(bySeed.get(2)!.stderr_tail, /something broke/);
  assert.equal(bySeed.get(3)!.status, 'failed');
  assert.equal(bySeed.get(3)!.signal, 'SIGKILL');
  assert.match(bySeed.get(4)!.reason!, /timed out/);
  assert.match(bySeed.get(5)!.reason!, /NaN loss/);
  assert.match(bySeed.get(6)!.reason!, /protocol error on line 3: not JSON/);
  assert.equal(outcome.failed, 5);
  // What a failed runner said before it died is kept (test_every: 1, so its first epoch carries a test accuracy).
  assert.equal(bySeed.get(3)!.final_test_accuracy, 0.505);
  assert.deepEqual(verifyIndex(home.store), []);
});

test('a clean exit without the whole conversation is failed: missing epochs, a missing artifact, no start event', async () => {
  const home = tempHome();
  const binding = fakeBinding({ 1: 'ok', 2: 'short', 3: 'no-artifact', 4: 'no-start' }, join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1, 2, 3, 4], epochs: 3, experiments: ['train', 'infer'], infer_sources: ['fake/js'] }, ['fake/js']);
  const outcome = await runCampaign({ home, spec, bindings: [binding], id: 'short' });
  const train = new Map(outcome.results.filter((r) => r.cell.mode === 'train').map((r) => [r.cell.seed, r]));
  assert.equal(train.get(1)!.status, 'ok');
  assert.deepEqual([train.get(2)!.status, train.get(2)!.reason], ['failed', 'incomplete: the runner reported epochs [1] of the 3 asked for']);
  assert.equal(train.get(3)!.status, 'failed');
  assert.match(train.get(3)!.reason!, /^incomplete: the runner wrote no safetensors artifact, which the request asked for/);
  assert.deepEqual([train.get(4)!.status, train.get(4)!.reason], ['failed', 'incomplete: the runner sent no start event']);
  assert.deepEqual(verifyIndex(home.store), []);
});

test('--resume reruns only the cells without a complete result and keeps the earlier attempt', async () => {
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const binding = fakeBinding({ 2: 'sigkill-once', 3: 'crash-once' }, markers);
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1, 2, 3], epochs: 2 }, ['fake/js']);
  const first = await runCampaign({ home, spec, bindings: [binding], id: 'c2' });
  assert.deepEqual(first.results.map((r) => r.status), ['ok', 'failed', 'failed']);
  const firstOk = first.results[0]!;

  const started: number[] = [];
  const second = await runCampaign({
    home,
    spec,
    bindings: [binding],
    id: 'c2',
    resume: true,
    onEvent: (e) => {
      if (e.type === 'cell-start') started.push(e.cell.seed);
    },
  });
  assert.deepEqual(started, [2, 3]);
  assert.deepEqual(second.results.map((r) => r.status), ['ok', 'ok', 'ok']);
  assert.equal(second.results[0]!.finished, firstOk.finished, 'the complete cell was not rerun');
  const attempts = readdirSync(join(home.store, 'runs', 'c2', '.attempts'));
  assert.equal(attempts.length, 2);
  assert.deepEqual(verifyIndex(home.store), []);
  const db = openIndex(home.store);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM runs WHERE campaign = 'c2' AND status = 'ok'").get() as { n: number }).n, 3);
  db.close();
});

test('a campaign id that exists is refused without --resume', async () => {
  const home = tempHome();
  const binding = fakeBinding({}, join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1], epochs: 1 }, ['fake/js']);
  await runCampaign({ home, spec, bindings: [binding], id: 'c3' });
  await assert.rejects(runCampaign({ home, spec, bindings: [binding], id: 'c3' }), /already exists.*--resume c3/);
});

test('an incomplete run directory (no result.json) is not taken for a result and is rerun on resume', async () => {
  const home = tempHome();
  const binding = fakeBinding({ 1: 'no-end' }, join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1], epochs: 1 }, ['fake/js']);
  const out = await runCampaign({ home, spec, bindings: [binding], id: 'c4' });
  assert.equal(out.results[0]!.status, 'failed');
  assert.match(out.results[0]!.reason!, /without an end event/);
  assert.ok(existsSync(join(out.dir, out.cells[0]!.key, 'events.jsonl')));
});
