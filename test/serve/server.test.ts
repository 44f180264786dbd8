import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { analyzeCampaign, loadCampaignData } from '../../src/analysis/index.js';
import { registerServe } from '../../src/cli/serve.js';
import { startStoreServer, type RunningServer } from '../../src/serve/server.js';
import { ResultStore } from '../../src/store/result-store.js';
import { runPaths } from '../../src/store/run-dir.js';
import { tempHome } from '../fixtures/temp-home.js';
import { buildFixtureCampaign, type FixtureCampaign } from '../report/fixture-store.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent exactly as given (fetch would normalise `..` away before it left the client). */
function get(server: RunningServer, path: string, opts: { method?: string; host?: string } = {}): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: opts.method ?? 'GET', headers: opts.host ? { host: opts.host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const home = tempHome();
let server: RunningServer;
let one: FixtureCampaign;
const SECRET = 'the-secret-outside-the-store';
const secretPath = join(dirname(home.root), 'secret.txt');

before(async () => {
  one = buildFixtureCampaign(home, { campaign: 'one' });
  buildFixtureCampaign(home, { campaign: 'two', created: '2026-03-02T00:00:00.000Z', timeScale: { 'pytorch/rust': 0.5 } });
  writeFileSync(secretPath, SECRET);
  symlinkSync(secretPath, join(runPaths(home.store, 'one', one.keys.ok[0]!).dir, 'escape.txt'));
  server = await startStoreServer({ store: home.store, host: '127.0.0.1', port: 0, log: () => undefined });
});

after(() => server.close());

test('the CLI binds to 127.0.0.1:8484 unless told otherwise', () => {
  const program = new Command('bindbench');
  registerServe(program);
  const serve = program.commands.find((c) => c.name() === 'serve')!;
  assert.equal(serve.options.find((o) => o.long === '--host')!.defaultValue, '127.0.0.1');
  assert.equal(serve.options.find((o) => o.long === '--port')!.defaultValue, 8484);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('the front page lists the campaigns and offers a comparison', async () => {
  const r = await get(server, '/');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^text\/html/);
  assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
  assert.match(r.body, /<a href="\/campaigns\/one">one<\/a>/);
  assert.match(r.body, /<a href="\/campaigns\/two">two<\/a>/);
  assert.match(r.body, /<form class="inline" method="get" action="\/compare">/);
});

test('a campaign page is the report, with figures redrawn from the filtered runs and links to each run', async () => {
  const all = await get(server, '/campaigns/one');
  assert.equal(all.status, 200);
  // The figures are fetched by the page, not drawn into it: 16 placeholders, no SVG.
  assert.equal((all.body.match(/<svg/g) ?? []).length, 0);
  const sources = [...all.body.matchAll(/<figure [^>]*data-src="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  assert.equal(sources.length, 16);
  assert.match(String(all.headers['content-security-policy']), /connect-src 'self'/, 'the page may fetch its figures');
  assert.match(all.body, /data-filter-mode="server"/);
  // The sections that grow with the runs are fetched by the page too: the runs table comes as a fragment.
  assert.match(all.body, /<section id="one-environment" data-fragment-src="\/campaigns\/one\/sections\/environment">/);
  assert.match(all.body, /<section id="one-runs" data-fragment-src="\/campaigns\/one\/sections\/runs">/);
  assert.doesNotMatch(all.body, /<table class="data runs">/);
  const runsFragment = await get(server, '/campaigns/one/sections/runs');
  assert.equal(runsFragment.status, 200);
  assert.match(runsFragment.body, new RegExp(`<a href="/campaigns/one/runs/${one.keys.ok[0]}">`));
  assert.doesNotMatch(runsFragment.body, /<html|<body/, 'a fragment, not a page');
  assert.equal((await get(server, '/campaigns/one/sections/secrets')).status, 404);
  assert.equal((await get(server, '/campaigns/nope/sections/runs')).status, 404);
  const some = await get(server, '/campaigns/one?model=lenet5&binding=pytorch%2Frust');
  assert.equal(some.status, 200);
  const figureTags = [...some.body.matchAll(/<figure [^>]*>/g)].map((m) => m[0]);
  assert.ok(figureTags.length > 0);
  assert.ok(figureTags.every((f) => /data-model="lenet5"/.test(f)), 'only lenet5 figures');
  // Each figure of a filtered page is fetched with the page's filter, so it is drawn from those runs only.
  const curves = some.body.match(/<figure [^>]*data-kind="accuracy-best"[^>]*data-src="([^"]+)"[^>]*data-framework="pytorch"/);
  assert.ok(curves, 'an accuracy figure placeholder');
  const src = curves[1]!.replaceAll('&amp;', '&');
  assert.match(src, /\?model=lenet5&binding=pytorch%2Frust$/);
  const drawn = await get(server, src);
  assert.equal(drawn.status, 200);
  assert.match(drawn.body, /^<svg/);
  assert.match(drawn.body, /pytorch\/rust/);
  assert.doesNotMatch(drawn.body, /pytorch\/python/, 'drawn from the filtered runs only');
  assert.match(some.body, /<option value="pytorch\/rust" selected>/);
  // A filtered page's sections come filtered the same way.
  const someRuns = await get(server, '/campaigns/one/sections/runs?model=lenet5&binding=pytorch%2Frust');
  const rows = [...someRuns.body.matchAll(/<tr class="filterable" ([^>]*)>/g)].map((m) => m[1]!);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => /data-model="lenet5"/.test(r)), 'only lenet5 runs');
  assert.equal((await get(server, '/campaigns/nope')).status, 404);
});

test('a run page shows the run, its command and its files; its figure downloads as SVG', async () => {
  const key = one.keys.ok.find((k) => k.startsWith('lenet1--pytorch-rust--s11--cpu'))!;
  const r = await get(server, `/campaigns/one/runs/${key}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /bindbench run --name rerun-lenet1--pytorch-rust--s11--cpu/);
  assert.match(r.body, /<svg/);
  assert.match(r.body, new RegExp(`href="/store/runs/one/${key}/result.json"`));
  assert.equal((await get(server, '/campaigns/one/runs/not-a-run')).status, 404);
  const svg = await get(server, '/campaigns/one/figures/one--reproduction--cpu.svg');
  assert.equal(svg.status, 200);
  assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
  assert.match(svg.body, /^<svg/);
  assert.equal((await get(server, '/campaigns/one/figures/nope.svg')).status, 404);
});

test('raw store files are served as they are on disk', async () => {
  const key = one.keys.ok[0]!;
  const r = await get(server, `/store/runs/one/${key}/result.json`);
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.equal(r.body, readFileSync(runPaths(home.store, 'one', key).result, 'utf8'));
  const events = await get(server, `/store/runs/one/${key}/events.jsonl`);
  assert.match(String(events.headers['content-type']), /^text\/plain/);
  assert.equal((await get(server, '/store/index.sqlite')).headers['content-disposition'], 'attachment');
});

test('no path outside the store is ever served: ../, encoded dots and slashes, symlinks', async () => {
  const key = one.keys.ok[0]!;
  const attempts = [
    '/store/../secret.txt',
    '/store/../../secret.txt',
    '/store/%2e%2e/secret.txt',
    '/store/%2e%2e/%2e%2e/secret.txt',
    '/store/runs/..%2f..%2f..%2fsecret.txt',
    `/store/runs/one/${key}/../../../../secret.txt`,
    `/store/runs/one/${key}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
    `/store/runs/one/${key}/escape.txt`,
    '/store/..%5c..%5csecret.txt',
    '/../secret.txt',
    '/campaigns/..%2F..%2F..%2Fsecret.txt',
    '/campaigns/one/runs/..%2F..%2F..%2F..%2Fsecret.txt',
    '/store/%2Fetc%2Fpasswd',
    '/store/../../../../../../etc/passwd',
  ];
  for (const path of attempts) {
    const r = await get(server, path);
    assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
    assert.ok(!r.body.includes(SECRET), `${path} leaked the file`);
    assert.ok(!r.body.includes('root:x:0:0'), `${path} leaked /etc/passwd`);
  }
});

test('read-only and local: other methods are refused, and so are other host names', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await get(server, '/', { method });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.allow, 'GET, HEAD');
  }
  const head = await get(server, '/', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal((await get(server, '/', { host: 'evil.example:8484' })).status, 403);
  assert.equal((await get(server, '/', { host: `localhost:${new URL(server.url).port}` })).status, 200);
  assert.equal((await get(server, '/campaigns/%E0%A4%A')).status, 400);
  assert.equal((await get(server, '/nothing/here')).status, 404);
});

