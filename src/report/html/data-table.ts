/**
 * One table renderer for every table of the report and the run browser: sortable headers, numeric columns aligned
 * and sorted by their raw values, and rows tagged for the page's filters (see client-script.ts).
 */
import { dataAttributes, escapeHtml } from './escape.js';

import type { Cell, CellValue, Column, Row } from '../table-model.js';

export { numberCell, type Cell, type CellValue, type Column, type Row } from '../table-model.js';

export interface TableOptions {
  id?: string;
  caption?: string;
  /** Shown instead of an empty table. */
  empty?: string;
  /** Extra class on the table, for a column layout of its own. */
  className?: string;
}

function cellHtml(cell: Cell, column: Column): string {
  const c: CellValue = typeof cell === 'string' ? { text: cell } : cell;
  const classes = [column.numeric ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ');
  const attrs = [
    classes ? ` class="${escapeHtml(classes)}"` : '',
    c.sort !== undefined ? ` data-sort="${escapeHtml(c.sort === null || (typeof c.sort === 'number' && !Number.isFinite(c.sort)) ? '' : c.sort)}"` : '',
    c.title ? ` title="${escapeHtml(c.title)}"` : '',
  ].join('');
  return `<td${attrs}>${c.html ?? escapeHtml(c.text ?? '')}</td>`;
}

export function renderDataTable(columns: readonly Column[], rows: readonly Row[], opts: TableOptions = {}): string {
  if (rows.length === 0) return `<p class="note">${escapeHtml(opts.empty ?? 'No data.')}</p>`;
  const head = columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num" data-type="number"' : ''}${c.title ? ` title="${escapeHtml(c.title)}"` : ''}><button type="button">${escapeHtml(c.label)}</button></th>`)
    .join('');
  const body = rows
    .map((r) => {
      const filterable = r.tags && Object.values(r.tags).some((v) => v !== undefined && v !== null);
      const classes = [filterable ? 'filterable' : '', r.className ?? ''].filter(Boolean).join(' ');
      return `<tr${classes ? ` class="${classes}"` : ''}${dataAttributes(r.tags ?? {})}>${r.cells.map((c, i) => cellHtml(c, columns[i]!)).join('')}</tr>`;
    })
    .join('\n');
  return [
    '<div class="table-wrap">',
    `<table class="data${opts.className ? ` ${escapeHtml(opts.className)}` : ''}"${opts.id ? ` id="${escapeHtml(opts.id)}"` : ''}>`,
    opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '',
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    '</table>',
    '</div>',
  ].join('');
}

/** A number cell: formatted text, raw value as the sort key. */
