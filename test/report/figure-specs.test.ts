import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyBandSpec, accuracyBestSpec, accuracyGroups } from '../../src/report/figures/accuracy-curves.js';
import { bindingColor } from '../../src/report/figures/figure.js';
import { bindingOrder, campaignFigures } from '../../src/report/figures/figure-set.js';
import { loadCampaignRuns, reportRuns, type EpochPoint, type ReportRun } from '../../src/report/campaign-runs.js';
import type { RunRecord } from '../../src/store/result-store.js';
import { run as record } from '../analysis/synthetic-campaign.js';
import { REPRODUCTION_STATES, reproductionCells, reproductionSpec } from '../../src/report/figures/reproduction-matrix.js';
import { renderFigures, renderSvg, scopeSvgIds } from '../../src/report/figures/render-svg.js';
import { inferenceTimeGroups, inferenceTimeSpec, trainingTimeGroups, trainingTimeSpec } from '../../src/report/figures/time-boxplots.js';
import { writeFigureFiles } from '../../src/report/figures/write-figures.js';
import { ResultStore } from '../../src/store/result-store.js';
import { tempHome } from '../fixtures/temp-home.js';
import { buildFixtureCampaign } from './fixture-store.js';

// Specs are data: the tests below read them as JSON, the way a person checking a snapshot would.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const asJson = (spec: unknown): Json => JSON.parse(JSON.stringify(spec));

/** A run as a view sees it; its reproduction flags are taken as recorded, so a test states them directly. */
function run(p: Partial<RunRecord> & Pick<RunRecord, 'id' | 'binding' | 'seed'>): ReportRun {
  return reportRuns([record({ cellKey: p.id, ...p })])[0]!;
}

const curve = (runId: string, test: number[]): EpochPoint[] => test.map((t, i) => ({ runId, epoch: i + 1, trainAccuracy: t + 0.01, testAccuracy: t, loss: null, trainSeconds: null, evalSeconds: null }));

test('accuracy curves: the best run per binding is the one with the highest final test accuracy; the band spans every run', () => {
  const runs = [
    run({ id: 'p1', binding: 'pytorch/python', seed: 1, finalTestAccuracy: 0.95 }),
    run({ id: 'p2', binding: 'pytorch/python', seed: 2, finalTestAccuracy: 0.97 }),
    run({ id: 'r1', binding: 'pytorch/rust', seed: 1, finalTestAccuracy: 0.96 }),
    run({ id: 'r2', binding: 'pytorch/rust', seed: 2, finalTestAccuracy: 0.96 }),
    run({ id: 'bad', binding: 'pytorch/rust', seed: 3, status: 'failed', finalTestAccuracy: 0.99 }),
  ];
  const epochs = new Map([
    ['p1', curve('p1', [0.9, 0.95])],
    ['p2', curve('p2', [0.8, 0.97])],
    ['r1', curve('r1', [0.91, 0.96])],
    ['r2', curve('r2', [0.92, 0.96])],
    ['bad', curve('bad', [0.99, 0.99])],
  ]);
  const [g, ...rest] = accuracyGroups(runs, epochs, ['pytorch/python', 'pytorch/rust']);
  assert.equal(rest.length, 0);
  assert.deepEqual(g!.bindings, ['pytorch/python', 'pytorch/rust']);
  // p2 has the higher final accuracy; r1 and r2 tie and the smaller seed wins; the failed run is never drawn.
  assert.deepEqual([...new Set(g!.best.map((r) => r.run))], ['p2', 'r1']);
  assert.ok(!g!.all.some((r) => r.run === 'bad'));
  const band = g!.band.find((b) => b.binding === 'pytorch/python' && b.split === 'test' && b.epoch === 1)!;
  assert.deepEqual([band.min, band.max, band.runs], [0.8, 0.9, 2]);

  const best = asJson(accuracyBestSpec(g!, ['pytorch/python', 'pytorch/rust', 'tensorflow/python']));
  assert.equal(best.facet.column.field, 'split');
  assert.deepEqual(best.facet.column.sort, ['training', 'test']);
  assert.equal(best.spec.mark.type, 'line');
  assert.equal(best.spec.encoding.x.field, 'epoch');
  assert.equal(best.spec.encoding.y.scale.zero, false);
  assert.equal(best.spec.encoding.color.field, 'binding');
  assert.deepEqual(best.spec.encoding.color.scale.domain, ['pytorch/python', 'pytorch/rust'], 'the legend lists only the bindings drawn');
  assert.equal(best.data.values.length, 2 * 2 * 2, '2 runs × 2 epochs × 2 splits');

  const band2 = asJson(accuracyBandSpec(g!, ['pytorch/python', 'pytorch/rust']));
  const [area, lines] = band2.spec.layer;
  assert.equal(area.mark.type, 'area');
  assert.deepEqual([area.encoding.y.field, area.encoding.y2.field], ['min', 'max']);
  assert.equal(lines.mark.type, 'line');
  assert.equal(lines.encoding.detail.field, 'run');
  assert.equal(band2.data.values.filter((v: Json) => v.kind === 'run').length, 4 * 2 * 2, 'every finished run, both splits');
});