test('compare: per model × binding, the medians and accuracy of A and B from each campaign\'s analysis', async () => {
  const r = await get(server, '/compare?a=one&b=two');
  assert.equal(r.status, 200);
  assert.match(r.body, /<h2>A: one &nbsp;vs&nbsp; B: two<\/h2>/);
  const db = ResultStore.open(home.store);
  const medianOf = (campaign: string) => analyzeCampaign(loadCampaignData(db, campaign)).rq3.find((f) => f.model === 'lenet1' && f.framework === 'pytorch')!.samples.find((s) => s.binding === 'pytorch/rust')!.summary.median!;
  const ratio = medianOf('two') / medianOf('one');
  db.close();
  assert.ok(Math.abs(ratio - 0.5) < 1e-9, 'the fixture halves pytorch/rust times in campaign two');
  const row = [...r.body.matchAll(/<tr\b[^>]*>.*?<\/tr>/gs)].map((m) => m[0]).find((tr) => /data-model="lenet1"/.test(tr) && /data-binding="pytorch\/rust"/.test(tr) && /data-device="cpu"/.test(tr))!;
  assert.match(row, new RegExp(`data-sort="${ratio}">0\\.50x<`));
  assert.match(row, /class="num delta-better"/);
  assert.ok((r.body.match(/<svg/g) ?? []).length >= 4, 'training and inference times, A vs B');
  // The gate's verdicts of B against A, as `bindbench compare one two` gives them: 3 seeds a side cannot pass Holm,
  // so even the halved times are inconclusive, and the row says so.
  assert.match(r.body, /<h2>Regression gate: two against one<\/h2>/);
  assert.match(r.body, /data-binding="pytorch\/rust"><td>inconclusive<\/td><td>training time<\/td><td>lenet1<\/td><td>cpu<\/td><td>minimal<\/td><td>pytorch\/rust<\/td>.*?even complete separation/);
  assert.equal((await get(server, '/compare?a=one&b=nope')).status, 404);
  assert.equal((await get(server, '/compare?a=one')).status, 400);
});

test('a slow page does not hold up a small one: the campaign list answers while a campaign page renders in a worker', async () => {
  const order: string[] = [];
  // A filter no earlier test asked for, so the page is rendered, not served from the page cache.
  const heavy = get(server, '/campaigns/one?model=lenet1&device=cuda').then((r) => (order.push('campaign'), r));
  const light = get(server, '/').then((r) => (order.push('home'), r));
  const [h, l] = await Promise.all([heavy, light]);
  assert.equal(h.status, 200);
  assert.equal(l.status, 200);
  assert.deepEqual(order, ['home', 'campaign']);
  // Asked again, the same page comes from the cache: the same bytes.
  assert.equal((await get(server, '/campaigns/one?model=lenet1&device=cuda')).body, h.body);
});
