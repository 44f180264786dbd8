/**
 * The Slurm executor on a real one-node Slurm (slurmctld and slurmd started on this machine by
 * scripts/slurm-local.sh): the same campaign as the local executor, and the faults a cluster brings (a cancelled
 * task, Ctrl-C on the orchestrator, a killed orchestrator). Skips, saying why, where Slurm cannot run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { packageRoot, resolveHome, type Home } from '../../src/base/home.js';
import { pytorchPython } from '../../src/bindings/pytorch-python.js';
import { pytorchRust } from '../../src/bindings/pytorch-rust.js';
import { arrayState, isActiveState, scancel } from '../../src/campaign/cluster/slurm-commands.js';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { ResultStore, type RunResultFile } from '../../src/store/result-store.js';
import { verifyIndex } from '../../src/store/index-db.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { startLocalSlurm, type LocalSlurm } from '../fixtures/slurm-cluster.js';
import { tempHome } from '../fixtures/temp-home.js';

let cluster: LocalSlurm | null = null;
let skip: string | null = null;

before(() => {
  const started = startLocalSlurm();
  if ('unavailable' in started) skip = started.unavailable;
  else {
    cluster = started;
    process.env.SLURM_CONF = started.env.SLURM_CONF;
  }
});

after(() => cluster?.stop());

const CLI = join(packageRoot, 'bin', 'bindbench.js');

async function waitFor<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function results(home: Home, campaign: string): Map<number, RunResultFile> {
  return ResultStore.with(home.store, (store) => {
    const out = new Map<number, RunResultFile>();
    for (const key of store.runKeys(campaign)) {
      const run = store.readRun(campaign, key);
      if (run) out.set(run.result.cell.seed, run.result);
    }
    return out;
  });
}

function arrayIds(home: Home, campaign: string): string[] {
  return ResultStore.with(home.store, (s) => s.readExecutorFile<{ arrays: Array<{ id: string }> }>(campaign, 'slurm-arrays')?.arrays.map((a) => a.id) ?? []);
}

/** The task (array id and index) running the cell of this seed, once its runner has reported an epoch. */
async function runningTask(home: Home, campaign: string, seed: number): Promise<{ array: string; index: number }> {
  return waitFor(`seed ${seed} to be training on Slurm`, async () => {
    const dir = join(home.store, 'runs', campaign, `lenet1--fake-js--s${seed}--cpu`);
    if (!existsSync(join(dir, 'events.jsonl')) || !readFileSync(join(dir, 'events.jsonl'), 'utf8').includes('"epoch"')) return null;
    for (const array of arrayIds(home, campaign)) {
      const state = await arrayState(array);
      const wave = JSON.parse(readFileSync(join(home.store, 'runs', campaign, '.executor', 'wave-0-cpu.json'), 'utf8')) as { jobs: Array<{ key: string }> };
      const index = wave.jobs.findIndex((j) => j.key === `lenet1--fake-js--s${seed}--cpu`);
      if (state?.tasks.some((t) => t.index === index && t.state === 'RUNNING')) return { array, index };
    }
    return null;
  });
}

async function noActiveTask(ids: readonly string[]): Promise<boolean> {
  for (const id of ids) {
    const state = await arrayState(id);
    if (state && (state.pending.length || state.tasks.some((t) => isActiveState(t.state)))) return false;
  }
  return true;
}

/** A temp home whose environments, runner builds and data cache are the repository's, so real bindings run in it. */
function homeWithInstalledBindings(): Home {
  const home = tempHome('bindbench-slurm-real-');
  const installed = resolveHome(join(packageRoot, '.bindbench'));
  mkdirSync(home.root, { recursive: true });
  for (const part of ['envs', 'build', 'cache'] as const) if (existsSync(installed[part])) symlinkSync(installed[part], home[part]);
  return home;
}