test('a binding keeps its colour in every figure, whatever other bindings a figure shows', () => {
  const palette = ['pytorch/python', 'pytorch/rust', 'tensorflow/python', 'tensorflow/js'];
  const all = bindingColor(palette);
  const tf = bindingColor(palette, ['tensorflow/python', 'tensorflow/js']);
  const colourOf = (c: typeof all, b: string) => c.scale.range[c.scale.domain.indexOf(b)];
  assert.equal(colourOf(tf, 'tensorflow/js'), colourOf(all, 'tensorflow/js'));
  assert.equal(colourOf(tf, 'tensorflow/python'), colourOf(all, 'tensorflow/python'));
  assert.equal(new Set(all.scale.range).size, 4);
});

test('reproduction matrix: one cell per source × load mode × target, with every state and the study criterion counts', () => {
  const infer = (id: string, target: string, loadMode: string, p: Partial<RunRecord>) => run({ id, binding: target, seed: 1, mode: 'infer', sourceBinding: 'pytorch/python', loadMode, ...p });
  const runs = [
    infer('a1', 'pytorch/rust', 'states', { reproduced: true }),
    infer('a2', 'pytorch/rust', 'states', { reproduced: false, seed: 2 }),
    infer('b1', 'pytorch/python', 'states', { reproduced: true }),
    infer('c1', 'pytorch/rust', 'serialization', { status: 'not_supported', reason: 'cannot load TorchScript' }),
    infer('d1', 'pytorch/cs', 'states', { status: 'not_available', reason: 'not installed' }),
    infer('e1', 'pytorch/js', 'states', { status: 'failed', reason: 'crashed' }),
    infer('f1', 'pytorch/go', 'states', { reproduced: false }),
    infer('g1', 'pytorch/rust', 'states', { device: 'cuda', reproduced: null }),
  ];
  const cells = reproductionCells(runs);
  const state = (target: string, mode: string, device = 'cpu') => cells.find((c) => c.target === target && c.loadMode === mode && c.device === device)!;
  assert.equal(state('pytorch/rust', 'states').state, 'partly reproduced');
  assert.equal(state('pytorch/rust', 'states').label, '1/2');
  assert.equal(state('pytorch/python', 'states').state, 'reproduced');
  assert.equal(state('pytorch/rust', 'serialization').state, 'not supported');
  assert.deepEqual(state('pytorch/rust', 'serialization').reasons, ['not_supported: cannot load TorchScript']);
  assert.equal(state('pytorch/cs', 'states').state, 'not available');
  assert.equal(state('pytorch/js', 'states').state, 'failed');
  assert.equal(state('pytorch/go', 'states').state, 'not reproduced');
  assert.equal(state('pytorch/rust', 'states', 'cuda').state, 'not recorded');
  assert.equal(state('pytorch/rust', 'states').row, 'lenet1 · pytorch/python → states');

  const spec = asJson(reproductionSpec('cpu', cells, ['pytorch/python', 'pytorch/rust', 'pytorch/cs', 'pytorch/js', 'pytorch/go', 'unused/x']));
  assert.ok(spec.data.values.every((v: Json) => v.device === 'cpu'), 'one heat map per device');
  assert.deepEqual(spec.encoding.x.sort, ['pytorch/python', 'pytorch/rust', 'pytorch/cs', 'pytorch/js', 'pytorch/go']);
  assert.equal(spec.encoding.x.field, 'target');
  assert.equal(spec.encoding.y.field, 'row');
  const [rect, text] = spec.layer;
  assert.equal(rect.mark.type, 'rect');
  assert.deepEqual(rect.encoding.color.scale.domain, [...REPRODUCTION_STATES], 'the legend always lists every state, in the same order');
  assert.equal(rect.encoding.color.scale.range.length, REPRODUCTION_STATES.length);
  assert.equal(text.mark.type, 'text');
  assert.equal(text.encoding.text.field, 'label');
});

