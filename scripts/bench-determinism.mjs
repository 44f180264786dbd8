#!/usr/bin/env node
// What the frameworks' deterministic kernels cost: each seed trains every chosen binding twice, kernels on then off,
// in two small campaigns run back to back (so drift falls on both), and the table gives the median seconds per
// epoch and the off/on ratio per binding. The `paper` preset leaves them off because the study never paid for them.
//   node scripts/bench-determinism.mjs [--bindings pytorch/python,tensorflow/python] [--models lenet5] [--seeds 1,2,3]
//                                      [--epochs 1] [--train-limit 60000] [--devices cpu] [--home DIR]
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindings, resolveHome, resolveSpec, runCampaign } from '../dist/src/index.js';

const { values } = parseArgs({
  options: {
    bindings: { type: 'string', default: 'pytorch/python,tensorflow/python' },
    models: { type: 'string', default: 'lenet5' },
    seeds: { type: 'string', default: '287426343,1850616268,2068338201' },
    epochs: { type: 'string', default: '1' },
    'train-limit': { type: 'string', default: '60000' },
    devices: { type: 'string', default: 'cpu' },
    home: { type: 'string', default: '.bindbench' },
  },
});
const home = resolveHome(values.home);
const scratch = { ...home, store: mkdtempSync(join(tmpdir(), 'bindbench-determinism-')) };
const ids = bindings.map((b) => b.id);
const seconds = new Map(); // `${model} ${binding} ${device} ${on|off}` -> [s / epoch]
const started = Date.now();
for (const seed of values.seeds.split(',').map(Number)) {
  for (const deterministic of [true, false]) {
    const spec = resolveSpec(
      {
        preset: 'paper',
        models: values.models.split(','),
        bindings: values.bindings.split(','),
        seeds: [seed],
        epochs: Number(values.epochs),
        train_limit: Number(values['train-limit']),
        devices: values.devices.split(','),
        styles: ['minimal'],
        data_order: 'shared',
        deterministic,
      },
      ids,
    );
    const outcome = await runCampaign({ home: scratch, spec, bindings: [...bindings], id: `s${seed}-${deterministic ? 'on' : 'off'}` });
    for (const r of outcome.results) {
      process.stderr.write(`${r.cell.key} deterministic ${deterministic ? 'on' : 'off'}: ${r.status}${r.reason ? ` (${r.reason})` : ''}\n`);
      if (r.status !== 'ok') continue;
      const key = `${r.cell.model} ${r.cell.binding} ${r.cell.device} ${deterministic ? 'on' : 'off'}`;
      seconds.set(key, [...(seconds.get(key) ?? []), r.train_seconds / r.cell.hyper.epochs]);
    }
  }
}
const median = (xs) => {
  const s = [...(xs ?? [])].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x, d) => (x == null ? '—' : x.toFixed(d));
console.log(`\n${new Date().toISOString()}  ${values.seeds.split(',').length} seeds × ${values.epochs} epoch(s) of ${values['train-limit']} examples, minimal style, shared order; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`);
console.log('| model | binding | device | s / epoch, on (median) | s / epoch, off (median) | off / on |');
console.log('|---|---|---|---:|---:|---:|');
for (const model of values.models.split(',')) {
  for (const binding of values.bindings.split(',')) {
    for (const device of values.devices.split(',')) {
      const on = median(seconds.get(`${model} ${binding} ${device} on`));
      const off = median(seconds.get(`${model} ${binding} ${device} off`));
      console.log(`| ${model} | ${binding} | ${device} | ${f(on, 2)} | ${f(off, 2)} | ${on && off ? f(off / on, 3) : '—'}x |`);
    }
  }
}
