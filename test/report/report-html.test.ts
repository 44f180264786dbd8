import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCampaign, loadCampaignData } from '../../src/analysis/index.js';
import { formatP } from '../../src/report/format.js';
import { loadCampaignReport } from '../../src/report/html/campaign-report.js';
import { numberCell, renderDataTable } from '../../src/report/html/data-table.js';
import { environmentManifest, renderEnvironmentManifest } from '../../src/report/html/environment-manifest.js';
import { renderReportPage } from '../../src/report/html/report-page.js';
import { renderStatistics } from '../../src/report/html/statistics-tables.js';
import { ResultStore } from '../../src/store/result-store.js';
import { tempHome } from '../fixtures/temp-home.js';
import { buildFixtureCampaign } from './fixture-store.js';

/** The `<tr>` rows of an HTML fragment that carry all the given data attributes. */
function rowsTagged(html: string, tags: Record<string, string>): string[] {
  return [...html.matchAll(/<tr\b[^>]*>.*?<\/tr>/gs)]
    .map((m) => m[0])
    .filter((row) => Object.entries(tags).every(([k, v]) => new RegExp(`data-${k}="([^"]* )?${v.replace(/[/.]/g, '\\$&')}( [^"]*)?"`).test(row)));
}

test('the statistics tables show the analysis results, as the analysis computed them', () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'stats' });
  const db = ResultStore.open(home.store);
  const analysis = analyzeCampaign(loadCampaignData(db, 'stats'));
  db.close();
  const html = renderStatistics(analysis);
  const rq4 = html.slice(html.indexOf('<h3>RQ4'));
  const family = analysis.rq4.find((f) => f.framework === 'pytorch' && f.device === 'cpu')!;
  const rust = family.comparisons.find((c) => c.binding === 'pytorch/rust')!;
  assert.equal(rust.verdict, 'faster', 'the fixture makes pytorch/rust infer faster on 6 vs 3 models');
  const [row, ...more] = rowsTagged(rq4, { binding: 'pytorch/rust', device: 'cpu', model: 'lenet1' });
  assert.equal(more.length, 0);
  assert.ok(row!.includes(`>${formatP(rust.mannWhitney!.pvalue)}<`), 'the p-value');
  assert.ok(row!.includes(`>${formatP(rust.adjustedP)}<`), 'the corrected p-value');
  assert.ok(row!.includes(`data-sort="${rust.adjustedP}"`), 'sorted by the exact value, not its text');
  assert.ok(row!.includes(`${rust.cliffsDelta!.delta.toFixed(2)} (${rust.cliffsDelta!.magnitude})`));
  assert.ok(row!.includes('>faster<'));
  // Every warning of the analysis is shown with what to do about it.
  for (const w of analysis.warnings) assert.ok(html.includes(w.code) && html.includes(w.action.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')), w.code);
  // RQ2 rows belong to both their target and their source binding, so filtering on either finds them.
  assert.ok(rowsTagged(html.slice(html.indexOf('<h3>RQ2'), html.indexOf('<h3>RQ3')), { binding: 'tensorflow/python' }).some((r) => r.includes('tensorflow/js')));
});

test('tables escape what they show and sort numbers by their raw values', () => {
  const html = renderDataTable(
    [{ label: 'name' }, { label: 'seconds', numeric: true }],
    [
      { cells: ['<script>alert(1)</script>', numberCell(0.000123, (x) => x.toPrecision(3))], tags: { binding: 'a/"b"' } },
      { cells: ['plain', numberCell(null, String)] },
    ],
  );
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /data-binding="a\/&quot;b&quot;"/);
  assert.match(html, /<th scope="col" class="num" data-type="number"><button type="button">seconds<\/button><\/th>/);
  assert.match(html, /<td class="num" data-sort="0.000123">0.000123<\/td>/);
  assert.match(html, /<td class="num" data-sort="">—<\/td>/, 'a missing value sorts last');
  assert.match(renderDataTable([{ label: 'x' }], [], { empty: 'Nothing <here>' }), /<p class="note">Nothing &lt;here&gt;<\/p>/);
});

