#!/usr/bin/env node
// The same campaign on the local executor and then on the Slurm executor, one after the other on this machine: the
// wall time of each and their ratio (Slurm's overhead: submission, scheduling, polling, one process per task).
// Usage: node scripts/bench-executors.mjs [--models lenet1] [--bindings pytorch/python,pytorch/rust] [--seeds 1,2]
//        [--epochs 1] [--train-limit 2000] [--max-parallel 1] [--poll-seconds 2]
// Talks to the cluster SLURM_CONF names; without one it starts a one-node cluster (scripts/slurm-local.sh, root)
// for the length of the benchmark. Run it on an otherwise idle machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'lenet1' },
    bindings: { type: 'string', default: 'pytorch/python,pytorch/rust' },
    seeds: { type: 'string', default: '1,2' },
    epochs: { type: 'string', default: '1' },
    'train-limit': { type: 'string', default: '2000' },
    'max-parallel': { type: 'string', default: '1' },
    'poll-seconds': { type: 'string', default: '2' },
    home: { type: 'string' },
  },
});

let started = null;
if (!process.env.SLURM_CONF) {
  started = mkdtempSync(join(tmpdir(), 'bindbench-bench-slurm-'));
  const r = spawnSync('bash', ['scripts/slurm-local.sh', 'start', started], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`no cluster: SLURM_CONF is unset and a local one did not start: ${r.stderr.trim()}`);
    process.exit(2);
  }
  process.env.SLURM_CONF = join(started, 'slurm.conf');
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const common = ['--models', values.models, '--bindings', values.bindings, '--seeds', values.seeds, '--epochs', values.epochs, '--train-limit', values['train-limit'], ...(values.home ? ['--home', values.home] : [])];

function run(name, extra) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/bindbench.js', 'run', ...common, ...extra, '--name', name, '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`bindbench run ${name} exited with ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  const results = JSON.parse(r.stdout).results;
  return { seconds, results, process: results.reduce((s, x) => s + (x.process_seconds ?? 0), 0) };
}

try {
  const local = run(`executors-local-${stamp}`, []);
  const slurm = run(`executors-slurm-${stamp}`, ['--executor', 'slurm', '--max-parallel', values['max-parallel'], '--spec', writeSpec()]);
  const same = local.results.every((a) => slurm.results.find((b) => b.cell.key === a.cell.key)?.final_test_accuracy === a.final_test_accuracy);
  console.log(`cells: ${local.results.length}; Slurm tasks at once: ${values['max-parallel']}; poll every ${values['poll-seconds']} s`);
  console.log(`local executor: ${local.seconds.toFixed(1)} s wall (runners ${local.process.toFixed(1)} s)`);
  console.log(`slurm executor: ${slurm.seconds.toFixed(1)} s wall (runners ${slurm.process.toFixed(1)} s)`);
  console.log(`slurm / local wall time: ${(slurm.seconds / local.seconds).toFixed(2)}x; overhead ${((slurm.seconds - local.seconds) / local.results.length).toFixed(1)} s per cell`);
  console.log(`test accuracies identical per cell: ${same ? 'yes' : 'no'}`);
} finally {
  if (started) spawnSync('bash', ['scripts/slurm-local.sh', 'stop', started]);
}

/** The poll interval is a spec field with no flag of its own. */
function writeSpec() {
  const path = join(mkdtempSync(join(tmpdir(), 'bindbench-bench-spec-')), 'spec.json');
  writeFileSync(path, JSON.stringify({ slurm: { poll_seconds: Number(values['poll-seconds']) } }));
  return path;
}
