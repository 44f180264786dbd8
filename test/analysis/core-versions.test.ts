/** A verdict between a binding and a reference that ran different versions of the framework's core says so (issue 17). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCampaign } from '../../src/analysis/analyze-campaign.js';
import type { RunRecord } from '../../src/analysis/campaign-data.js';
import { timingTable } from '../../src/report/analysis-tables.js';
import { campaign, run } from './synthetic-campaign.js';

const SEEDS = [1, 2, 3, 4, 5];

function trained(binding: string, seconds: number, core: [string, string] | null): RunRecord[] {
  return SEEDS.map((seed, i) =>
    run({ binding, model: 'lenet5', seed, trainSeconds: seconds * (1 + i / 100), finalTestAccuracy: 0.9 + i / 1000, coreLibrary: core?.[0] ?? null, coreVersion: core?.[1] ?? null, id: `c/${binding}-${seed}` }),
  );
}

test('a binding on another libtorch than its reference carries both versions beside every verdict, and one warning', () => {
  const a = analyzeCampaign(campaign([
    ...trained('pytorch/python', 10, ['torch', '2.11.0+cu130']),
    ...trained('pytorch/java', 15, ['libtorch', '2.7.1']),
    ...trained('pytorch/rust', 11, ['libtorch', '2.11.0+cu130']),
  ]));
  const time = a.rq3[0]!.comparisons;
  assert.deepEqual(time.find((c) => c.binding === 'pytorch/java')!.coreVersions, { binding: 'libtorch 2.7.1', reference: 'torch 2.11.0+cu130' });
  assert.equal(time.find((c) => c.binding === 'pytorch/rust')!.coreVersions, null, 'the same release under another name is the same core');
  const accuracy = a.rq1[0]!.finalTestAccuracy.find((c) => c.binding === 'pytorch/java')!;
  assert.deepEqual(accuracy.coreVersions, { binding: 'libtorch 2.7.1', reference: 'torch 2.11.0+cu130' });
  assert.equal(a.memory.length, 0, 'no memory recorded, no family');
  const warnings = a.warnings.filter((w) => w.code === 'core-versions-differ');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /pytorch\/java ran libtorch 2\.7\.1 and pytorch\/python ran torch 2\.11\.0\+cu130/);
  const row = timingTable(a, a.rq3, 's').rows.find((r) => r.tags?.binding === 'pytorch/java')!;
  const verdict = row.cells.at(-1)!;
  assert.ok(typeof verdict === 'object' && verdict !== null && 'text' in verdict);
  assert.match(String(verdict.text), /^slower \(libtorch 2\.7\.1 vs torch 2\.11\.0\+cu130\)$/);
});

test('runs that recorded no core version (imports, older runs) get no caveat', () => {
  const a = analyzeCampaign(campaign([...trained('pytorch/python', 10, null), ...trained('pytorch/java', 15, ['libtorch', '2.7.1'])]));
  assert.equal(a.rq3[0]!.comparisons.find((c) => c.binding === 'pytorch/java')!.coreVersions, null);
  assert.equal(a.warnings.filter((w) => w.code === 'core-versions-differ').length, 0);
});