test('the environment manifest lists each distinct machine and binding environment once', () => {
  const host = { os: 'Debian', cores: 2 };
  const m = environmentManifest([
    { runId: 'a', binding: 'x/python', device: 'cpu', environment: { host, binding: { id: 'x/python', library: 'x' }, runner: { versions: { x: '1.0' } } } },
    { runId: 'b', binding: 'x/python', device: 'cpu', environment: { binding: { library: 'x', id: 'x/python' }, runner: { versions: { x: '1.0' } }, host: { cores: 2, os: 'Debian' } } },
    { runId: 'c', binding: 'x/rust', device: 'cpu', environment: { host, binding: { id: 'x/rust', library: 'x-rs' }, runner: { versions: { x: '1.0', rust: '1.86' } } } },
    { runId: 'd', binding: 'x/rust', device: 'cpu', environment: null },
    { runId: 'e', binding: 'y/py', device: 'cpu', environment: { imported_from: 'a study', host: null } },
  ]);
  assert.equal(m.hosts.length, 2, 'one machine (key order does not matter) and one "not recorded"');
  assert.deepEqual(m.hosts.find((h) => h.value !== null)!.bindings, ['x/python', 'x/rust']);
  assert.equal(m.hosts.find((h) => h.value !== null)!.runs, 3);
  assert.deepEqual(m.bindings.map((b) => [b.bindings.join(), b.runs]), [['x/python', 2], ['x/rust', 1], ['y/py', 1]]);
  assert.deepEqual(m.missing, ['d']);
  const html = renderEnvironmentManifest(m);
  assert.match(html, /rust 1\.86/);
  assert.match(html, /not recorded/);
  assert.match(html, /1 run\(s\) have no environment.json: d/);
});

test('the report page is self-contained: inline SVG, style and script, nothing fetched from anywhere', async () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'page' });
  const db = ResultStore.open(home.store);
  const report = await loadCampaignReport(db, 'page');
  db.close();
  const html = renderReportPage([report], { generated: '2026-03-01T00:00:00Z', filterMode: 'client' });
  assert.equal((html.match(/<svg/g) ?? []).length, report.figures.length);
  assert.equal(report.figures.length, 16);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+stylesheet|<img[^>]+src="http|@import|url\(http/);
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
  assert.ok(urls.every((u) => u.startsWith('http://www.w3.org/')), `only XML namespaces, got ${[...new Set(urls)].join(', ')}`);
  for (const section of ['page-figures', 'page-statistics', 'page-environment', 'page-runs']) assert.match(html, new RegExp(`id="${section}"`));
  assert.match(html, /bindbench run --name rerun-lenet1--pytorch-rust--s11--cpu --preset quick --models lenet1 --bindings pytorch\/rust --seeds 11 --devices cpu/);
  // Every run is a filterable row of the runs table.
  const runs = html.slice(html.indexOf('id="page-runs"'));
  assert.equal(rowsTagged(runs, {}).length - 1, report.runs.runs.length, 'one row per run plus the header');
});

test('a filtered campaign report draws only the selected runs but keeps the whole campaign\'s statistics', async () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'filtered' });
  const db = ResultStore.open(home.store);
  const all = await loadCampaignReport(db, 'filtered');
  const some = await loadCampaignReport(db, 'filtered', { filter: { model: 'lenet5', binding: 'pytorch/rust' } });
  db.close();
  assert.ok(some.runs.runs.length > 0 && some.runs.runs.every((r) => r.model === 'lenet5' && r.binding === 'pytorch/rust'));
  assert.deepEqual(some.figures.map((f) => f.kind).sort(), ['accuracy-band', 'accuracy-best', 'training-time']);
  assert.deepEqual(some.analysis, all.analysis);
  assert.deepEqual(some.choices, all.choices, 'the menus still offer everything');
  const html = renderReportPage([some], { generated: 'now', filterMode: 'server' });
  assert.match(html, /data-filter-mode="server"/);
  assert.match(html, /<option value="lenet5" selected>/);
  assert.match(html, /show only model lenet5, binding pytorch\/rust; the statistics are always those of the whole campaign/);
});

test('a campaign on stand-in data says so in the report header, before any figure, and only then', async () => {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'standin', dataCaveat: 'MNIST here is a stand-in <for this test>' });
  buildFixtureCampaign(home, { campaign: 'real' });
  const store = ResultStore.open(home.store);
  const [standIn, real] = [await loadCampaignReport(store, 'standin'), await loadCampaignReport(store, 'real')];
  store.close();
  const html = renderReportPage([standIn], { generated: '2026-03-01T00:00:00Z', filterMode: 'client' });
  const caveat = html.indexOf('<p class="caveat">');
  assert.ok(caveat > 0 && caveat < html.indexOf('id="standin-figures"'));
  assert.match(html, /Stand-in data<\/strong> \(data \(lenet1, lenet5\)\): MNIST here is a stand-in &lt;for this test&gt;/);
  assert.doesNotMatch(renderReportPage([real], { generated: '2026-03-01T00:00:00Z', filterMode: 'client' }), /class="caveat"/);
});
