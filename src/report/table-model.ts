/**
 * Tables as data: columns and rows of cells, built once (analysis-tables.ts, the run tables) and rendered as HTML
 * (html/data-table.ts) or Markdown (here), so the two reports cannot drift apart.
 */
import { renderTextTable } from './text-table.js';

export interface Column {
  label: string;
  /** Numeric columns sort by `sort` values and align right. */
  numeric?: boolean;
  /** Header tooltip: what the column holds. */
  title?: string;
  /** false: shown in HTML only (the Markdown report says it another way). */
  markdown?: boolean;
}

export interface CellValue {
  /** Shown text (escaped). */
  text?: string;
  /** Pre-rendered HTML instead of text; the caller escapes what it puts in. */
  html?: string;
  /** Sort key; numeric columns need it to sort numbers rather than their formatted text. */
  sort?: number | string | null;
  title?: string;
  className?: string;
}

export type Cell = string | CellValue;

export interface Row {
  cells: Cell[];
  /** Filter tags: model, binding, device, framework. */
  tags?: Record<string, string | string[] | null | undefined>;
  className?: string;
}

/** The columns a row of a family starts with, and those of a binding's row in it. */
export const FAMILY_COLUMNS: readonly Column[] = [{ label: 'framework' }, { label: 'model' }, { label: 'device' }, { label: 'style', title: 'training style: minimal (bindbench\'s loop) or idiomatic (the binding\'s own training API)' }];
export const BINDING_ROW_COLUMNS: readonly Column[] = [...FAMILY_COLUMNS, { label: 'binding' }];

export interface Table {
  columns: Column[];
  rows: Row[];
  /** Said instead of an empty table. */
  empty: string;
}

/** A number with its raw value as the sort key; a dash for none. */
export function numberCell(value: number | null | undefined, format: (x: number) => string, extra: Partial<CellValue> = {}): CellValue {
  if (value === null || value === undefined || Number.isNaN(value)) return { text: '—', sort: null, ...extra };
  return { text: format(value), sort: value, ...extra };
}

/** The table as Markdown: each cell's text, columns marked HTML-only left out. */
export function renderMarkdownTable(table: Table): string {
  if (table.rows.length === 0) return `_${table.empty}_`;
  const keep = table.columns.map((c, i) => (c.markdown === false ? -1 : i)).filter((i) => i >= 0);
  const text = (cell: Cell | undefined) => (typeof cell === 'string' ? cell : (cell?.text ?? ''));
  return renderTextTable(
    keep.map((i) => table.columns[i]!.label),
    table.rows.map((r) => keep.map((i) => text(r.cells[i]))),
    { markdown: true },
  );
}
