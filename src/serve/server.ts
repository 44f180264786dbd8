/**
 * `bindbench serve`: a local, read-only web app over the result store (node:http, no framework). Routing only:
 * every page is a report renderer (src/report/html) fed by the report's loaders; the one thing served from disk
 * directly is a raw file of the store, through resolveInsideRoot.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import type { AnalysisOptions } from '../analysis/index.js';
import { BadInputError } from '../base/errors.js';
import { ResultStore } from '../store/result-store.js';
import { campaignFigures } from '../report/figures/figure-set.js';
import { loadCampaignRuns } from '../report/campaign-runs.js';
import { defaultAnalysisOptions } from '../analysis/index.js';
import { renderFigures } from '../report/figures/render-svg.js';
import { loadComparison, loadRunPage } from '../report/html/browser-data.js';
import { loadCampaignReport } from '../report/html/campaign-report.js';
import { renderCampaignListPage } from '../report/html/campaign-list-page.js';
import { renderComparisonPage } from '../report/html/comparison.js';
import { escapeHtml, hrefOf } from '../report/html/escape.js';
import { renderPage } from '../report/html/page.js';
import { renderReportPage } from '../report/html/report-page.js';
import { renderRunPage } from '../report/html/run-page.js';
import { matchRoute, type Route } from './routes.js';
import { resolveInsideRoot } from './safe-path.js';

export interface StoreServerOptions {
  store: string;
  analysis?: Partial<AnalysisOptions>;
  /** Where to report internal errors (default: stderr). */
  log?(message: string): void;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const HEADERS = {
  // Inline style and script only; nothing is fetched from anywhere, not even this server, by a page.
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const TEXT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.yml': 'text/plain; charset=utf-8',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

interface Reply {
  status: number;
  type: string;
  body: string;
}

function page(status: number, title: string, message: string): Reply {
  return { status, type: 'text/html; charset=utf-8', body: renderPage({ title, nav: [{ href: '/', label: 'all campaigns' }], body: `<p>${escapeHtml(message)}</p>` }) };
}

const html = (body: string): Reply => ({ status: 200, type: 'text/html; charset=utf-8', body });

async function pageFor(route: Route, store: ResultStore, opts: StoreServerOptions): Promise<Reply> {
  switch (route.kind) {
    case 'home':
      return html(renderCampaignListPage(store.listCampaigns(), store.dir));
    case 'campaign': {
      if (!store.campaign(route.id)) return page(404, 'No such campaign', `The store has no campaign '${route.id}'.`);
      const report = await loadCampaignReport(store, route.id, { analysis: opts.analysis, filter: route.filter });
      return html(
        renderReportPage([report], {
          generated: new Date().toISOString(),
          filterMode: 'server',
          title: `Campaign ${route.id}`,
          nav: [{ href: '/', label: 'all campaigns' }],
          runHref: (r) => hrefOf('campaigns', r.campaign, 'runs', r.cellKey),
          figureLink: (f) => hrefOf('campaigns', route.id, 'figures', `${f.id}.svg`),
        }),
      );
    }
    case 'run': {
      const input = await loadRunPage(store, route.id, route.key, opts.analysis);
      return input ? html(renderRunPage(input)) : page(404, 'No such run', `The store has no complete run '${route.id}/${route.key}'.`);
    }
    case 'figure': {
      const runs = loadCampaignRuns(store, route.id, {}, { ...defaultAnalysisOptions, ...opts.analysis });
      const def = runs ? campaignFigures(runs).find((f) => f.id === route.figure) : undefined;
      if (!def) return page(404, 'No such figure', `Campaign '${route.id}' has no figure '${route.figure}'.`);
      const [figure] = await renderFigures([def]);
      return { status: 200, type: 'image/svg+xml; charset=utf-8', body: figure!.svg };
    }
    case 'compare': {
      if (!route.a || !route.b) return page(400, 'Two campaigns needed', 'Compare needs two campaigns: /compare?a=<campaign>&b=<campaign>.');
      const data = await loadComparison(store, route.a, route.b, opts.analysis);
      return data ? html(renderComparisonPage(data)) : page(404, 'No such campaign', `The store has no campaign '${store.campaign(route.a) ? route.b : route.a}'.`);
    }
    case 'bad-request':
      return page(400, 'Bad request', route.reason);
    case 'not-found':
    case 'file':
      return page(404, 'Not found', 'No such page.');
  }
}

function send(res: ServerResponse, method: string, reply: Reply): void {
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, { ...HEADERS, 'content-type': reply.type, 'content-length': body.length });
  res.end(method === 'HEAD' ? undefined : body);
}

function sendFile(res: ServerResponse, method: string, path: string): void {
  const type = TEXT_TYPES[extname(path).toLowerCase()];
  res.writeHead(200, {
    ...HEADERS,
    'content-type': type ?? 'application/octet-stream',
    'content-length': statSync(path).size,
    // Anything that is not plain text (model weights, SVG, HTML a runner wrote) is downloaded, never rendered.
    'content-disposition': type ? 'inline' : 'attachment',
  });
  if (method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
}

function hostAllowed(req: IncomingMessage, boundHost: string | null): boolean {
  // Bound to loopback, only loopback names may reach it: a web page elsewhere cannot rebind a DNS name to it.
  if (boundHost === null || !LOOPBACK.has(boundHost)) return true;
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return LOOPBACK.has(host);
}

export function createStoreServer(opts: StoreServerOptions): Server {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const store = ResultStore.open(opts.store);
  let boundHost: string | null = null;
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { ...HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('read-only: only GET and HEAD\n');
      return;
    }
    if (!hostAllowed(req, boundHost)) {
      res.writeHead(403, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end('this server answers only to 127.0.0.1 or localhost\n');
      return;
    }
    const route = matchRoute(req.url ?? '/');
    if (route.kind === 'file') {
      const path = resolveInsideRoot(opts.store, route.segments);
      if (path) return sendFile(res, method, path);
    }
    pageFor(route, store, opts)
      .then((reply) => send(res, method, reply))
      .catch((e: unknown) => {
        if (e instanceof BadInputError) return send(res, method, page(404, 'Not found', e.message));
        log(`bindbench serve: ${req.url}: ${(e as Error).stack ?? String(e)}`);
        send(res, method, page(500, 'Internal error', `${(e as Error).message}`));
      });
  });
  server.on('listening', () => {
    boundHost = (server.address() as AddressInfo | null)?.address ?? null;
  });
  server.on('close', () => store.close());
  return server;
}

export async function startStoreServer(opts: StoreServerOptions & { host: string; port: number }): Promise<RunningServer> {
  const server = createStoreServer(opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      server.close();
      reject(
        e.code === 'EADDRINUSE'
          ? new BadInputError(`port ${opts.port} on ${opts.host} is in use: choose another with --port`)
          : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
            ? new BadInputError(`--host ${opts.host}: not an address of this machine`)
            : e,
      );
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
