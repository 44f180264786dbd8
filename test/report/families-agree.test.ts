/**
 * The RQ4 table and the RQ4 figure of a campaign must group the same runs: families are computed once
 * (src/analysis/families.ts), so a campaign with ONNX loads (in the framework's own bindings and in a neutral runtime)
 * and cross-framework loads shows each load in the same family in the table and in the figure beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeCampaign, loadCampaignData } from '../../src/analysis/index.js';
import type { BindingDescriptor } from '../../src/bindings/binding.js';
import { frameworkFacts } from '../../src/bindings/index.js';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { reportRuns } from '../../src/report/campaign-runs.js';
import { bindingOrder } from '../../src/report/figures/figure-set.js';
import { inferenceTimeGroups } from '../../src/report/figures/time-boxplots.js';
import { ResultStore } from '../../src/store/result-store.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

function bindings(markers: string): BindingDescriptor[] {
  const withCaps = (b: BindingDescriptor, over: Partial<BindingDescriptor>, caps: Partial<BindingDescriptor['capabilities']>): BindingDescriptor => ({ ...b, ...over, capabilities: { ...b.capabilities, ...caps } });
  return [
    withCaps(fakeBinding({}, markers, 'fake/python'), { reference: true }, { exports: ['safetensors', 'onnx'], loads: ['safetensors', 'onnx'] }),
    withCaps(fakeBinding({}, markers, 'fake/rust'), {}, { loads: ['safetensors', 'onnx'] }),
    // A neutral runtime: its ONNX loads of the PyTorch model belong to PyTorch's ONNX family.
    withCaps(fakeBinding({}, markers, 'fakeort/js'), { framework: 'onnx' }, { train: { supported: false, reason: 'runtime only' }, loads: ['onnx'], exports: [], runsAnyFramework: true }),
    // TensorFlow's bindings receive the model (lenet1 is not trained there): a cross-framework family.
    withCaps(fakeBinding({}, markers, 'faketf/python'), { framework: 'tensorflow', reference: true }, { inferOnlyModels: { lenet1: 'not trained here' } }),
    withCaps(fakeBinding({}, markers, 'faketf/js'), { framework: 'tensorflow' }, { train: { supported: false, reason: 'inference only' } }),
  ];
}

test('the RQ4 table and the RQ4 figure group the same runs, with ONNX and cross-framework loads in their own families', async () => {
  const home = tempHome();
  const list = bindings(join(home.root, 'markers'));
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1, 2], epochs: 1, experiments: ['train', 'infer'], infer_modes: ['states', 'onnx'] }, list.map((b) => b.id));
  const outcome = await runCampaign({ home, spec, bindings: list, id: 'families' });
  assert.equal(outcome.failed, 0);
  const facts = frameworkFacts(list);
  const { analysis, runs } = ResultStore.with(home.store, (store) => ({ analysis: analyzeCampaign(loadCampaignData(store, 'families'), facts), runs: reportRuns(store.runs('families'), facts) }));

  const table = analysis.rq4.map((f) => `${f.framework} ${f.device}: ${f.samples.map((s) => `${s.binding}×${s.values.length}`).join(', ')}`);
  assert.deepEqual(table, [
    'pytorch cpu: fake/python×2, fake/rust×2',
    'pytorch→tensorflow cpu: faketf/python×2, faketf/js×2',
    'pytorch+onnx cpu: fake/python×2, fake/rust×2, fakeort/js×2',
  ]);
  assert.equal(analysis.rq4.find((f) => f.framework === 'pytorch→tensorflow')!.reference, 'faketf/python');

  const order = bindingOrder(runs);
  const figure = inferenceTimeGroups(runs, order).flatMap((g) =>
    g.devices.map((device) => {
      const rows = g.rows.filter((r) => r.device === device);
      return `${g.framework} ${device}: ${g.bindings.filter((b) => rows.some((r) => r.binding === b)).map((b) => `${b}×${rows.filter((r) => r.binding === b).length}`).join(', ')}`;
    }),
  );
  const sorted = (xs: string[]) => [...xs].sort();
  // Within a family the figure orders bindings as every figure does; the same runs, family by family.
  const normal = (line: string) => line.replace(/: (.*)$/, (_m, list: string) => `: ${sorted(list.split(', ')).join(', ')}`);
  assert.deepEqual(sorted(figure.map(normal)), sorted(table.map(normal)));
});
