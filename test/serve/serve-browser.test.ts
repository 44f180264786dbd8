import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStoreServer } from '../../src/serve/server.js';
import { tempHome } from '../fixtures/temp-home.js';
import { browserMissing, launchChromium, saveScreenshot, watchErrors } from '../report/browser.js';
import { buildFixtureCampaign } from '../report/fixture-store.js';
import type { Page } from 'playwright-core';

/** Scrolls every shown figure into view and waits until each has been fetched and drawn in. */
async function showEveryFigure(page: Page): Promise<void> {
  const shown = page.locator('figure[data-src]:visible');
  for (const f of await shown.all()) await f.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('figure[data-src]')].filter((f) => f.offsetParent !== null).every((f) => f.getAttribute('data-state') === 'loaded'));
  assert.equal(await page.locator('figure[data-state="failed"]').count(), 0);
}

test('the run browser in Chromium: campaigns, a filtered campaign, a run and a comparison, without console errors', async (t) => {
  const missing = browserMissing();
  if (missing) return t.skip(missing);
  const home = tempHome();
  buildFixtureCampaign(home, { campaign: 'base' });
  buildFixtureCampaign(home, { campaign: 'rust-v2', created: '2026-03-02T00:00:00.000Z', timeScale: { 'pytorch/rust': 0.6 } });
  const server = await startStoreServer({ store: home.store, host: '127.0.0.1', port: 0, log: (m) => t.diagnostic(m) });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(server.url);
    assert.equal(await page.locator('#campaigns tbody tr').count(), 2);

    await page.locator('a', { hasText: 'base' }).first().click();
    await page.waitForURL(/\/campaigns\/base$/);
    // Figures arrive as they near the viewport: scroll through them, then every shown one is drawn in; the other
    // accuracy-curve variant is fetched once the switch shows it.
    const placeholders = await page.locator('figure[data-src]').count();
    assert.equal(placeholders, 16);
    await showEveryFigure(page);
    await page.locator('input[name="curves"][value="band"]').check();
    await showEveryFigure(page);
    assert.equal(await page.locator('figure.figure svg').count(), 16);
    assert.ok((await page.locator('figure[data-kind="reproduction"] svg .role-mark').count()) > 0);

    // A filter reloads the page with the filter in the query; the server redraws the figures from those runs only.
    await Promise.all([page.waitForURL(/binding=pytorch%2Frust/), page.selectOption('.filters select[name="binding"]', 'pytorch/rust')]);
    await page.waitForLoadState('load');
    await showEveryFigure(page);
    assert.equal(await page.locator('.filters select[name="binding"]').inputValue(), 'pytorch/rust');
    const legend = await page.locator('figure[data-kind="accuracy-best"][data-framework="pytorch"] svg').first().textContent();
    assert.match(legend!, /pytorch\/rust/);
    assert.doesNotMatch(legend!, /pytorch\/python/, 'the other binding is no longer drawn');
    assert.equal(await page.locator('figure[data-framework="tensorflow"]').count(), 0);
    // The runs table arrives as its section scrolls into view.
    await page.locator('section[id$="-runs"]').scrollIntoViewIfNeeded();
    await page.locator('section[id$="-runs"][data-state="loaded"]').waitFor();
    const visibleRuns = await page.locator('section[id$="-runs"] tbody tr:visible').count();
    assert.equal(visibleRuns, 6 + 9, '6 training runs and 9 inference runs loaded in pytorch/rust');

    await page.locator('section[id$="-runs"] tbody tr a').first().click();
    await page.waitForURL(/\/campaigns\/base\/runs\//);
    assert.match((await page.locator('h1').textContent())!, /^Run base\//);
    assert.ok((await page.locator('figure svg').count()) > 0 || (await page.locator('h2', { hasText: 'Inference passes' }).count()) > 0);

    await page.goto(server.url);
    await page.selectOption('select[name="a"]', 'base');
    await page.selectOption('select[name="b"]', 'rust-v2');
    await Promise.all([page.waitForURL(/\/compare\?a=base&b=rust-v2/), page.locator('button', { hasText: 'compare' }).click()]);
    assert.ok((await page.locator('#comparison table tbody tr').count()) > 0);
    assert.ok((await page.locator('#comparison figure svg').count()) >= 4);
    await page.selectOption('.filters select[name="binding"]', 'pytorch/rust');
    await page.selectOption('.filters select[name="device"]', 'cpu');
    // Columns: framework, model, device, style, binding, A train, B train, B / A train.
    const ratios = await page.locator('#comparison table tbody tr:visible td:nth-child(8)').allTextContents();
    assert.deepEqual(ratios, ['0.60x', '0.60x'], 'training B / A for pytorch/rust on CPU, lenet1 and lenet5');
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = await saveScreenshot(page, 'serve-compare');
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
