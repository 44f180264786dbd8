/** The CPUs this process may run on, as the kernel lists them (a container or `taskset` may allow fewer than exist). */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Parses a kernel CPU list such as `0-3,8,10-11`; null when it is not one. */
export function parseCpuList(text: string): number[] | null {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return null;
    for (let c = from; c <= to; c++) out.push(c);
  }
  return out.length ? out : null;
}

/** Writes a CPU list compactly (`0-3,8`), the form `taskset -c` reads. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function availableCpus(): number[] {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
    const cpus = line ? parseCpuList(line.slice(line.indexOf(':') + 1)) : null;
    if (cpus) return cpus;
  } catch {
    // Not Linux: every CPU the runtime reports.
  }
  return Array.from({ length: availableParallelism() }, (_, i) => i);
}
