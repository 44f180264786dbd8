/**
 * A page worker: a thread of its own with its own read connection to the store, rendering the heavy pages the
 * server hands it (see pages.ts). Messages in: { id, route, store, analysis }; out: { id, reply } or { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { BadInputError } from '../base/errors.js';
import { ResultStore } from '../store/result-store.js';
import { page, pageFor, type PageOptions } from './pages.js';
import type { Route } from './routes.js';

interface Job {
  id: number;
  route: Route;
  store: string;
  analysis?: PageOptions['analysis'];
}

const stores = new Map<string, ResultStore>();

parentPort?.on('message', (job: Job) => {
  const store = stores.get(job.store) ?? stores.set(job.store, ResultStore.open(job.store)).get(job.store)!;
  pageFor(job.route, store, { analysis: job.analysis })
    .then((reply) => parentPort!.postMessage({ id: job.id, reply }))
    .catch((e: unknown) => {
      if (e instanceof BadInputError) parentPort!.postMessage({ id: job.id, reply: page(404, 'Not found', e.message) });
      else parentPort!.postMessage({ id: job.id, error: (e as Error).stack ?? String(e) });
    });
});
