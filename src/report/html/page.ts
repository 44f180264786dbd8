/** The HTML document around every page: inline style and script, the filter bar, the section links. */
import { REPORT_SCRIPT } from './client-script.js';
import { escapeHtml } from './escape.js';
import { REPORT_CSS } from './styles.js';

export interface FilterChoices {
  models: string[];
  bindings: string[];
  devices: string[];
  /** `client`: filters hide rows and figures in place (the static report); `server`: they reload the page. */
  mode: 'client' | 'server';
  selected?: { model?: string; binding?: string; device?: string };
}

export interface PageInput {
  title: string;
  /** One line under the title (plain text). */
  subtitle?: string;
  nav?: Array<{ href: string; label: string }>;
  filters?: FilterChoices | null;
  /** Show the switch between the best-run and all-runs accuracy curves. */
  curvesSwitch?: boolean;
  /** The page's content, already HTML. */
  body: string;
}

function select(name: string, label: string, values: readonly string[], selected: string | undefined): string {
  const options = [`<option value="">all</option>`, ...values.map((v) => `<option value="${escapeHtml(v)}"${v === selected ? ' selected' : ''}>${escapeHtml(v)}</option>`)];
  return `<label>${escapeHtml(label)} <select name="${name}">${options.join('')}</select></label>`;
}

export function renderFilterBar(f: FilterChoices, curvesSwitch: boolean): string {
  const curves = curvesSwitch
    ? `<span role="radiogroup" aria-label="accuracy curves">curves: <label><input type="radio" name="curves" value="best" checked> best run per binding</label> <label><input type="radio" name="curves" value="band"> all runs (min–max band)</label></span>`
    : '';
  return [
    `<div class="filters" data-filter-mode="${f.mode}">`,
    select('model', 'model', f.models, f.selected?.model),
    select('binding', 'binding', f.bindings, f.selected?.binding),
    select('device', 'device', f.devices, f.selected?.device),
    curves,
    '<span class="count"></span>',
    '</div>',
  ].join('');
}

export function renderPage(p: PageInput): string {
  const nav = p.nav?.length ? `<nav class="sections">${p.nav.map((n) => `<a href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a>`).join('')}</nav>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<link rel="icon" href="data:,">
<style>${REPORT_CSS}</style>
</head>
<body data-curves="best">
<header class="page"><h1>${escapeHtml(p.title)}</h1>${p.subtitle ? `<p>${escapeHtml(p.subtitle)}</p>` : ''}${nav}</header>
${p.filters ? renderFilterBar(p.filters, Boolean(p.curvesSwitch)) : ''}
<main>
${p.body}
</main>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
