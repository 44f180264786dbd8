/**
 * Peak resident memory of a runner's whole process tree, as the orchestrator can see it on Linux: the tree's summed
 * VmRSS sampled at an interval (and whenever the runner says something), and each process's VmHWM, the kernel's own
 * high-water mark, which catches a peak that rose and fell between two samples. The peak reported is the larger of
 * the two. A tree that ends between samples is missed: a cell that lives for less than one interval may read null.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryPeak {
  /** Largest of: the tree's summed VmRSS at any sample, and any one process's VmHWM. */
  peakRssBytes: number;
  /** The largest summed VmRSS alone, and how many samples saw the tree. */
  peakSampledBytes: number;
  samples: number;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 250;
/** An event triggers a sample only this long after the last one, so a chatty runner does not make the orchestrator busy. */
const MIN_EVENT_SAMPLE_GAP_MS = 50;

function readStatusKb(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** The tree under `root` (root included): children are listed per thread, so every thread's list is read. */
function processTree(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (child) queue.push(Number(child));
      } catch {
        // The thread ended while it was read.
      }
    }
  }
  return out;
}

/** Whether this kernel lets the tree be followed (Linux with /proc/<pid>/task/<tid>/children). */
export function memorySamplingAvailable(): boolean {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
    return true;
  } catch {
    return false;
  }
}

export class TreeMemorySampler {
  private timer: NodeJS.Timeout | null = null;
  private peakSum = 0;
  private peakHwm = 0;
  private samples = 0;
  private last = 0;

  constructor(
    private readonly root: number,
    private readonly intervalMs = DEFAULT_SAMPLE_INTERVAL_MS,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** A sample now, unless one was just taken (called as events arrive: the last one comes just before exit). */
  nudge(): void {
    if (Date.now() - this.last >= MIN_EVENT_SAMPLE_GAP_MS) this.sample();
  }

  sample(): void {
    this.last = Date.now();
    let sum = 0;
    let seen = 0;
    for (const pid of processTree(this.root)) {
      const s = readStatusKb(pid);
      if (!s) continue;
      seen++;
      sum += s.rss;
      this.peakHwm = Math.max(this.peakHwm, s.hwm);
    }
    if (!seen) return;
    this.samples++;
    this.peakSum = Math.max(this.peakSum, sum);
  }

  stop(): MemoryPeak | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.samples) return null;
    return { peakRssBytes: Math.max(this.peakSum, this.peakHwm) * 1024, peakSampledBytes: this.peakSum * 1024, samples: this.samples };
  }
}
