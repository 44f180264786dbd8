/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (playwright's own
 * browser download cannot work offline). Tests skip with the reason when the browser is missing.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.BINDBENCH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Collects console errors and uncaught page errors; a page that rendered cleanly leaves the list empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`));
  return errors;
}

/** A screenshot kept as a test artifact under the OS temp dir; callers print its path (t.diagnostic) for a person to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'bindbench-screenshots-')), `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
