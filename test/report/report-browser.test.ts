import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCampaignReport } from '../../src/report/html/campaign-report.js';
import { renderReportPage } from '../../src/report/html/report-page.js';
import { ResultStore } from '../../src/store/result-store.js';
import { tempHome } from '../fixtures/temp-home.js';
import { browserMissing, launchChromium, saveScreenshot, watchErrors } from './browser.js';
import { buildFixtureCampaign } from './fixture-store.js';

async function writeReport(): Promise<string> {
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'browser' });
  const db = ResultStore.open(home.store);
  const report = await loadCampaignReport(db, 'browser');
  db.close();
  const file = join(mkdtempSync(join(tmpdir(), 'bindbench-report-html-')), 'report.html');
  writeFileSync(file, renderReportPage([report], { generated: '2026-03-01T00:00:00Z', filterMode: 'client' }));
  return file;
}

test('the static report opens offline in Chromium: charts drawn, no console errors, filters, sorting and the curve switch work', async (t) => {
  const missing = browserMissing();
  if (missing) return t.skip(missing);
  const file = await writeReport();
  const browser = await launchChromium();
  try {
    // No network at all: anything the page tried to fetch would fail and be reported.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(pathToFileURL(file).href);

    const figures = page.locator('figure.figure');
    assert.equal(await figures.count(), 16);
    // Every figure holds a drawn chart: an SVG with marks, laid out at a real size.
    for (const kind of ['accuracy-best', 'reproduction', 'training-time', 'inference-time']) {
      const svg = page.locator(`figure[data-kind="${kind}"] svg`).first();
      assert.ok(await svg.isVisible(), `${kind} is visible`);
      const box = (await svg.boundingBox())!;
      assert.ok(box.width > 200 && box.height > 150, `${kind} is ${box.width}x${box.height}`);
      assert.ok((await svg.locator('.role-mark').count()) > 0, `${kind} has marks`);
    }
    assert.equal(await page.locator('figure[data-kind="accuracy-band"]').first().isVisible(), false, 'the all-runs curves start hidden');
    await page.locator('input[name="curves"][value="band"]').check();
    assert.equal(await page.locator('figure[data-kind="accuracy-band"]').first().isVisible(), true);
    assert.equal(await page.locator('figure[data-kind="accuracy-best"]').first().isVisible(), false);

    const visibleRows = () => page.locator('#browser-runs tbody tr:visible').count();
    const allRows = await visibleRows();
    assert.equal(allRows, 60);
    await page.selectOption('.filters select[name="model"]', 'lenet5');
    assert.equal(await visibleRows(), 12, 'lenet5: 4 bindings × 3 seeds of training, no inference runs');
    assert.equal(await page.locator('figure[data-model="lenet1"]:visible').count(), 0, 'lenet1 figures are hidden');
    assert.ok((await page.locator('figure[data-model="lenet5"]:visible').count()) > 0);
    assert.match((await page.locator('.filters .count').textContent())!, /^\d+ of \d+ table rows shown$/);
    await page.selectOption('.filters select[name="binding"]', 'pytorch/rust');
    assert.equal(await visibleRows(), 3);
    assert.match(page.url(), /\?model=lenet5&binding=pytorch%2Frust$/, 'the filter is in the address, so a filtered view can be shared');
    await page.selectOption('.filters select[name="model"]', '');
    await page.selectOption('.filters select[name="device"]', 'cuda');
    // pytorch/rust on cuda: 3 inference runs as target (the 3 pytorch/python → pytorch/rust states loads).
    assert.equal(await visibleRows(), 3);
    await page.selectOption('.filters select[name="binding"]', '');
    await page.selectOption('.filters select[name="device"]', '');

    // Sorting: the training-time column of the RQ3 table, descending after two clicks.
    const rq3 = page.locator('h3:has-text("RQ3") ~ .table-wrap table').first();
    const header = rq3.locator('th', { hasText: 'median s' });
    await header.locator('button').click();
    await header.locator('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const index = await header.evaluate((th) => Array.prototype.indexOf.call(th.parentElement!.children, th));
    const medians = await rq3.locator('tbody tr').evaluateAll((rows, i) => rows.map((r) => Number((r as HTMLTableRowElement).cells[i as number]!.getAttribute('data-sort'))), index);
    assert.deepEqual(medians, [...medians].sort((a, b) => b - a));

    await page.locator('input[name="curves"][value="best"]').check();
    await page.selectOption('.filters select[name="model"]', 'lenet1');
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = await saveScreenshot(page, 'report');
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
