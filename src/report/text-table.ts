/** A plain aligned text table, shared by the terminal and Markdown renderers. */
export function renderTextTable(header: string[], rows: string[][], opts: { markdown?: boolean } = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isNumber = (s: string) => /^[-+]?[\d.,]+(e[-+]?\d+)?[x%s]?$/.test(s);
  const isBlank = (s: string) => s === '—' || s === 'n/a';
  // A column is numeric (right-aligned) when it holds numbers, blanks aside.
  const numeric = header.map((_, i) => rows.some((r) => isNumber(r[i] ?? '')) && rows.every((r) => isNumber(r[i] ?? '') || isBlank(r[i] ?? '')));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  if (opts.markdown) {
    const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
    const rule = `|${widths.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
    return [line(header), rule, ...rows.map(line)].join('\n');
  }
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