test('time box plots: log axis, min–max whiskers, a point per run; only finished runs with a positive time', () => {
  const runs = [
    run({ id: 't1', binding: 'pytorch/python', seed: 1, trainSeconds: 10 }),
    run({ id: 't2', binding: 'pytorch/python', seed: 2, trainSeconds: 12 }),
    run({ id: 't3', binding: 'pytorch/rust', seed: 1, trainSeconds: 5 }),
    run({ id: 't4', binding: 'pytorch/rust', seed: 2, trainSeconds: 0 }),
    run({ id: 't5', binding: 'pytorch/rust', seed: 3, trainSeconds: 7, status: 'failed' }),
    run({ id: 't6', binding: 'pytorch/rust', seed: 1, trainSeconds: 50, device: 'cuda' }),
    run({ id: 'i1', binding: 'pytorch/rust', seed: 1, mode: 'infer', meanInferenceSeconds: 0.3, loadMode: 'states', sourceBinding: 'pytorch/python' }),
    run({ id: 'i2', binding: 'pytorch/rust', seed: 1, mode: 'infer', meanInferenceSeconds: 0.03, loadMode: 'serialization', sourceBinding: 'pytorch/python', device: 'cuda' }),
    run({ id: 'i3', binding: 'pytorch/rust', seed: 1, mode: 'infer', meanInferenceSeconds: 0.02, loadMode: 'onnx', sourceBinding: 'pytorch/python', device: 'cuda' }),
  ];
  const order = ['pytorch/python', 'pytorch/rust'];
  const groups = trainingTimeGroups(runs, order);
  assert.deepEqual(
    groups.map((g) => [g.devices, g.rows.map((r) => r.run)]),
    [
      [['cpu'], ['t1', 't2', 't3']],
      [['cuda'], ['t6']],
    ],
  );
  const spec = asJson(trainingTimeSpec(groups[0]!, order));
  const [box, points] = spec.layer;
  assert.equal(box.mark.type, 'boxplot');
  assert.equal(box.mark.extent, 'min-max');
  assert.equal(box.encoding.y.scale.type, 'log');
  assert.deepEqual(box.encoding.x.sort, order);
  assert.equal(points.mark.type, 'point');
  assert.equal(points.encoding.y.field, 'seconds');

  const [inf, onnx] = inferenceTimeGroups(runs, order);
  assert.deepEqual(inf!.devices, ['cpu', 'cuda'], 'one inference figure holds both devices');
  assert.deepEqual([inf!.framework, inf!.rows.map((r) => r.run)], ['pytorch', ['i1', 'i2']]);
  assert.deepEqual([onnx!.framework, onnx!.rows.map((r) => r.run)], ['pytorch+onnx', ['i3']], 'ONNX loads have a figure of their own, as in RQ4');
  const ispec = asJson(inferenceTimeSpec(inf!, order));
  assert.equal(ispec.facet.column.field, 'device');
  assert.deepEqual(ispec.facet.column.sort, ['cpu', 'cuda']);
  assert.equal(ispec.spec.layer[0].encoding.y.scale.type, 'log');
  assert.equal(ispec.spec.layer[1].encoding.shape.field, 'loadMode');
  assert.doesNotMatch(ispec.title.subtitle, /no GPU runs/);
  const cpuOnly = inferenceTimeGroups(runs.filter((r) => r.device === 'cpu'), order)[0]!;
  assert.match(asJson(inferenceTimeSpec(cpuOnly, order)).title.subtitle, /no GPU runs in this campaign/);
});

