import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';
import { summarizeTraining } from '../../src/analysis/campaign-summary.js';
import { rq1AccuracyTable, timingTable } from '../../src/report/analysis-tables.js';
import { campaign, run } from './synthetic-campaign.js';
import type { RunRecord } from '../../src/analysis/campaign-data.js';

const seeds = [1, 2, 3, 4, 5];
const curve = (x: number) => Array.from({ length: 10 }, (_, i) => Math.min(1, x + i * 0.01));

/** Python and Rust in both styles: the idiomatic Python loop is twice as slow, the minimal ones are alike. */
function twoStyles(): { runs: RunRecord[]; curves: Record<string, { train: number[]; test: number[] }> } {
  const runs: RunRecord[] = [];
  const curves: Record<string, { train: number[]; test: number[] }> = {};
  for (const style of ['minimal', 'idiomatic']) {
    for (const seed of seeds) {
      for (const binding of ['pytorch/python', 'pytorch/rust']) {
        const slow = style === 'idiomatic' && binding === 'pytorch/python' ? 2 : 1;
        const r = run({ id: `c/${binding}-${seed}-${style}`, binding, seed, style, finalTestAccuracy: 0.9 + seed / 1000, trainSeconds: (10 + seed / 10) * slow });
        runs.push(r);
        curves[r.id] = { train: curve(0.5 + seed / 1000), test: curve(0.5) };
      }
    }
  }
  return { runs, curves };
}

test('bindings are compared within one training style: each style is its own family, in every research question and table', () => {
  const { runs, curves } = twoStyles();
  const a = analyzeCampaign(campaign(runs, curves));
  assert.deepEqual(a.rq1.map((g) => g.style), ['idiomatic', 'minimal']);
  assert.ok(a.rq1.every((g) => g.bindings.every((b) => b.runs === 5)), 'no style pools the other\'s runs');
  const ratio = (style: string) => a.rq3.find((f) => f.style === style)!.comparisons[0]!.ratio!;
  assert.ok(Math.abs(ratio('idiomatic') - 0.5) < 0.01, `rust over the idiomatic python loop: ${ratio('idiomatic')}`);
  assert.ok(Math.abs(ratio('minimal') - 1) < 1e-12);
  // Every table carries the style column.
  for (const table of [rq1AccuracyTable(a), timingTable(a, a.rq3, 'runs')]) {
    const col = table.columns.findIndex((c) => c.label === 'style');
    assert.ok(col >= 0);
    assert.deepEqual([...new Set(table.rows.map((r) => r.cells[col]))].sort(), ['idiomatic', 'minimal']);
  }
  const summary = summarizeTraining(runs);
  assert.deepEqual(summary.map((r) => [r.style, r.binding, Number(r.ratioToReference!.toFixed(2))]), [
    ['idiomatic', 'pytorch/python', 1],
    ['idiomatic', 'pytorch/rust', 0.5],
    ['minimal', 'pytorch/python', 1],
    ['minimal', 'pytorch/rust', 1],
  ]);
});

test('a campaign on stand-in data says so first among its warnings, once per caveat, naming the models', () => {
  const caveat = 'CIFAR-10 here is the shared subset';
  const runs = [
    run({ binding: 'pytorch/python', seed: 1, model: 'vgg16', dataCaveat: caveat }),
    run({ binding: 'pytorch/rust', seed: 1, model: 'vgg16', dataCaveat: caveat }),
    run({ binding: 'pytorch/python', seed: 1, model: 'lenet1' }),
  ];
  const a = analyzeCampaign(campaign(runs));
  const standIn = a.warnings.filter((w) => w.code === 'stand-in-data');
  assert.equal(standIn.length, 1);
  assert.equal(a.warnings[0]!.code, 'stand-in-data');
  assert.equal(standIn[0]!.message, caveat);
  assert.equal(standIn[0]!.scope, 'data (vgg16)');
  assert.equal(analyzeCampaign(campaign([runs[2]!])).warnings.some((w) => w.code === 'stand-in-data'), false);
});
