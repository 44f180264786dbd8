/** Number formats shared by every report (Markdown, HTML, the end-of-campaign tables). */

export const DASH = '—';

export function formatSeconds(x: number | null): string {
  if (x === null) return DASH;
  if (x >= 100) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return DASH;
  if (Number.isNaN(p)) return 'n/a';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** "3/5", "3/4 (1 not recorded)", or "not recorded": a count of a yes/no over runs of which some have no answer. */
export function countText(part: number, whole: number, unknown: number): string {
  if (unknown === whole && whole > 0) return 'not recorded';
  return unknown ? `${part}/${whole - unknown} (${unknown} not recorded)` : `${part}/${whole}`;
}

export function correctionName(correction: 'holm' | 'bonferroni'): string {
  return correction === 'holm' ? 'Holm' : 'Bonferroni';
}

/** Bytes as MiB with one decimal; a dash when not observed. */
export function formatMiB(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? DASH : (bytes / (1024 * 1024)).toFixed(1);
}

/** Where a run's process time went, in one line (`startup 1.20 s, loading 0.40 s, ...`). */
export function phasesText(phases: object | null | undefined): string {
  if (!phases) return 'not recorded';
  return Object.entries(phases as Record<string, number>)
    .map(([name, s]) => `${name} ${formatSeconds(s)} s`)
    .join(', ');
}
