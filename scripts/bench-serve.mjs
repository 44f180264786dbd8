#!/usr/bin/env node
// How long a small request waits while heavy pages render: `bindbench serve` with every page rendered inline
// (workers 0, as before issue 20) and with its page workers and page cache, side by side on one store; then the size
// of the unfiltered campaign page and of the figures and sections it fetches lazily.
// Usage: node scripts/bench-serve.mjs [--store .bindbench/store] [--campaign ID] [--heavy 20]
import { parseArgs } from 'node:util';
import { startStoreServer } from '../dist/src/serve/server.js';
import { ResultStore } from '../dist/src/store/result-store.js';

const { values } = parseArgs({ options: { store: { type: 'string', default: '.bindbench/store' }, campaign: { type: 'string' }, heavy: { type: 'string', default: '20' } } });
const campaign = values.campaign ?? ResultStore.with(values.store, (s) => s.listCampaigns().at(-1)?.id);
if (!campaign) throw new Error(`no campaign in ${values.store}`);
const heavyCount = Number(values.heavy);
const ms = (t) => (performance.now() - t).toFixed(0);
for (const workers of [0, undefined]) {
  const server = await startStoreServer({ store: values.store, host: '127.0.0.1', port: 0, ...(workers === 0 ? { workers } : {}) });
  const t0 = performance.now();
  let bytes = 0;
  const heavy = Array.from({ length: heavyCount }, (_, i) => fetch(`${server.url}campaigns/${encodeURIComponent(campaign)}?model=${i % 2 ? 'lenet1' : 'lenet5'}`).then(async (r) => (bytes = (await r.text()).length)));
  await new Promise((r) => setTimeout(r, 20));
  const t1 = performance.now();
  const small = await fetch(`${server.url}store/runs/${encodeURIComponent(campaign)}/campaign.json`).then((r) => r.text());
  const smallMs = ms(t1);
  await Promise.all(heavy);
  console.log(`${workers === 0 ? 'inline (workers 0)' : 'page workers + cache'}: ${heavyCount} campaign pages (${(bytes / 1e6).toFixed(2)} MB each) in ${ms(t0)} ms; a small request sent 20 ms after them answered in ${smallMs} ms (${small.length} bytes)`);
  await server.close();
}

// The unfiltered campaign page, and the figures it fetches as they scroll into view (drawn into the page before).
{
  const server = await startStoreServer({ store: values.store, host: '127.0.0.1', port: 0 });
  const t0 = performance.now();
  const page = await fetch(`${server.url}campaigns/${encodeURIComponent(campaign)}`).then((r) => r.text());
  const pageMs = ms(t0);
  const sources = [...page.matchAll(/<figure [^>]*data-src="([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  const t1 = performance.now();
  const sizes = await Promise.all(sources.map((src) => fetch(new URL(src, server.url)).then(async (r) => (await r.text()).length)));
  const figureBytes = sizes.reduce((a, b) => a + b, 0);
  console.log(`campaign page, unfiltered: ${(page.length / 1e6).toFixed(2)} MB in ${pageMs} ms; its ${sources.length} figures, fetched as they show: ${(figureBytes / 1e6).toFixed(2)} MB in ${ms(t1)} ms (largest ${(Math.max(0, ...sizes) / 1e6).toFixed(2)} MB)`);
  for (const [, src] of page.matchAll(/<section [^>]*data-fragment-src="([^"]+)"/g)) {
    const t2 = performance.now();
    const body = await fetch(new URL(src.replaceAll('&amp;', '&'), server.url)).then((r) => r.text());
    console.log(`  section ${src.split('/').at(-1)}, fetched as it shows: ${(body.length / 1e6).toFixed(2)} MB in ${ms(t2)} ms`);
  }
  await server.close();
}
process.exit(0);
