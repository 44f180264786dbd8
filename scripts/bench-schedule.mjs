#!/usr/bin/env node
// The same campaign serial and then on the parallel schedule, one after the other on this machine: wall times, the
// change in each binding's median epoch time and in its spread, whether accuracies moved, and peak memory per binding.
// Usage: node scripts/bench-schedule.mjs [--parallel 2] [--cores-per-cell 1] [--styles minimal,idiomatic] [--seeds ...]
//        [--reuse SERIAL,PARALLEL]   (analyse two campaigns already run instead of running them)
// Run it on an otherwise idle machine: anything else running distorts both schedules.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ResultStore } from '../dist/src/store/result-store.js';
import { resolveHome } from '../dist/src/base/home.js';
import { median } from '../dist/src/stats/index.js';

const { values } = parseArgs({
  options: {
    parallel: { type: 'string', default: '2' },
    'cores-per-cell': { type: 'string' },
    styles: { type: 'string', default: 'minimal,idiomatic' },
    seeds: { type: 'string' },
    models: { type: 'string' },
    reuse: { type: 'string' },
    home: { type: 'string' },
  },
});
const home = resolveHome(values.home);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const common = ['--preset', 'quick', '--styles', values.styles, ...(values.seeds ? ['--seeds', values.seeds] : []), ...(values.models ? ['--models', values.models] : []), ...(values.home ? ['--home', values.home] : [])];

function run(name, extra) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/bindbench.js', 'run', ...common, ...extra, '--name', name, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bindbench run ${name} exited with ${r.status}`);
  return seconds;
}

let names;
const walls = {};
if (values.reuse) {
  names = values.reuse.split(',');
} else {
  names = [`schedule-serial-${stamp}`, `schedule-parallel-${stamp}`];
  walls[names[0]] = run(names[0], []);
  walls[names[1]] = run(names[1], ['--parallel', values.parallel, ...(values['cores-per-cell'] ? ['--cores-per-cell', values['cores-per-cell']] : [])]);
}
const [serial, parallel] = ResultStore.with(home.store, (s) => names.map((n) => s.runs(n).filter((r) => r.mode === 'train' && r.status === 'ok')));
const key = (r) => `${r.binding} ${r.model} ${r.style}`;
const groups = new Map();
for (const [side, runs] of [['serial', serial], ['parallel', parallel]]) {
  for (const r of runs) {
    const g = groups.get(key(r)) ?? { serial: [], parallel: [] };
    g[side].push(r);
    groups.set(key(r), g);
  }
}
// Training seconds per run (the epochs are the same on both sides, so their ratio is the epoch times' ratio).
const epochTimes = (runs) => runs.map((r) => r.trainSeconds);
// Spread: the interquartile range over the median (a relative spread that one slow run cannot dominate).
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const spread = (xs) => (xs.length > 1 ? (quantile(xs, 0.75) - quantile(xs, 0.25)) / median(xs) : NaN);
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—');

console.log(`\nserial ${names[0]}${walls[names[0]] ? `: ${walls[names[0]].toFixed(0)} s` : ''}; parallel ${names[1]}${walls[names[1]] ? `: ${walls[names[1]].toFixed(0)} s` : ''}${walls[names[0]] ? `; serial / parallel wall time ${(walls[names[0]] / walls[names[1]]).toFixed(2)}x` : ''}\n`);
console.log('| binding, model, style | runs | median train s serial | parallel | parallel / serial | spread (IQR/median) serial | parallel | mean test acc serial | parallel | median peak MiB serial | parallel |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
const ratios = [];
for (const [k, g] of [...groups].sort()) {
  if (!g.serial.length || !g.parallel.length) continue;
  const ts = epochTimes(g.serial);
  const tp = epochTimes(g.parallel);
  const ratio = median(tp) / median(ts);
  ratios.push(ratio);
  const acc = (runs) => (runs.reduce((s, r) => s + r.finalTestAccuracy, 0) / runs.length).toFixed(4);
  const mib = (runs) => {
    const xs = runs.flatMap((r) => (r.peakRssBytes === null ? [] : [r.peakRssBytes / 2 ** 20]));
    return xs.length ? median(xs).toFixed(0) : '—';
  };
  console.log(`| ${k} | ${g.serial.length}/${g.parallel.length} | ${median(ts).toFixed(3)} | ${median(tp).toFixed(3)} | ${ratio.toFixed(2)}x | ${pct(spread(ts))} | ${pct(spread(tp))} | ${acc(g.serial)} | ${acc(g.parallel)} | ${mib(g.serial)} | ${mib(g.parallel)} |`);
}
console.log(`\nmedian over the rows of parallel / serial median training time: ${median(ratios).toFixed(2)}x`);
