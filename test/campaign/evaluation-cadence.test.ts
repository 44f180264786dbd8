/**
 * How often a training cell evaluates: the test set every `test_every` epochs and after the last, the evaluations'
 * batch size. Both come from the preset, can be overridden by the spec, travel in the request, and a campaign whose
 * runs skipped test evaluations is stored, analysed and drawn from the epochs that have them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCampaign, loadCampaignData } from '../../src/analysis/index.js';
import { planCampaign } from '../../src/campaign/plan.js';
import { runCampaign } from '../../src/campaign/run-campaign.js';
import { resolveSpec } from '../../src/campaign/spec.js';
import { frameworkFacts } from '../../src/bindings/index.js';
import { loadRunPage } from '../../src/report/html/browser-data.js';
import { renderRunPage } from '../../src/report/html/run-page.js';
import { ResultStore } from '../../src/store/result-store.js';
import { BadInputError } from '../../src/base/errors.js';
import { fakeBinding } from '../fixtures/fake-binding.js';
import { tempHome } from '../fixtures/temp-home.js';

test('the quick preset evaluates the test set after the last epoch only, in batches of 256; the paper preset every epoch; the spec overrides both', () => {
  const binding = fakeBinding({}, '/nonexistent');
  const plan = (written: object) => planCampaign(resolveSpec({ models: ['lenet1'], bindings: ['fake/js'], seeds: [1], ...written }, ['fake/js']), [binding], new Set(['fake/js']));
  const [quick] = plan({ preset: 'quick' });
  assert.deepEqual([quick!.testEvery, quick!.evalBatchSize, quick!.hyper.epochs], [10, 256, 10]);
  const [paper] = plan({ preset: 'paper' });
  assert.deepEqual([paper!.testEvery, paper!.evalBatchSize], [undefined, undefined], 'the paper preset keeps what campaigns before the fields did');
  const [overridden] = plan({ preset: 'quick', test_every: 1, eval_batch_size: 500 });
  assert.deepEqual([overridden!.testEvery, overridden!.evalBatchSize], [undefined, 500], 'test_every 1 is every epoch, the request default');
  assert.throws(() => resolveSpec({ test_every: 0 }, ['fake/js']), (e: unknown) => e instanceof BadInputError && /test_every/.test(e.message));
  assert.throws(() => resolveSpec({ eval_batch_size: 1.5 }, ['fake/js']), (e: unknown) => e instanceof BadInputError && /eval_batch_size/.test(e.message));
});

test('test_every reaches the training request only; skipped test evaluations are stored as null, and analysis and run pages use the epochs that have one', async () => {
  const home = tempHome();
  const markers = join(home.root, 'markers');
  const reference = { ...fakeBinding({}, markers, 'fake/python'), reference: true };
  const other = fakeBinding({}, markers, 'fake/rust');
  const list = [reference, other];
  const spec = resolveSpec({ preset: 'quick', models: ['lenet1'], seeds: [1, 2], epochs: 3, test_every: 2, experiments: ['train', 'infer'], infer_modes: ['states'] }, list.map((b) => b.id));
  const outcome = await runCampaign({ home, spec, bindings: list, id: 'cadence' });
  assert.equal(outcome.failed, 0);
  const request = (key: string) => JSON.parse(readFileSync(join(home.store, 'runs', 'cadence', key, 'request.json'), 'utf8'));
  const train = outcome.results.find((r) => r.cell.mode === 'train')!;
  const infer = outcome.results.find((r) => r.cell.mode === 'infer')!;
  assert.equal(request(train.cell.key).test_every, 2);
  assert.equal(request(train.cell.key).inference.batch_size, 256, "the quick preset's evaluation batch");
  assert.equal(request(infer.cell.key).test_every, undefined, 'a loading run evaluates no epochs');
  assert.equal(request(infer.cell.key).inference.batch_size, 128, 'inference is timed in training batches, as before');

  const data = ResultStore.with(home.store, (store) => {
    const epochs = store.epochs('cadence').get(train.run_id)!;
    assert.deepEqual(epochs.map((e) => e.testAccuracy), [null, 0.51, 0.515]);
    assert.equal(store.runs('cadence').find((r) => r.id === train.run_id)!.finalTestAccuracy, 0.515, 'the final test accuracy is the last epoch');
    return loadCampaignData(store, 'cadence');
  });
  assert.deepEqual(data.curves.get(train.run_id), { train: [0.51, 0.52, 0.53], test: [null, 0.51, 0.515] });
  const rq1 = analyzeCampaign(data, frameworkFacts(list)).rq1[0]!;
  // The fake runner writes one curve for every run: the distances over the evaluated epochs are 0, not missing.
  assert.deepEqual([rq1.maxTrainDtw, rq1.maxTestDtw], [0, 0]);

  const page = await ResultStore.with(home.store, (store) => loadRunPage(store, 'cadence', train.cell.key));
  const html = renderRunPage(page!);
  assert.match(html, /<svg/, 'the accuracy figure is drawn');
  const epochTable = html.slice(html.indexOf('train acc'));
  assert.match(epochTable, /—/, 'the skipped test accuracy shows as a dash');
});