test('a small campaign on Slurm: the same cells, statuses and accuracies as the local executor', async (t) => {
  if (skip) return t.skip(skip);
  const home = homeWithInstalledBindings();
  for (const b of [pytorchPython, pytorchRust]) {
    const probe = await b.probe(home);
    if (!probe.installed) return t.skip(`${b.id} is not installed: ${probe.detail}`);
  }
  const common = ['--home', home.root, 'run', '--models', 'lenet1', '--bindings', 'pytorch/python,pytorch/rust', '--seeds', '1,2', '--epochs', '1', '--train-limit', '2000', '--json'];
  const local = spawnSync(process.execPath, [CLI, ...common, '--name', 'on-local'], { encoding: 'utf8' });
  assert.equal(local.status, 0, local.stderr);
  const slurm = spawnSync(process.execPath, [CLI, ...common, '--name', 'on-slurm', '--executor', 'slurm', '--max-parallel', '2'], { encoding: 'utf8', env: cluster!.env });
  assert.equal(slurm.status, 0, slurm.stderr);
  const byKey = (out: string) => new Map((JSON.parse(out) as { results: RunResultFile[] }).results.map((r) => [r.cell.key, r]));
  const a = byKey(local.stdout);
  const b = byKey(slurm.stdout);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [key, r] of a) {
    const s = b.get(key)!;
    assert.equal(s.status, r.status, key);
    assert.equal(s.status, 'ok', `${key}: ${s.reason}`);
    assert.equal(s.final_test_accuracy, r.final_test_accuracy, `${key}: deterministic, so the same accuracy wherever it ran`);
    assert.equal(s.schedule?.cluster, 'slurm');
  }
  ResultStore.with(home.store, (store) => {
    assert.equal(store.runs('on-slurm').length, 4, 'every run indexed by the orchestrator');
    for (const key of b.keys()) {
      const env = store.runEnvironment('on-slurm', key) as { cluster: { state: string; node: string; job_id: string } };
      assert.equal(env.cluster.state, 'COMPLETED');
      assert.equal(env.cluster.node, hostname().split('.')[0]);
      assert.match(env.cluster.job_id, /^\d+$/);
    }
  });
  assert.deepEqual(verifyIndex(home.store), []);
});

test("a cancelled task is a failed run with Slurm's reason, and --resume reruns only it", async (t) => {
  if (skip) return t.skip(skip);
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const binding = fakeBinding({ 1: 'sleep-500', 2: 'sleep-1500', 3: 'sleep-500' }, markers);
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1, 2, 3], epochs: 3, executor: 'slurm', slurm: { max_parallel: 1, poll_seconds: 0.3 } }, ['fake/js']);
  const running = runCampaign({ home, spec, bindings: [binding], id: 'cancel' });
  const task = await runningTask(home, 'cancel', 2);
  await scancel([`${task.array}_${task.index}`]);
  const first = await running;
  assert.equal(first.failed, 1);
  const cancelled = first.results.find((r) => r.cell.seed === 2)!;
  assert.equal(cancelled.status, 'failed');
  assert.match(cancelled.reason!, /^Slurm ended job \d+ \(CANCELLED\)/);
  const before = results(home, 'cancel');
  const kept = [1, 3].map((seed) => readFileSync(join(home.store, 'runs', 'cancel', `lenet1--fake-js--s${seed}--cpu`, 'result.json'), 'utf8'));

  const second = await runCampaign({ home, spec, bindings: [binding], id: 'cancel', resume: true });
  assert.equal(second.failed, 0);
  assert.deepEqual(second.results.map((r) => r.status), ['ok', 'ok', 'ok']);
  assert.deepEqual(
    [1, 3].map((seed) => readFileSync(join(home.store, 'runs', 'cancel', `lenet1--fake-js--s${seed}--cpu`, 'result.json'), 'utf8')),
    kept,
    'complete runs are not run again',
  );
  assert.equal(before.get(2)!.status, 'failed');
  // The cancelled attempt is moved aside, not deleted.
  assert.ok(readdirSync(join(home.store, 'runs', 'cancel', '.attempts')).some((d) => d.startsWith('lenet1--fake-js--s2--cpu--')), 'earlier attempt kept');
  assert.deepEqual(verifyIndex(home.store), []);
});

