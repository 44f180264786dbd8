/**
 * Fault injection: seeded random trials of orchestrator SIGKILLs, misbehaving runners, truncated event streams and
 * concurrent `runs reindex`, each followed by the checks that matter: no complete run lost or duplicated, no partial
 * run counted as complete, and `runs verify` agreeing with the directories. The seed is printed; set
 * BINDBENCH_FAULT_SEED to replay a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { verifyIndex } from '../../src/store/index-db.js';
import { ResultStore } from '../../src/store/result-store.js';
import { SeededRandom } from '../../src/base/seeded-random.js';
import { packageRoot } from '../../src/base/home.js';
import { prepareDataset } from '../../src/data/cache.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

const SEED = Number(process.env.BINDBENCH_FAULT_SEED ?? Date.now() % 2 ** 31);
const rng = new SeededRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[rng.nextBelow(xs.length)]!;
const home = tempHome('bindbench-faults-');
const SEEDS = [1, 2, 3, 4];
const BEHAVIOURS = ['ok', 'ok', 'ok', 'crash', 'sigkill', 'hang', 'garbage', 'short', 'no-end', 'no-artifact', 'nan'];
const spec = () => resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: SEEDS, epochs: 2, timeout_seconds: 1 }, ['fake/js']);
const script = () => Object.fromEntries(SEEDS.map((s) => [s, pick(BEHAVIOURS)]));
const trials: string[] = [];

/** What must hold after every trial, for the campaign and for the store as a whole. */
function checkInvariants(campaign: string, expectAllComplete: boolean): void {
  const problems = verifyIndex(home.store);
  assert.deepEqual(problems, [], `seed ${SEED}, ${campaign}: runs verify disagrees`);
  ResultStore.with(home.store, (store) => {
    const keys = store.runKeys(campaign);
    assert.equal(new Set(keys).size, keys.length);
    const indexed = store.runs(campaign);
    assert.equal(new Set(indexed.map((r) => r.id)).size, indexed.length, `seed ${SEED}, ${campaign}: a run indexed twice`);
    for (const r of indexed) {
      const run = store.readRun(campaign, r.cellKey)!;
      assert.ok(run, `seed ${SEED}, ${campaign}: indexed run ${r.id} has no result on disk`);
      if (r.status === 'ok') {
        const epochs = run.events.filter((e) => e.type === 'epoch').length;
        assert.equal(epochs, 2, `seed ${SEED}, ${campaign}: ok run ${r.id} has ${epochs} epochs`);
      }
    }
    // A cell directory without result.json is partial: never in the index.
    for (const key of keys) if (!store.readRun(campaign, key)) assert.ok(!indexed.some((r) => r.cellKey === key), `seed ${SEED}: partial ${key} indexed`);
    if (expectAllComplete) assert.equal(indexed.length, SEEDS.length, `seed ${SEED}, ${campaign}: ${indexed.length} of ${SEEDS.length} cells complete after resume`);
  });
}

/** The orchestrator in a process of its own (so it can be SIGKILLed), running the fake binding. */
function orchestrator(campaign: string, behaviours: Record<string, string>, resume: boolean) {
  const code = `
    const [{ runCampaign }, { resolveSpec }, { fakeBinding }, { resolveHome }] = await Promise.all([
      import(${JSON.stringify(join(packageRoot, 'dist/src/campaign/run-campaign.js'))}),
      import(${JSON.stringify(join(packageRoot, 'dist/src/campaign/spec.js'))}),
      import(${JSON.stringify(join(packageRoot, 'dist/test/fixtures/fake-binding.js'))}),
      import(${JSON.stringify(join(packageRoot, 'dist/src/base/home.js'))}),
    ]);
    const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: ${JSON.stringify(SEEDS)}, epochs: 2, timeout_seconds: 1 }, ['fake/js']);
    await runCampaign({ home: resolveHome(${JSON.stringify(home.root)}), spec, bindings: [fakeBinding(${JSON.stringify(behaviours)}, ${JSON.stringify(join(home.root, 'markers', campaign))})], id: ${JSON.stringify(campaign)}, resume: ${resume} });`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
}

test(`fault injection (seed ${SEED}): 50 trials of kills, misbehaving runners, truncations and concurrent reindexing`, { timeout: 600_000 }, async () => {
  process.stderr.write(`fault injection seed ${SEED} (BINDBENCH_FAULT_SEED=${SEED} replays it)\n`);
  prepareDataset(home, 'mnist');
  const binding = (b: Record<string, string>, c: string) => fakeBinding(b, join(home.root, 'markers', c));
  for (let t = 0; t < 50; t++) {
    const campaign = `trial-${t}`;
    const kind = t < 20 ? 'orchestrator-kill' : t < 35 ? 'runner-faults' : t < 45 ? 'truncate-events' : 'concurrent-reindex';
    if (kind === 'orchestrator-kill') {
      const child = orchestrator(campaign, Object.fromEntries(SEEDS.map((s) => [s, 'ok'])), false);
      const exited = new Promise((r) => child.on('exit', r));
      const after = 200 + rng.nextBelow(1800);
      await new Promise((r) => setTimeout(r, after));
      child.kill('SIGKILL');
      await exited;
      trials.push(`${kind} after ${after} ms`);
      if (!existsSync(join(home.store, 'runs', campaign, 'campaign.json'))) continue; // killed before it existed
      checkInvariants(campaign, false);
      await runCampaign({ home, spec: spec(), bindings: [binding({}, campaign)], id: campaign, resume: true });
      checkInvariants(campaign, true);
    } else if (kind === 'runner-faults') {
      const behaviours = script();
      await runCampaign({ home, spec: spec(), bindings: [binding(behaviours, campaign)], id: campaign });
      trials.push(`${kind} ${JSON.stringify(behaviours)}`);
      checkInvariants(campaign, false);
      await runCampaign({ home, spec: spec(), bindings: [binding({}, campaign)], id: campaign, resume: true });
      checkInvariants(campaign, true);
    } else if (kind === 'truncate-events') {
      await runCampaign({ home, spec: spec(), bindings: [binding({}, campaign)], id: campaign });
      const key = pick(ResultStore.with(home.store, (s) => s.runKeys(campaign)));
      const events = join(home.store, 'runs', campaign, key, 'events.jsonl');
      const size = statSync(events).size;
      const cut = rng.nextBelow(size);
      truncateSync(events, cut);
      trials.push(`${kind} ${key} at byte ${cut}`);
      // Any cut short of the last newline loses the end event at least: verify must see it, and a resume reruns it.
      const whole = cut >= size - 1;
      assert.ok(whole || verifyIndex(home.store).some((p) => p.problem.includes('events.jsonl')), `seed ${SEED}: a stream cut at byte ${cut} went unnoticed`);
      await runCampaign({ home, spec: spec(), bindings: [binding({}, campaign)], id: campaign, resume: true });
      checkInvariants(campaign, true);
    } else {
      const reindexers = Array.from({ length: 3 }, () => spawn(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), '--home', home.root, 'runs', 'reindex'], { stdio: 'ignore' }));
      const done = Promise.all(reindexers.map((p) => new Promise((r) => p.on('exit', r))));
      const outcome = await runCampaign({ home, spec: spec(), bindings: [binding({}, campaign)], id: campaign });
      await done;
      trials.push(`${kind}: ${outcome.results.length} runs, ${outcome.unindexed ?? 0} left to index`);
      if (outcome.unindexed) ResultStore.reindex(home.store);
      checkInvariants(campaign, true);
    }
  }
  assert.equal(trials.length, 50);
  process.stderr.write(`fault injection: ${trials.length} trials, seed ${SEED}\n`);
});
