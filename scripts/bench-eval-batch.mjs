#!/usr/bin/env node
// What the per-epoch evaluations' batch size costs each binding: the same quick campaign once per batch size, one
// after the other on this machine, and per binding and model the median seconds of one epoch's two evaluations
// (training subset and test set), their ratio to the first batch size's, and the test accuracy (which the batch size
// must not move beyond float rounding).
// Usage: node scripts/bench-eval-batch.mjs [--sizes 1000,500,256,128] [--seeds 287426343] [--parallel 2]
//        [--models lenet1,lenet5] [--bindings a,b] [--home DIR]
// Run it on an otherwise idle machine: anything else running distorts every side.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ResultStore } from '../dist/src/store/result-store.js';
import { resolveHome } from '../dist/src/base/home.js';
import { median } from '../dist/src/stats/index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,500,256,128' },
    seeds: { type: 'string', default: '287426343' },
    parallel: { type: 'string', default: '2' },
    models: { type: 'string', default: 'lenet1,lenet5' },
    bindings: { type: 'string' },
    home: { type: 'string' },
  },
});
const home = resolveHome(values.home);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
// The quick preset's LeNet epochs (src/campaign/presets.ts), passed explicitly so the per-epoch figures hold.
const EPOCHS = 10;
const sizes = values.sizes.split(',').map(Number);
const common = ['--preset', 'quick', '--styles', 'minimal', '--seeds', values.seeds, '--models', values.models, '--parallel', values.parallel, '--epochs', String(EPOCHS),
  ...(values.bindings ? ['--bindings', values.bindings] : []), ...(values.home ? ['--home', values.home] : [])];

const walls = new Map();
for (const size of sizes) {
  const name = `eval-batch-${size}-${stamp}`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/bindbench.js', 'run', ...common, '--eval-batch-size', String(size), '--name', name, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`bindbench run ${name} exited with ${r.status}`);
  walls.set(size, { name, seconds: (performance.now() - t0) / 1000 });
}

const runsBySize = ResultStore.with(home.store, (s) => new Map(sizes.map((size) => [size, s.runs(walls.get(size).name).filter((r) => r.mode === 'train' && r.status === 'ok')])));
const rows = new Map();
for (const [size, runs] of runsBySize) {
  for (const r of runs) {
    const k = `${r.binding} ${r.model}`;
    const row = rows.get(k) ?? new Map();
    const cell = row.get(size) ?? { evalPerEpoch: [], acc: [], process: [] };
    if (r.phases) {
      cell.evalPerEpoch.push(r.phases.evaluation / EPOCHS);
      cell.process.push(Object.values(r.phases).reduce((a, b) => a + b, 0));
    }
    cell.acc.push(r.finalTestAccuracy);
    row.set(size, cell);
    rows.set(k, row);
  }
}
console.log(`\n${sizes.map((s) => `batch ${s}: ${walls.get(s).name}, ${walls.get(s).seconds.toFixed(0)} s`).join('; ')}\n`);
console.log(`| binding, model | ${sizes.map((s) => `eval s/epoch @${s}`).join(' | ')} | ${sizes.slice(1).map((s) => `@${s} / @${sizes[0]}`).join(' | ')} | ${sizes.map((s) => `test acc @${s}`).join(' | ')} |`);
console.log(`|---|${sizes.map(() => '---:').join('|')}|${sizes.slice(1).map(() => '---:').join('|')}|${sizes.map(() => '---:').join('|')}|`);
const f = (x, d) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
const med = (xs) => (xs?.length ? median(xs) : null);
const totals = new Map(sizes.map((s) => [s, 0]));
for (const [k, row] of [...rows].sort()) {
  const evals = sizes.map((s) => med(row.get(s)?.evalPerEpoch));
  for (const s of sizes) totals.set(s, totals.get(s) + (row.get(s)?.process.reduce((a, b) => a + b, 0) ?? 0));
  console.log(`| ${k} | ${evals.map((e) => f(e, 3)).join(' | ')} | ${evals.slice(1).map((e) => f(e !== null && evals[0] ? e / evals[0] : null, 2) + 'x').join(' | ')} | ${sizes.map((s) => f(med(row.get(s)?.acc), 4)).join(' | ')} |`);
}
console.log(`\nrunner process-seconds in all (the phases' sum): ${sizes.map((s) => `@${s} ${totals.get(s).toFixed(0)}`).join(', ')}`);
