import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeApiCost } from '../../src/analysis/api-cost.js';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';
import { bootstrapCI, median } from '../../src/stats/index.js';
import { renderAnalysisMarkdown } from '../../src/report/analysis-markdown.js';
import { campaign, run } from './synthetic-campaign.js';

const SEEDS = [1, 2, 3, 4, 5];

test("the API's own cost: per-seed idiomatic / minimal ratios, their median and a bootstrap interval; unpaired runs left out", () => {
  const idiomatic = [12, 13, 11, 12.5, 14];
  const minimal = [10, 10, 10, 10, 10];
  const runs = [
    ...SEEDS.map((seed, i) => run({ binding: 'pytorch/python', seed, style: 'idiomatic', trainSeconds: idiomatic[i]! })),
    ...SEEDS.map((seed, i) => run({ binding: 'pytorch/python', seed, style: 'minimal', trainSeconds: minimal[i]! })),
    // A seed trained in one style only, and a failed run: no pair.
    run({ binding: 'pytorch/python', seed: 6, style: 'idiomatic', trainSeconds: 99 }),
    run({ binding: 'pytorch/rust', seed: 1, style: 'idiomatic', trainSeconds: 5, status: 'failed' }),
    run({ binding: 'pytorch/rust', seed: 1, style: 'minimal', trainSeconds: 5 }),
  ];
  const rows = analyzeApiCost(runs);
  assert.equal(rows.length, 1, 'pytorch/rust has no pair of ok runs');
  const [row] = rows;
  assert.equal(row!.binding, 'pytorch/python');
  assert.equal(row!.pairs, 5);
  assert.deepEqual(row!.ratios, [1.2, 1.3, 1.1, 1.25, 1.4]);
  assert.equal(row!.medianRatio, 1.25);
  assert.equal(row!.medianIdiomaticSeconds, 12.5);
  assert.equal(row!.medianMinimalSeconds, 10);
  assert.deepEqual(row!.interval, bootstrapCI([1.2, 1.3, 1.1, 1.25, 1.4], median, { seed: 20261205 }));
  assert.ok(row!.interval![0] >= 1.1 && row!.interval![1] <= 1.4 && row!.interval![0] <= 1.25 && 1.25 <= row!.interval![1]);
});

test('one pair gives a ratio without an interval; a campaign in one style has no rows and the report says what to run', () => {
  const one = analyzeApiCost([run({ binding: 'tensorflow/js', seed: 1, style: 'idiomatic', trainSeconds: 3 }), run({ binding: 'tensorflow/js', seed: 1, style: 'minimal', trainSeconds: 2 })]);
  assert.equal(one[0]!.medianRatio, 1.5);
  assert.equal(one[0]!.interval, null);
  const analysis = analyzeCampaign(campaign(SEEDS.map((seed) => run({ binding: 'pytorch/python', seed, trainSeconds: 1 }))));
  assert.deepEqual(analysis.apiCost, []);
  assert.match(renderAnalysisMarkdown(analysis), /## The binding API's own cost[\s\S]*No binding trained in both styles with the same seeds \(`--styles minimal,idiomatic`\)/);
});
