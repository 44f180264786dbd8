#!/usr/bin/env node
// Side-by-side benchmark of the installed bindings in one run on this machine: seconds per full-MNIST training epoch
// (LeNet-1, LeNet-5 by default, any zoo model with --models; the paper preset's hyper-parameters) and full-test-set
// inference seconds, with ratios to each framework's Python binding. Cells interleave bindings seed by seed, so drift
// falls on all of them. On a GPU machine, `--models vgg16,lstm --bindings pytorch/python,pytorch/rust --devices cuda`
// gives the GPU epoch times issue 8 asks for.
//   node scripts/bench-bindings.mjs [--bindings a,b] [--models lenet1,lenet5] [--seeds 1,2,3] [--epochs 1]
//                                   [--experiments train,infer] [--devices cpu,cuda] [--home DIR]
//                                   [--styles minimal,idiomatic] [--deterministic on|off]
// The paper's hyper-parameters with bindbench's controlled inputs (shared order, deterministic kernels) in both
// training styles, so the last table is each binding API's own cost (idiomatic / minimal, per seed, median with a
// bootstrap interval); --styles minimal halves the training cells. scripts/bench-determinism.mjs puts the
// deterministic kernels on and off side by side.
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindings, resolveHome, resolveSpec, runCampaign, ResultStore, analysis } from '../dist/src/index.js';

const { values } = parseArgs({
  options: {
    bindings: { type: 'string', default: 'installed' },
    models: { type: 'string', default: 'lenet1,lenet5' },
    seeds: { type: 'string', default: '287426343,1850616268,2068338201' },
    epochs: { type: 'string', default: '1' },
    experiments: { type: 'string', default: 'train,infer' },
    devices: { type: 'string', default: 'cpu' },
    home: { type: 'string', default: '.bindbench' },
    styles: { type: 'string', default: 'minimal,idiomatic' },
    deterministic: { type: 'string', default: 'on' },
  },
});
if (!['on', 'off'].includes(values.deterministic)) {
  console.error(`--deterministic must be on or off, got '${values.deterministic}'`);
  process.exit(2);
}
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
    experiments: values.experiments.split(','),
    devices: values.devices.split(','),
    infer_modes: ['states', 'serialization', 'savedmodel', 'onnx'],
    infer_sources: 'reference',
    styles: values.styles.split(','),
    data_order: 'shared',
    deterministic: values.deterministic === 'on',
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
const f = (x, d) => (x == null ? '—' : x.toFixed(d));
const ok = outcome.results.filter((r) => r.status === 'ok');
// Reproduction is the analysis' verdict, from what each infer run recorded.
const records = ResultStore.with(scratch.store, (store) => store.runs('bench'));
const verdicts = new Map(records.map((r) => [r.id, analysis.reproductionOf(r)]));

// Training: per model × binding, against the framework's Python binding.
const trainRows = [];
for (const model of spec.models) {
  for (const style of spec.styles) {
    for (const b of bindings) {
      for (const device of spec.devices) {
        const train = ok.filter((r) => r.cell.mode === 'train' && r.cell.model === model && r.cell.binding === b.id && r.cell.device === device && (r.cell.style ?? 'minimal') === style);
        if (train.length) trainRows.push({ model, style, binding: b.id, device, framework: b.framework, runs: train.length, epochS: median(train.map((r) => r.train_seconds / r.cell.hyper.epochs)), acc: median(train.map((r) => r.final_test_accuracy)) });
      }
    }
  }
}
for (const r of trainRows) {
  const ref = trainRows.find((x) => x.model === r.model && x.device === r.device && x.style === r.style && x.binding === refOf(r.framework));
  r.ratio = ref?.epochS && r.epochS ? r.epochS / ref.epochS : null;
}
// Inference: per model × source framework × load mode × target, against the Python binding loading the same
// source in the same mode (for onnx: onnxruntime inside the Python environment).
const inferRows = [];
for (const model of spec.models) {
  for (const source of bindings.filter((b) => b.reference)) {
    for (const mode of spec.infer_modes) {
      for (const b of bindings) {
        for (const device of spec.devices) {
          const infer = ok.filter((r) => r.cell.mode === 'infer' && r.cell.model === model && r.cell.binding === b.id && r.cell.device === device && r.cell.source?.binding === source.id && r.cell.source?.loadMode === mode);
          if (!infer.length) continue;
          const reproduced = infer.filter((r) => verdicts.get(r.run_id)?.reproduced).length;
          inferRows.push({ model, source: source.id, mode, binding: b.id, device, n: infer.length, reproduced, inferS: median(infer.map((r) => r.mean_inference_seconds)) });
        }
      }
    }
  }
}
for (const r of inferRows) {
  const ref = inferRows.find((x) => x.model === r.model && x.device === r.device && x.source === r.source && x.mode === r.mode && x.binding === r.source);
  r.ratio = ref?.inferS && r.inferS ? r.inferS / ref.inferS : null;
}
console.log(`\n${new Date().toISOString()}  ${spec.seeds.length} seeds × ${values.epochs} epoch(s) of the full training set, paper hyper-parameters; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`);
console.log('| model | style | binding | device | runs | s / epoch (median) | vs Python, same style | test acc (median) |');
console.log('|---|---|---|---|---:|---:|---:|---:|');
for (const r of trainRows) console.log(`| ${r.model} | ${r.style} | ${r.binding} | ${r.device} | ${r.runs} | ${f(r.epochS, 2)} | ${f(r.ratio, 2)}x | ${f(r.acc, 4)} |`);
console.log('\n| model | trained in | load mode | loaded in | device | models | reproduced | infer s / test set (median) | vs Python, same mode |');
console.log('|---|---|---|---|---|---:|---:|---:|---:|');
for (const r of inferRows) console.log(`| ${r.model} | ${r.source} | ${r.mode} | ${r.binding} | ${r.device} | ${r.n} | ${r.reproduced}/${r.n} | ${f(r.inferS, 4)} | ${f(r.ratio, 2)}x |`);
const apiCost = analysis.analyzeApiCost(records);
if (apiCost.length) {
  console.log("\nThe binding API's own cost: idiomatic / minimal training time, per seed, median and 95% bootstrap interval\n");
  console.log('| model | binding | device | seeds | idiomatic / minimal | 95% interval |');
  console.log('|---|---|---|---:|---:|---|');
  for (const r of apiCost) console.log(`| ${r.model} | ${r.binding} | ${r.device} | ${r.pairs} | ${f(r.medianRatio, 2)}x | ${r.interval ? `${f(r.interval[0], 2)}-${f(r.interval[1], 2)}x` : '—'} |`);
}
const problems = outcome.results.filter((r) => r.status !== 'ok' && r.status !== 'not_supported');
if (problems.length) console.log(`\n${problems.map((r) => `- ${r.cell.key}: ${r.status} ${r.reason}`).join('\n')}`);
const unsupported = outcome.results.filter((r) => r.status === 'not_supported').length;
if (unsupported) console.log(`\n${unsupported} cells not supported by their binding (reasons: the run directories under ${scratch.store}).`);
