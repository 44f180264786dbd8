/** The regression gate's verdicts as HTML: the same table as the Markdown and JUnit forms, for a page of its own or the run browser's comparison page. */
import type { GateResult } from '../../analysis/compare-sides.js';
import { gateHeadline, gateTable } from '../gate-report.js';
import { renderDataTable } from './data-table.js';
import { escapeHtml } from './escape.js';
import { renderPage } from './page.js';

export function renderGateSection(result: GateResult): string {
  const table = gateTable(result);
  const rows = table.rows.map((row, i) => {
    const r = result.rows[i]!;
    // The Markdown marks a regression in bold; here it is markup, not asterisks.
    const cells = row.cells.map((c, j) => (j === 0 ? (r.verdict === 'regression' ? { html: '<strong>regression</strong>', sort: 'regression' } : r.verdict) : c));
    return { ...row, cells, tags: { model: r.model, device: r.device, binding: r.binding } };
  });
  return [
    `<section id="gate"><h2>Regression gate: ${escapeHtml(result.candidate)} against ${escapeHtml(result.baseline)}</h2>`,
    `<p class="note">${escapeHtml(gateHeadline(result))}</p>`,
    renderDataTable(table.columns, rows, { empty: table.empty }),
    '</section>',
  ].join('\n');
}

/** `bindbench compare --format html`: one self-contained page. */
export function renderGatePage(result: GateResult): string {
  return renderPage({ title: `bindbench compare: ${result.candidate} against ${result.baseline}`, subtitle: 'Definitions: docs/regression-gate.md', body: renderGateSection(result) });
}
