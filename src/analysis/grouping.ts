/** Grouping and ordering shared by the RQ modules, so every table lists groups and bindings the same way. */

/** Groups items by a composite key, in sorted key order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => Array<string | number>): T[][] {
  const groups = new Map<string, { parts: Array<string | number>; items: T[] }>();
  for (const item of items) {
    const parts = key(item);
    const k = parts.join('\u0000');
    const g = groups.get(k);
    if (g) g.items.push(item);
    else groups.set(k, { parts, items: [item] });
  }
  return [...groups.values()]
    .sort((a, b) => {
      for (let i = 0; i < a.parts.length; i++) {
        const x = a.parts[i]!;
        const y = b.parts[i]!;
        if (x === y) continue;
        return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      }
      return 0;
    })
    .map((g) => g.items);
}

/** The reference binding first, then the others alphabetically. */
export function orderBindings(bindings: readonly string[], reference: string): string[] {
  return [...new Set(bindings)].sort((a, b) => (a === reference ? -1 : b === reference ? 1 : a.localeCompare(b)));
}

/** Rounded to 3 decimals, as the study reports DTW distances. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
