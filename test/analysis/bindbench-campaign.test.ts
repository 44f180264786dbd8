import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { analyzeCampaign, loadCampaignData } from '../../src/analysis/index.js';
import { renderAnalysisMarkdown } from '../../src/report/analysis-markdown.js';
import { renderAnalysisJson } from '../../src/report/analysis-json.js';
import { ResultStore } from '../../src/store/result-store.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { frameworkFacts } from '../../src/bindings/index.js';
import { tempHome } from '../fixtures/temp-home.js';
import { join } from 'node:path';

test("a campaign run by bindbench (train and infer) gives the same report shape as the imported study", async () => {
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const reference = { ...fakeBinding({ '3': 'crash' }, markers, 'fake/python'), reference: true };
  const other = fakeBinding({}, markers, 'fake/rust');
  const list = [reference, other];
  const spec = resolveSpec({ models: ['lenet1'], seeds: [1, 2, 3], epochs: 2, experiments: ['train', 'infer'], infer_modes: ['states'] }, list.map((b) => b.id));
  await runCampaign({ home, spec, bindings: list, id: 'own' });
  const data = ResultStore.with(home.store, (store) => {
    assert.equal(store.listCampaigns()[0]!.id, 'own');
    return loadCampaignData(store, 'own');
  });
  const a = analyzeCampaign(data, frameworkFacts(list));
  assert.equal(a.rq1[0]!.reference, 'fake/python');
  assert.deepEqual(a.rq1[0]!.bindings.map((b) => [b.binding, b.runs]), [['fake/python', 2], ['fake/rust', 3]]);
  // The fake runner writes the same curve for every run: no distance between bindings, and no seed noise either.
  assert.equal(a.rq1[0]!.maxTrainDtw, 0);
  assert.equal(a.rq1[0]!.noiseFloor.max, 0);
  assert.deepEqual(a.rq3[0]!.samples.map((s) => [s.binding, s.summary.n]), [['fake/python', 2], ['fake/rust', 3]]);
  assert.equal(a.rq3[0]!.comparisons[0]!.verdict, 'too few samples');
  // Seed 3's reference run crashed, so its model could not be loaded anywhere: those infer cells are not ok.
  const loaded = a.rq2.filter((r) => r.models > 0);
  assert.deepEqual(loaded.map((r) => [r.target, r.loadMode, r.reproduced, r.stable, r.verdict]), [
    ['fake/python', 'states', 2, 2, 'all reproduced'],
    ['fake/rust', 'states', 2, 2, 'all reproduced'],
  ]);
  assert.ok(a.rq2.some((r) => r.problems.some((p) => /not_available: the source run lenet1--fake-python--s3--cpu has no complete result/.test(p))));
  assert.ok(a.rq4.length > 0);
  const codes = a.warnings.map((w) => w.code);
  assert.ok(codes.includes('runs-not-ok'));
  assert.ok(codes.includes('too-few-samples'));

  const md = renderAnalysisMarkdown(a);
  for (const heading of ['# bindbench analysis: own', '## Warnings', '## RQ1: accuracy', '## RQ2: reproducing a model in another binding', '## RQ3: training time', '## RQ4: inference time']) {
    assert.ok(md.includes(heading), `missing ${heading}`);
  }
  assert.match(md, /\| fake\/python \(reference\) \|/);
  assert.match(md, /too few samples/);
  const json = JSON.parse(renderAnalysisJson([a]));
  assert.equal(json.version, 1);
  assert.equal(json.analyses[0].rq3[0].comparisons[0].binding, 'fake/rust');
});
