#!/usr/bin/env node
// Side-by-side benchmark of the installed bindings in one run on this machine: seconds per full-MNIST training epoch
// (LeNet-1, LeNet-5; the study's batch 128 and SGD 0.05) and full-test-set inference seconds, with ratios to each
// framework's Python binding. Cells interleave bindings seed by seed, so drift falls on all of them.
//   node scripts/bench-bindings.mjs [--bindings a,b] [--models lenet1,lenet5] [--seeds 1,2,3] [--epochs 1] [--home DIR]
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindings, resolveHome, resolveSpec, runCampaign } from '../dist/src/index.js';

const { values } = parseArgs({
  options: {
    bindings: { type: 'string', default: 'installed' },
    models: { type: 'string', default: 'lenet1,lenet5' },
    seeds: { type: 'string', default: '287426343,1850616268,2068338201' },
    epochs: { type: 'string', default: '1' },
    home: { type: 'string', default: '.bindbench' },
  },
});
const home = resolveHome(values.home);
// Results go to a scratch store so benchmarks do not mix with campaigns; environments and cache are shared.
const scratch = { ...home, store: mkdtempSync(join(tmpdir(), 'bindbench-bench-')) };
const spec = resolveSpec(
  {
    preset: 'paper',
    models: values.models.split(','),
    bindings: values.bindings === 'installed' ? 'installed' : values.bindings.split(','),
    seeds: values.seeds.split(',').map(Number),
    epochs: Number(values.epochs),
    experiments: ['train', 'infer'],
    infer_modes: ['states', 'serialization'],
    infer_sources: 'reference',
  },
  bindings.map((b) => b.id),
);
const started = Date.now();
const outcome = await runCampaign({
  home: scratch,
  spec,
  bindings: [...bindings],
  id: 'bench',
  onEvent: (e) => {
    if (e.type === 'cell-end') process.stderr.write(`[${e.index}/${e.total}] ${e.cell.key}: ${e.result.status}${e.result.reason ? ` (${e.result.reason})` : ''}\n`);
  },
});
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const refOf = (fw) => bindings.find((b) => b.framework === fw && b.reference)?.id;
const rows = [];
for (const model of spec.models) {
  for (const b of bindings) {
    const train = outcome.results.filter((r) => r.status === 'ok' && r.cell.mode === 'train' && r.cell.model === model && r.cell.binding === b.id);
    const infer = outcome.results.filter((r) => r.status === 'ok' && r.cell.mode === 'infer' && r.cell.model === model && r.cell.binding === b.id);
    if (!train.length && !infer.length) continue;
    const epochS = median(train.map((r) => r.train_seconds / r.cell.hyper.epochs));
    const inferS = median(infer.map((r) => r.mean_inference_seconds));
    rows.push({ model, binding: b.id, framework: b.framework, runs: train.length, epochS, inferS, acc: median(train.map((r) => r.final_test_accuracy)) });
  }
}
for (const r of rows) {
  const ref = rows.find((x) => x.model === r.model && x.binding === refOf(r.framework));
  r.trainRatio = ref?.epochS && r.epochS ? r.epochS / ref.epochS : null;
  r.inferRatio = ref?.inferS && r.inferS ? r.inferS / ref.inferS : null;
}
const f = (x, d) => (x == null ? '—' : x.toFixed(d));
console.log(`\n${new Date().toISOString()}  ${spec.seeds.length} seeds × ${values.epochs} epoch(s), full MNIST, batch 128; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`);
console.log('| model | binding | runs | s / epoch (median) | vs Python | test acc | infer s / test set (median) | vs Python |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.model} | ${r.binding} | ${r.runs} | ${f(r.epochS, 2)} | ${f(r.trainRatio, 2)}x | ${f(r.acc, 4)} | ${f(r.inferS, 4)} | ${f(r.inferRatio, 2)}x |`);
const problems = outcome.results.filter((r) => r.status !== 'ok');
if (problems.length) console.log(`\n${problems.map((r) => `- ${r.cell.key}: ${r.status} ${r.reason}`).join('\n')}`);
