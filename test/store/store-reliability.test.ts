/** The store under a locked index, damaged files, two orchestrators, a hostile id and an import over measurements (issue 20). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { openIndex, rebuildIndex, verifyIndex } from '../../src/store/index-db.js';
import { ResultStore } from '../../src/store/result-store.js';
import { DamagedFileError } from '../../src/store/json-file.js';
import { BadInputError } from '../../src/base/errors.js';
import { packageRoot } from '../../src/base/home.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

const spec = (seeds: number[]) => resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds, epochs: 2 }, ['fake/js']);

test('another process holding the index locked does not end a campaign: the runs are indexed once it lets go', async () => {
  const home = tempHome();
  openIndex(home.store).close();
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  // A writer that holds the index for 6 s, longer than SQLite's 5 s busy wait.
  const holder = spawn(process.execPath, ['-e', `const D = require(${JSON.stringify(sqlite)}); const db = new D(${JSON.stringify(join(home.store, 'index.sqlite'))}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 6000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => holder.on('exit', r));
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  const outcome = await runCampaign({ home, spec: spec([1, 2]), bindings: [fakeBinding({}, join(home.root, 'm'))], id: 'busy' });
  await exited;
  assert.deepEqual(outcome.results.map((r) => r.status), ['ok', 'ok']);
  assert.equal(outcome.unindexed, 0);
  assert.deepEqual(verifyIndex(home.store), []);
});

test('damaged result.json, events.jsonl and campaign.json are named, left out of the index, and rerun by a resume', async () => {
  const home = tempHome();
  const binding = fakeBinding({}, join(home.root, 'm'));
  await runCampaign({ home, spec: spec([1, 2, 3]), bindings: [binding], id: 'hurt' });
  const keys = ResultStore.with(home.store, (s) => s.runKeys('hurt'));
  const [a, b] = keys;
  writeFileSync(join(home.store, 'runs', 'hurt', a!, 'result.json'), '{"run_id": "hurt/');
  writeFileSync(join(home.store, 'runs', 'hurt', b!, 'events.jsonl'), '{"type": "start"\nnot json\n');
  assert.throws(() => ResultStore.with(home.store, (s) => s.readRun('hurt', a!)), (e: Error) => e instanceof DamagedFileError && e.message.includes(join('hurt', a!, 'result.json')) && /not valid JSON/.test(e.message));
  const problems = verifyIndex(home.store).map((p) => `${p.run}: ${p.problem}`);
  assert.ok(problems.some((p) => p.startsWith(`hurt/${a}: `) && p.includes('result.json is damaged')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('an ok run whose') && p.includes(join(b!, 'events.jsonl'))), problems.join('\n'));
  const damaged: Array<{ run: string; problem: string }> = [];
  assert.equal(rebuildIndex(home.store, damaged), 2, 'the readable runs are indexed');
  assert.deepEqual(damaged.map((d) => d.run), [`hurt/${a}`]);
  const again = await runCampaign({ home, spec: spec([1, 2, 3]), bindings: [binding], id: 'hurt', resume: true });
  assert.deepEqual(again.results.map((r) => r.status), ['ok', 'ok', 'ok']);
  assert.deepEqual(verifyIndex(home.store), [], 'the two damaged runs were rerun, their old directories moved aside');
  writeFileSync(join(home.store, 'runs', 'hurt', 'campaign.json'), '{"id": ');
  assert.throws(() => ResultStore.with(home.store, (s) => s.readCampaign('hurt')), /campaign\.json is damaged \(not valid JSON/);
});

test('one orchestrator per campaign: a second resume is refused with the holder; a dead holder\'s lock is taken over', async () => {
  const home = tempHome();
  const binding = fakeBinding({}, join(home.root, 'm'));
  await runCampaign({ home, spec: spec([1]), bindings: [binding], id: 'one' });
  const release = ResultStore.with(home.store, (s) => s.lockCampaign('one'));
  await assert.rejects(runCampaign({ home, spec: spec([1, 2]), bindings: [binding], id: 'one', resume: true }), (e: Error) => e instanceof BadInputError && new RegExp(`already being run by process ${process.pid}`).test(e.message));
  release();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(home.store, 'runs', 'one', '.lock'), JSON.stringify({ pid: Number(dead), host: (await import('node:os')).hostname(), since: 'then' }));
  const resumed = await runCampaign({ home, spec: spec([1, 2]), bindings: [binding], id: 'one', resume: true });
  assert.deepEqual(resumed.results.map((r) => r.status), ['ok', 'ok']);
  assert.equal(existsSync(join(home.store, 'runs', 'one', '.lock')), false, 'released at the end');
});

test('ids that would leave the store are refused; an import never replaces a campaign bindbench measured', async () => {
  const home = tempHome();
  for (const id of ['../x', '..', 'a/b', '.hidden', '']) {
    assert.throws(() => ResultStore.with(home.store, (s) => s.campaignDir(id)), (e: Error) => e instanceof BadInputError && /is not a valid campaign id/.test(e.message), id);
  }
  assert.throws(() => ResultStore.with(home.store, (s) => s.readRun('c', '../../etc')), /is not a valid run key/);
  const cli = (args: string[]) => spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), '--home', home.root, ...args], { encoding: 'utf8' });
  for (const args of [['runs', 'show', '../..'], ['run', '--resume', '../../../x', '--dry-run']]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  await runCampaign({ home, spec: spec([1]), bindings: [fakeBinding({}, join(home.root, 'm'))], id: 'measured' });
  assert.throws(() => ResultStore.with(home.store, (s) => s.importCampaign('measured', { spec: { importer: 'x' }, runs: [] })), /already exists and was not imported/);
  assert.equal(ResultStore.with(home.store, (s) => s.runs('measured').length), 1, 'still there');
  assert.deepEqual(readdirSync(join(home.store, 'runs')).filter((d) => d.startsWith('.')), [], 'no staging left behind');
});

test('a tampered shared-order file is rebuilt before a cell trains on it; a damaged data cache stops a campaign before it exists', async () => {
  const home = tempHome();
  const binding = fakeBinding({}, join(home.root, 'm'));
  const first = await runCampaign({ home, spec: spec([7]), bindings: [binding], id: 'order-a' });
  const request = JSON.parse((await import('node:fs')).readFileSync(join(home.store, 'runs', 'order-a', first.results[0]!.cell.key, 'request.json'), 'utf8')) as { order: { path: string; sha256: string } };
  const { readSafetensors, writeSafetensors } = await import('../../src/base/safetensors.js');
  const file = readSafetensors(request.order.path);
  const rows = file.tensors.order!.data as Int32Array;
  [rows[0], rows[1]] = [rows[1]!, rows[0]!];
  writeSafetensors(request.order.path, file.tensors, file.metadata);
  const second = await runCampaign({ home, spec: spec([7]), bindings: [binding], id: 'order-b' });
  const again = JSON.parse((await import('node:fs')).readFileSync(join(home.store, 'runs', 'order-b', second.results[0]!.cell.key, 'request.json'), 'utf8')) as { order: { path: string; sha256: string } };
  assert.equal(again.order.sha256, request.order.sha256, 'the same seed trains on the same order as before the tampering');
  const { sha256File } = await import('../../src/base/file-hash.js');
  assert.equal(sha256File(again.order.path), request.order.sha256);

  // Flip a byte of the cached MNIST training file: the next campaign stops before creating anything.
  const cacheRoot = join(home.cache, 'data');
  const trainFile = (dir: string): string | null => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) {
        const found = trainFile(p);
        if (found) return found;
      } else if (d.name === 'train.safetensors') return p;
    }
    return null;
  };
  const train = trainFile(cacheRoot)!;
  const bytes = (await import('node:fs')).readFileSync(train);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(train, bytes);
  await assert.rejects(runCampaign({ home, spec: spec([7]), bindings: [binding], id: 'order-c' }), /is corrupt .*bindbench data prepare --force/);
  assert.equal(existsSync(join(home.store, 'runs', 'order-c')), false, 'no campaign left behind');
});
