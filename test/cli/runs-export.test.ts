/** `bindbench runs export`: one row per run, as CSV or JSON lines, with the documented columns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/base/home.js';
import { EXPORT_COLUMNS } from '../../src/store/export-rows.js';
import { ResultStore } from '../../src/store/result-store.js';
import { buildFixtureCampaign } from '../report/fixture-store.js';
import { tempHome } from '../fixtures/temp-home.js';

function bindbench(home: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(packageRoot, 'bin', 'bindbench.js'), '--home', home, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small RFC 4180 reader: quoted fields with doubled quotes and embedded commas. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  return rows;
}

test('runs export writes one CSV row per run with the documented columns, and the same rows as JSON lines', () => {
  const home = tempHome();
  const fixture = buildFixtureCampaign(home, { campaign: 'exp' });
  const total = fixture.trainRuns + fixture.inferRuns;

  const csv = bindbench(home.root, ['runs', 'export', '--campaign', 'exp']);
  assert.equal(csv.code, 0, csv.stderr);
  const [header, ...rows] = parseCsv(csv.stdout);
  assert.deepEqual(header, [...EXPORT_COLUMNS]);
  assert.equal(rows.length, total);
  assert.ok(rows.every((r) => r.length === EXPORT_COLUMNS.length));
  const col = (name: string) => EXPORT_COLUMNS.indexOf(name as (typeof EXPORT_COLUMNS)[number]);
  // The failed tfjs run keeps its reason, and the versions are those its runner reported at start.
  const failed = rows.find((r) => r[col('status')] === 'failed')!;
  assert.equal(failed[col('reason')], 'NaN loss: loss became NaN at epoch 2');
  assert.equal(failed[col('versions')], 'js=v20.20.2;tensorflow=2.21.0');
  const train = rows.find((r) => r[col('mode')] === 'train' && r[col('status')] === 'ok')!;
  assert.equal(train[col('epochs')], '3');
  assert.equal(train[col('cores')], '16');
  const infer = rows.find((r) => r[col('mode')] === 'infer' && r[col('status')] === 'ok')!;
  assert.match(infer[col('source_run')]!, /^exp\//);
  assert.ok(Number(infer[col('mean_inference_seconds')]) > 0);
  // Every value matches the store's own record of the run.
  const records = ResultStore.with(home.store, (s) => s.runs('exp'));
  for (const r of rows) {
    const rec = records.find((x) => x.id === r[col('run')])!;
    assert.equal(r[col('final_test_accuracy')], rec.finalTestAccuracy === null ? '' : String(rec.finalTestAccuracy));
  }

  const out = join(home.root, 'runs.jsonl');
  const jsonl = bindbench(home.root, ['runs', 'export', '--campaign', 'exp', '--format', 'jsonl', '--out', out]);
  assert.equal(jsonl.code, 0, jsonl.stderr);
  assert.match(jsonl.stdout, new RegExp(`${total} runs written to`));
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, total);
  assert.deepEqual(Object.keys(lines[0]!), [...EXPORT_COLUMNS]);
  assert.deepEqual(lines.map((l) => l.run).sort(), rows.map((r) => r[col('run')]).sort());
});

test('runs export refuses an unknown campaign or format with exit 2', () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'exp' });
  const unknown = bindbench(home.root, ['runs', 'export', '--campaign', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no campaign 'nope' in the index; known campaigns: exp/);
  const format = bindbench(home.root, ['runs', 'export', '--format', 'xlsx']);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /--format: 'xlsx' is not one of csv, jsonl/);
});
