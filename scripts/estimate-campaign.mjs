#!/usr/bin/env node
// How long would a long campaign (by default the `paper` preset, 5 seeds) take on this machine? Extrapolated from a
// short campaign that ran here (e.g. quick-all): per run, the measured seconds per training example, per evaluated
// example and per inference pass are scaled to the target preset's epochs and data sizes; process start-up, exports
// and conversions are counted once per run as measured. Linear scaling is an assumption (it ignores caches warming
// and memory effects, and a smaller batch than the target's overstates per-example cost), so treat the result as an
// order of magnitude, and rerun the short campaign on the machine you mean to use.
//   node scripts/estimate-campaign.mjs --from <campaign> [--preset paper] [--seeds 5] [--home DIR] [--json]
import { parseArgs } from 'node:util';
import { presets, prepareDataset, ResultStore, resolveHome, models, datasetTools } from '../dist/src/index.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    preset: { type: 'string', default: 'paper' },
    seeds: { type: 'string', default: '5' },
    home: { type: 'string', default: '.bindbench' },
    json: { type: 'boolean', default: false },
  },
});
const fail = (message) => {
  process.stderr.write(`estimate-campaign: ${message}\n`);
  process.exit(2);
};
if (!values.from) fail('--from <campaign> is required: the short campaign to extrapolate from (`bindbench runs list` shows them)');
const target = presets[values.preset];
if (!target) fail(`--preset: unknown preset '${values.preset}'; allowed values: ${Object.keys(presets).join(', ')}`);
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) fail(`--seeds: '${values.seeds}' is not a positive whole number`);
const home = resolveHome(values.home);
const repetitions = target.defaults?.inference_repetitions ?? 5;
const store = ResultStore.open(home.store);
const keys = store.runKeys(values.from);
if (keys.length === 0) fail(`campaign '${values.from}' has no runs in ${home.store}`);

const sizes = new Map();
const sizesOf = (datasetId) => {
  if (!sizes.has(datasetId)) {
    const d = prepareDataset(home, datasetId, { tools: datasetTools() });
    sizes.set(datasetId, { train: d.train.n, test: d.test.n });
  }
  return sizes.get(datasetId);
};
const used = (limit, n) => (limit ? Math.min(limit, n) : n);

const rows = [];
const skipped = [];
for (const key of keys) {
  const run = store.readRun(values.from, key);
  if (!run || run.result.status !== 'ok') continue;
  const cell = run.result.cell;
  const perModel = target.perModel[cell.model];
  if (!perModel) {
    skipped.push(`${key}: preset ${values.preset} has no ${cell.model}`);
    continue;
  }
  const n = sizesOf(models[cell.model].dataset);
  const was = { train: used(cell.trainLimit, n.train), test: used(cell.testLimit, n.test) };
  const will = { train: used(perModel.trainLimit, n.train), test: used(perModel.testLimit ?? null, n.test), epochs: perModel.hyper.epochs };
  const total = run.result.process_seconds ?? run.result.wall_seconds ?? 0;
  let seconds;
  if (cell.mode === 'train') {
    const epochs = run.events.filter((e) => e.type === 'epoch');
    if (epochs.length === 0) continue;
    const train = epochs.reduce((s, e) => s + e.train_seconds, 0);
    const evaluate = epochs.reduce((s, e) => s + (e.eval_seconds ?? 0), 0);
    const perTrainExample = train / (epochs.length * was.train);
    const perEvalExample = evaluate / (epochs.length * (was.train + was.test));
    seconds = Math.max(0, total - train - evaluate) + will.epochs * (will.train * perTrainExample + (will.train + will.test) * perEvalExample);
  } else if (cell.mode === 'infer') {
    const passes = run.events.filter((e) => e.type === 'inference');
    const timed = passes.filter((e) => e.split === 'test' && e.repetition >= 0);
    const inTest = timed.reduce((s, e) => s + e.seconds, 0);
    const inTrain = passes.filter((e) => e.split === 'train').reduce((s, e) => s + e.seconds, 0);
    const perPass = timed.length ? timed.reduce((s, e) => s + e.seconds, 0) / timed.length : 0;
    // The target runs one warm-up and its preset's timed passes over its test set, then the training set once.
    // The warm-up pass is not reported: it is taken as one more timed pass out of the fixed costs.
    seconds = Math.max(0, total - inTest - inTrain - perPass) + (1 + repetitions) * perPass * (will.test / was.test) + (inTrain ? inTrain * (will.train / was.train) : perPass * (will.train / was.test));
  } else {
    seconds = total; // a conversion does not scale with the data
  }
  rows.push({ model: cell.model, binding: cell.binding, mode: cell.mode, device: cell.device, seconds });
}

const groups = new Map();
for (const r of rows) {
  const k = `${r.model}\u0000${r.binding}\u0000${r.mode}\u0000${r.device}`;
  const g = groups.get(k) ?? { model: r.model, binding: r.binding, mode: r.mode, device: r.device, perRun: [], runs: 0 };
  g.perRun.push(r.seconds);
  g.runs++;
  groups.set(k, g);
}
const table = [...groups.values()].map((g) => {
  const perSeed = g.perRun.reduce((a, b) => a + b, 0);
  return { model: g.model, binding: g.binding, mode: g.mode, device: g.device, runsPerSeed: g.runs, hoursPerSeed: perSeed / 3600, hours: (perSeed * seeds) / 3600 };
});
table.sort((a, b) => a.model.localeCompare(b.model) || b.hours - a.hours);
const totalHours = table.reduce((s, r) => s + r.hours, 0);
if (values.json) {
  process.stdout.write(JSON.stringify({ from: values.from, preset: values.preset, seeds, totalHours, rows: table, skipped }, null, 2) + '\n');
} else {
  const h = (x) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));
  console.log(`Estimated ${values.preset} campaign, ${seeds} seed(s), from the runs of '${values.from}' on this machine (linear extrapolation):\n`);
  console.log('| model | binding | cells | device | runs per seed | hours per seed | hours |');
  console.log('|---|---|---|---|---:|---:|---:|');
  for (const r of table) console.log(`| ${r.model} | ${r.binding} | ${r.mode} | ${r.device} | ${r.runsPerSeed} | ${h(r.hoursPerSeed)} | ${h(r.hours)} |`);
  console.log(`\nTotal: about ${h(totalHours)} hours (${(totalHours / 24).toFixed(1)} days) if the cells run one after another, as bindbench runs them.`);
  for (const s of skipped) console.log(`- left out: ${s}`);
}
