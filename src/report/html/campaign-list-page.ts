/** The run browser's front page: every campaign in the store, and a form to compare two of them. */
import type { CampaignListing } from '../../store/result-store.js';
import { numberCell, renderDataTable, type Column, type Row } from './data-table.js';
import { escapeHtml, hrefOf } from './escape.js';
import { renderPage } from './page.js';

export function renderCampaignListPage(campaigns: readonly CampaignListing[], store: string): string {
  const columns: Column[] = [
    { label: 'campaign' },
    { label: 'created' },
    { label: 'runs', numeric: true },
    { label: 'ok', numeric: true },
    { label: 'failed', numeric: true },
    { label: 'not supported', numeric: true },
    { label: 'not available', numeric: true },
  ];
  const rows: Row[] = campaigns.map((c) => ({
    cells: [
      { html: `<a href="${escapeHtml(hrefOf('campaigns', c.id))}">${escapeHtml(c.id)}</a>`, sort: c.id },
      c.created,
      numberCell(c.runs, String),
      numberCell(c.ok, String),
      numberCell(c.failed, String),
      numberCell(c.notSupported, String),
      numberCell(c.notAvailable, String),
    ],
  }));
  const options = (selected: string | undefined) => campaigns.map((c) => `<option value="${escapeHtml(c.id)}"${c.id === selected ? ' selected' : ''}>${escapeHtml(c.id)}</option>`).join('');
  const compare =
    campaigns.length >= 2
      ? `<h2>Compare two campaigns</h2><p class="note">Per model × binding: median training and inference times and mean final test accuracy of A and B (e.g. two versions of a binding).</p>
<form class="inline" method="get" action="/compare"><label>A <select name="a">${options(campaigns[1]?.id)}</select></label><label>B <select name="b">${options(campaigns[0]?.id)}</select></label><button type="submit">compare</button></form>`
      : '';
  return renderPage({
    title: 'bindbench results',
    subtitle: `Read-only view of ${store}`,
    body: `<h2>Campaigns</h2>${renderDataTable(columns, rows, { id: 'campaigns', empty: 'The store has no campaigns yet: run `bindbench run` or `bindbench import`.' })}${compare}`,
  });
}