test('with --requeue a requeued task runs its cell again from the start, and the campaign waits for it', async (t) => {
  if (skip) return t.skip(skip);
  const home = tempHome();
  const binding = fakeBinding({ 1: 'sleep-1000', 2: 'sleep-300' }, join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1, 2], epochs: 3, executor: 'slurm', slurm: { max_parallel: 1, poll_seconds: 0.3, requeue: true } }, ['fake/js']);
  const running = runCampaign({ home, spec, bindings: [binding], id: 'requeue' });
  const task = await runningTask(home, 'requeue', 1);
  const jobId = (await arrayState(task.array))!.tasks.find((x) => x.index === task.index)!.jobId;
  // What a node failure does with --requeue; Slurm then holds the task back (BeginTime), which the test lifts.
  execFileSync('scontrol', ['requeue', jobId]);
  await waitFor('the requeued task to wait', async () => (await arrayState(task.array))?.tasks.find((x) => x.index === task.index)?.state === 'PENDING');
  execFileSync('scontrol', ['update', `JobId=${jobId}`, 'StartTime=now']);
  const outcome = await running;
  assert.deepEqual(outcome.results.map((r) => r.status), ['ok', 'ok']);
  const dir = join(home.store, 'runs', 'requeue', 'lenet1--fake-js--s1--cpu');
  const env = JSON.parse(readFileSync(join(dir, 'environment.json'), 'utf8')) as { cluster: { restarts: number; state: string } };
  assert.deepEqual([env.cluster.restarts, env.cluster.state], [1, 'COMPLETED']);
  const starts = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"start"'));
  assert.equal(starts.length, 1, 'the interrupted attempt\'s events are not part of the run');
  assert.deepEqual(verifyIndex(home.store), []);
});

test('Ctrl-C cancels the array and keeps what finished; a killed orchestrator resumes with no run lost or run twice', async (t) => {
  if (skip) return t.skip(skip);
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const script = JSON.stringify({ 1: 'sleep-300', 2: 'sleep-1500', 3: 'sleep-1500', 4: 'sleep-300' });
  const driver = join(packageRoot, 'dist', 'test', 'fixtures', 'slurm-orchestrator.js');
  const start = (mode: 'new' | 'resume'): { child: ChildProcess; exit: Promise<number | null> } => {
    const child = spawn(process.execPath, [driver, home.root, 'c', mode, script, markers], { env: cluster!.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    void exit.then((code) => code !== 0 && t.diagnostic(`orchestrator (${mode}) exited ${code}: ${stderr.trim()}`));
    return { child, exit };
  };

  // 1. Ctrl-C while seed 2 trains: the array is cancelled, seed 1 stays complete, seed 2 has no result.
  const first = start('new');
  await runningTask(home, 'c', 2);
  first.child.kill('SIGINT');
  assert.equal(await first.exit, 130);
  assert.ok(await noActiveTask(arrayIds(home, 'c')), 'no task of the campaign left on Slurm');
  const afterInterrupt = results(home, 'c');
  assert.equal(afterInterrupt.get(1)?.status, 'ok');
  assert.notEqual(afterInterrupt.get(2)?.status, 'ok', 'an interrupted cell is not counted as complete');
  const seed1 = readFileSync(join(home.store, 'runs', 'c', 'lenet1--fake-js--s1--cpu', 'result.json'), 'utf8');

  // 2. Resume, then SIGKILL the orchestrator while a cell trains: its array goes on running on Slurm.
  const second = start('resume');
  const orphan = await runningTask(home, 'c', 2);
  second.child.kill('SIGKILL');
  await second.exit;
  assert.equal(await noActiveTask([orphan.array]), false, 'the killed orchestrator left its array running');

  // 3. Resume again: the leftover array is cancelled first, and the campaign completes.
  const third = start('resume');
  assert.equal(await third.exit, 0);
  const final = results(home, 'c');
  assert.deepEqual([...final.keys()].sort(), [1, 2, 3, 4]);
  assert.ok([...final.values()].every((r) => r.status === 'ok'));
  assert.equal(readFileSync(join(home.store, 'runs', 'c', 'lenet1--fake-js--s1--cpu', 'result.json'), 'utf8'), seed1, 'a finished run is never run again');
  ResultStore.with(home.store, (store) => assert.equal(store.runs('c').length, 4, 'each cell indexed once'));
  assert.deepEqual(verifyIndex(home.store), []);
  // No cell ran twice at once: the spans the fake runner recorded for one seed never overlap.
  const spans = readFileSync(join(markers, 'spans.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seed: number; start: number; end: number });
  for (const seed of [1, 2, 3, 4]) {
    const mine = spans.filter((s) => s.seed === seed).sort((x, y) => x.start - y.start);
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.start >= mine[i - 1]!.end, `seed ${seed} ran twice at once`);
  }
});
