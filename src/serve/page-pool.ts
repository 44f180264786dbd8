/**
 * A small pool of page workers (page-worker.ts): heavy pages render in parallel, off the thread that accepts
 * requests, so a campaign page that takes seconds does not make a small request wait behind it.
 */
import { Worker } from 'node:worker_threads';
import type { PageOptions, Reply } from './pages.js';
import type { Route } from './routes.js';

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

export class PagePool {
  private readonly workers: Worker[];
  private readonly load: number[];
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(
    private readonly store: string,
    private readonly analysis: PageOptions['analysis'],
    size: number,
  ) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./page-worker.js', import.meta.url));
      w.unref();
      w.on('message', (m: { id: number; reply?: Reply; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.load[this.workers.indexOf(w)]!--;
        if (m.reply) p.resolve(m.reply);
        else p.reject(new Error(m.error ?? 'page worker failed'));
      });
      return w;
    });
    this.load = this.workers.map(() => 0);
  }

  /** Renders a page on the least busy worker. */
  render(route: Route): Promise<Reply> {
    const i = this.load.indexOf(Math.min(...this.load));
    const id = this.next++;
    this.load[i]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[i]!.postMessage({ id, route, store: this.store, analysis: this.analysis });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
