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
import { matchRoute, type Route } from './routes.js';
import { HEAVY_ROUTES, page, pageFor, type Reply } from './pages.js';
import { PagePool } from './page-pool.js';
import { availableParallelism } from 'node:os';
import { resolveInsideRoot } from './safe-path.js';

export interface StoreServerOptions {
  store: string;
  analysis?: Partial<AnalysisOptions>;
  /** Where to report internal errors (default: stderr). */
  log?(message: string): void;
  /** Page workers for the heavy pages (default: 2 to 4 by the machine's cores); 0 renders every page inline. */
  workers?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const HEADERS = {
  // Inline style and script only; nothing is fetched from anywhere, not even this server, by a page.
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
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

const PAGE_CACHE_SIZE = 32;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

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
  // Two workers at least, so one slow page never queues another; more on larger machines.
  const size = opts.workers ?? Math.max(2, Math.min(4, availableParallelism() - 1));
  const pool = size > 0 ? new PagePool(opts.store, opts.analysis, size) : null;
  // Heavy pages by route and the index's state: twenty requests for one campaign page render it once, and any
  // change to the store (a run finished, a reindex) makes every page fresh again.
  const pages = new Map<string, Promise<Reply>>();
  const cached = (route: Route, render: () => Promise<Reply>): Promise<Reply> => {
    const key = `${JSON.stringify(route)}\u0000${ResultStore.changeStamp(opts.store)}`;
    let reply = pages.get(key);
    if (!reply) {
      reply = render();
      pages.set(key, reply);
      reply.catch(() => pages.delete(key));
      if (pages.size > PAGE_CACHE_SIZE) pages.delete(pages.keys().next().value!);
    }
    return reply;
  };
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
    (pool && HEAVY_ROUTES.has(route.kind) ? cached(route, () => pool.render(route)) : pageFor(route, store, opts))
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
  server.on('close', () => {
    store.close();
    void pool?.close();
  });
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
