/** The Slurm executor's pure parts and its node-side task, without a cluster. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planWaves, sbatchArgs, slurmFailureReason, taskCommand } from '../../src/campaign/cluster/slurm-batch.js';
import { expandIndices, parseArrayState, slurmUnavailable } from '../../src/campaign/cluster/slurm-commands.js';
import { runClusterTask } from '../../src/campaign/cluster/node-task.js';
import { prepareCell } from '../../src/campaign/cell-job.js';
import { planCampaign } from '../../src/campaign/plan.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { prepareDataset } from '../../src/data/cache.js';
import { collectHostEnvironment } from '../../src/store/environment.js';
import { ResultStore, scheduleLabel } from '../../src/store/result-store.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

test('scontrol records: started tasks one by one, the rest as the pending record of the array', () => {
  const text = [
    'JobId=12 ArrayJobId=10 ArrayTaskId=2 ArrayTaskThrottle=2 JobName=bindbench-c JobState=RUNNING Reason=None Dependency=(null) Restarts=0 ExitCode=0:0 NodeList=vm BatchHost=vm',
    'JobId=11 ArrayJobId=10 ArrayTaskId=1 JobState=CANCELLED Reason=None Restarts=0 ExitCode=0:15 NodeList=vm BatchHost=vm',
    'JobId=10 ArrayJobId=10 ArrayTaskId=3-5,7%2 JobState=PENDING Reason=JobArrayTaskLimit Restarts=0 ExitCode=0:0 NodeList=(null)',
    '',
  ].join('\n');
  const state = parseArrayState(text);
  assert.deepEqual(state.pending, [3, 4, 5, 7]);
  assert.deepEqual(
    state.tasks.map((t) => [t.index, t.jobId, t.state, t.node, t.exitCode]),
    [
      [2, '12', 'RUNNING', 'vm', '0:0'],
      [1, '11', 'CANCELLED', 'vm', '0:15'],
    ],
  );
  // Tasks cancelled before they started: one record, every index ended.
  const cancelled = parseArrayState('JobId=20 ArrayJobId=20 ArrayTaskId=1-2 JobState=CANCELLED Reason=None ExitCode=0:0 NodeList=(null)\n');
  assert.deepEqual(cancelled.pending, []);
  assert.deepEqual(cancelled.tasks.map((t) => [t.index, t.state, t.node]), [[1, 'CANCELLED', null], [2, 'CANCELLED', null]]);
  assert.deepEqual(expandIndices('0-2'), [0, 1, 2]);
  assert.deepEqual(expandIndices('4'), [4]);
});

test('waves: a cell runs in the wave after every cell it loads from', () => {
  const cell = (key: string, source?: { cellKey: string; via?: string }) => ({ key, device: 'cpu', source }) as never;
  const waves = planWaves([cell('t1'), cell('t2'), cell('conv', { cellKey: 't1' }), cell('inf1', { cellKey: 't1', via: 'conv' }), cell('inf2', { cellKey: 't2' }), cell('orphan', { cellKey: 'not-planned' })]);
  assert.deepEqual(
    waves.map((w) => w.map((c: { key: string }) => c.key)),
    [['t1', 't2', 'orphan'], ['conv', 'inf2'], ['inf1']],
  );
});

test('sbatch arguments carry the cell timeout, cores, GPU and the user settings; the task command is quoted', () => {
  const settings = { partition: 'gpu', account: 'lab', qos: null, sbatch_args: ['--constraint=a100'], max_parallel: 3, gres: 'gpu:1', requeue: true, poll_seconds: 2 };
  const args = sbatchArgs(settings, { campaign: 'c1', count: 5, device: 'cuda', timeoutSeconds: 3600, coresPerCell: 4, logDir: '/s/c1/.executor' });
  assert.deepEqual(args, [
    '--job-name=bindbench-c1',
    '--array=0-4%3',
    '--output=/s/c1/.executor/slurm-%A_%a.out',
    '--time=62',
    '--nodes=1',
    '--ntasks=1',
    '--cpus-per-task=4',
    '--gres=gpu:1',
    '--partition=gpu',
    '--account=lab',
    '--requeue',
    '--constraint=a100',
  ]);
  const cpu = sbatchArgs({ ...settings, partition: null, account: null, sbatch_args: [], requeue: false }, { campaign: 'c1', count: 1, device: 'cpu', timeoutSeconds: 10, coresPerCell: null, logDir: '/x' });
  assert.ok(!cpu.some((a) => a.startsWith('--gres') || a.startsWith('--cpus-per-task') || a.startsWith('--partition')));
  assert.ok(cpu.includes('--no-requeue'));
  assert.equal(taskCommand({ node: '/usr/bin/node', cli: "/it's/bin/bindbench.js", waveFile: '/s/w.json' }), `exec '/usr/bin/node' '/it'\\''s/bin/bindbench.js' run-cell --wave '/s/w.json' --index "$SLURM_ARRAY_TASK_ID"`);
});

test("a task Slurm ended without a result is explained in Slurm's words; cluster runs get their own schedule label", () => {
  const task = { index: 1, jobId: '11', state: 'TIMEOUT', reason: 'TimeLimit', node: 'n3', exitCode: '0:15', restarts: 0 };
  assert.equal(slurmFailureReason(task), "Slurm ended job 11 (TIMEOUT) on node n3: it reached its Slurm time limit; Slurm's reason: TimeLimit");
  assert.match(slurmFailureReason({ ...task, state: 'CANCELLED', reason: 'None' }), /^Slurm ended job 11 \(CANCELLED\) on node n3: it was cancelled/);
  assert.match(slurmFailureReason(null), /no longer reports this task/);
  assert.equal(scheduleLabel({ parallel: 8, cpus: null, threads: 4, gpu: null, cluster: 'slurm' }), 'slurm, up to 8 at once on 4 cores each');
  assert.notEqual(scheduleLabel({ parallel: 8, cpus: null, threads: null, gpu: null, cluster: 'slurm' }), scheduleLabel({ parallel: 1, cpus: null, threads: null, gpu: null }));
});

test('a node without the binding\'s runner fails its cell, naming the binding, the node and what to do', async () => {
  const home = tempHome();
  const fake = fakeBinding({}, join(home.root, 'markers'));
  const binding = { ...fake, launch: () => ({ command: '/nonexistent/bindbench/runner', args: [], env: {} }) };
  const spec = resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1], epochs: 1, executor: 'slurm' }, ['fake/js']);
  const [cell] = planCampaign(spec, [binding], new Set(['fake/js']));
  const store = ResultStore.open(home.store);
  store.createCampaign('c', spec);
  const schedule = { parallel: 8, cpus: null, threads: null, gpu: null, cluster: 'slurm' };
  const prepared = prepareCell({ home, store, campaign: 'c', cell: cell!, binding, probe: { installed: true, versions: {}, detail: '' }, host: collectHostEnvironment(), spec, schedule, dataFor: (id) => prepareDataset(home, id) });
  assert.ok('job' in prepared);
  const wave = join(home.root, 'wave.json');
  writeFileSync(wave, JSON.stringify({ store: store.dir, campaign: 'c', jobs: [prepared.job] }));
  const result = await runClusterTask(wave, 0, { SLURMD_NODENAME: 'node7', SLURM_JOB_ID: '42', SLURM_ARRAY_JOB_ID: '41', SLURM_ARRAY_TASK_ID: '0' });
  assert.equal(result.status, 'failed');
  assert.match(result.reason!, /runner of fake\/js \(\/nonexistent\/bindbench\/runner\) is missing on node node7: run `bindbench setup --bindings fake\/js`/);
  const env = store.runEnvironment('c', cell!.key) as { cluster: { job_id: string; node: string } };
  assert.deepEqual([env.cluster.job_id, env.cluster.node], ['42', 'node7']);
  // The node never writes the index: the orchestrator adds the run when it sees the task end.
  assert.equal(store.runs('c').length, 0);
  await assert.rejects(runClusterTask(wave, 3), /--index 3: the wave .* has tasks 0 to 0/);
  store.close();
});

test('without a reachable Slurm the executor says what is missing', async () => {
  const saved = process.env.SLURM_CONF;
  process.env.SLURM_CONF = '/nonexistent/bindbench/slurm.conf';
  try {
    const why = await slurmUnavailable();
    assert.ok(why, 'no cluster behind a missing slurm.conf');
    assert.match(why, /needs sbatch, squeue, scontrol and scancel on PATH|Slurm's controller does not answer \(`scontrol ping`: .*\): check SLURM_CONF/);
  } finally {
    if (saved === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = saved;
  }
});