test('a campaign from the store gives every figure kind, rendered to SVG with ids scoped to the figure', async (t) => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'figs' });
  const c = ResultStore.with(home.store, (store) => loadCampaignRuns(store, 'figs')!);
  // Skipped inference runs record their planned source only in result.json; the query reads it from there.
  assert.ok(c.runs.filter((r) => r.mode === 'infer').every((r) => r.sourceBinding && r.loadMode));
  assert.deepEqual(bindingOrder(c.runs), ['pytorch/python', 'pytorch/rust', 'tensorflow/python', 'tensorflow/js']);
  const defs = campaignFigures(c);
  const count = (kind: string) => defs.filter((d) => d.kind === kind).length;
  assert.deepEqual(
    { best: count('accuracy-best'), band: count('accuracy-band'), reproduction: count('reproduction'), training: count('training-time'), inference: count('inference-time') },
    { best: 4, band: 4, reproduction: 2, training: 4, inference: 2 },
    '2 frameworks × 2 models of curves and training times, one matrix per device, inference per framework for lenet1',
  );
  assert.equal(new Set(defs.map((d) => d.id)).size, defs.length, 'figure ids are unique');

  const rendered = await renderFigures(defs.filter((d) => d.kind === 'reproduction' || d.kind === 'accuracy-best').slice(0, 2));
  for (const f of rendered) {
    assert.match(f.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const [, id] of f.svg.matchAll(/\bid="([^"]+)"/g)) assert.ok(id!.startsWith(`${f.id}-`), `id ${id} is scoped to ${f.id}`);
  }
  assert.match(rendered[0]!.svg, /pytorch\/rust/);

  const dir = mkdtempSync(join(tmpdir(), 'bindbench-figures-'));
  const written = await writeFigureFiles(dir, rendered);
  assert.equal(written.svg.length, 2);
  for (const p of written.svg) assert.match(readFileSync(p, 'utf8'), /^<svg/);
  if (written.pngUnavailable) t.diagnostic(`no PNG: ${written.pngUnavailable}`);
  else {
    assert.equal(written.png.length, 2);
    for (const p of written.png) assert.deepEqual([...readFileSync(p).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${p} is a PNG`);
  }
  assert.ok(written.svg.every((p) => existsSync(p)));
});

test('two figures inlined in one page cannot share a clip-path id', async () => {
  const spec = { data: { values: [{ a: 1, b: 1 }, { a: 2, b: 5 }] }, mark: { type: 'line' as const, clip: true }, encoding: { x: { field: 'a', type: 'quantitative' as const, scale: { domain: [1, 1.5] } }, y: { field: 'b', type: 'quantitative' as const } } };
  const [one, two] = await renderFigures([
    { id: 'one', kind: 'training-time', title: 'one', tags: {}, spec },
    { id: 'two', kind: 'training-time', title: 'two', tags: {}, spec },
  ]);
  const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(ids(one!.svg).length > 0, 'a clipped mark defines a clip path');
  assert.ok(ids(one!.svg).every((id) => id.startsWith('one-')));
  assert.ok(ids(two!.svg).every((id) => id.startsWith('two-')));
  for (const [, ref] of one!.svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids(one!.svg).includes(ref!), `url(#${ref}) points at an id of its own figure`);
  assert.equal(scopeSvgIds('<clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/>', 'f'), '<clipPath id="f-clip1"/><g clip-path="url(#f-clip1)"/><use href="#f-clip1"/>');
});

test('renderSvg turns a plain Vega-Lite spec into SVG text without a DOM', async () => {
  const svg = await renderSvg({ data: { values: [{ a: 'x', b: 1 }, { a: 'y', b: 3 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } });
  assert.match(svg, /^<svg/);
  const bars = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg);
  assert.ok(bars, 'a group of rect marks');
  assert.equal((bars![1]!.match(/<path/g) ?? []).length, 2, 'one bar per datum');
});
