/**
 * Figure (f), first half: the environment manifest. Every run stores an environment.json (the machine it ran on,
 * the binding's library and the versions its runner reported); a campaign has few distinct ones, so the manifest
 * lists each distinct machine once and each distinct binding environment once, with how many runs saw it.
 * Imported campaigns store whatever their source recorded; the manifest shows any shape as nested key/value lists.
 */
import { numberCell, renderDataTable, type Column, type Row } from './data-table.js';
import { dataAttributes, escapeHtml } from './escape.js';

export interface RunEnvironment {
  runId: string;
  binding: string;
  device: string;
  /** The parsed environment.json, or null when the run has none. */
  environment: unknown;
}

export interface DistinctEnvironment {
  value: unknown;
  runs: number;
  bindings: string[];
  devices: string[];
}

export interface EnvironmentManifest {
  /** Distinct `host` objects (null: not recorded). */
  hosts: DistinctEnvironment[];
  /** Distinct per-binding parts (everything but `host`), one list per binding. */
  bindings: DistinctEnvironment[];
  /** Runs without an environment.json. */
  missing: string[];
}

/** JSON with sorted keys, so equal objects compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function collect(items: Array<{ value: unknown; binding: string; device: string }>): DistinctEnvironment[] {
  const seen = new Map<string, DistinctEnvironment>();
  for (const item of items) {
    const key = canonical(item.value);
    const d = seen.get(key) ?? { value: item.value, runs: 0, bindings: [], devices: [] };
    d.runs++;
    if (!d.bindings.includes(item.binding)) d.bindings.push(item.binding);
    if (!d.devices.includes(item.device)) d.devices.push(item.device);
    seen.set(key, d);
  }
  return [...seen.values()].map((d) => ({ ...d, bindings: d.bindings.sort(), devices: d.devices.sort() })).sort((a, b) => a.bindings[0]!.localeCompare(b.bindings[0]!) || b.runs - a.runs);
}

export function environmentManifest(runs: readonly RunEnvironment[]): EnvironmentManifest {
  const present = runs.filter((r) => r.environment !== null && r.environment !== undefined);
  const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v });
  return {
    hosts: collect(present.map((r) => ({ value: asRecord(r.environment).host ?? null, binding: r.binding, device: r.device }))),
    bindings: collect(
      present.map((r) => {
        const { host: _host, ...rest } = asRecord(r.environment);
        return { value: rest, binding: r.binding, device: r.device };
      }),
    ),
    missing: runs.filter((r) => r.environment === null || r.environment === undefined).map((r) => r.runId),
  };
}

/** Nested key/value lists; arrays of scalars on one line. Depth-limited, the raw JSON is one click away anyway. */
export function renderValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '<em>not recorded</em>';
  if (typeof value !== 'object') return escapeHtml(String(value));
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return escapeHtml(value.map(String).join(', '));
    return depth > 3 ? `<code>${escapeHtml(JSON.stringify(value))}</code>` : value.map((v) => renderValue(v, depth + 1)).join('<hr>');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '<em>empty</em>';
  if (depth > 3) return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  return `<dl class="kv">${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${renderValue(v, depth + 1)}</dd>`).join('')}</dl>`;
}

function distinctBlock(d: DistinctEnvironment, heading: string): string {
  return [
    `<div class="filterable"${dataAttributes({ binding: d.bindings, device: d.devices })}>`,
    `<h4>${escapeHtml(heading)} <small>(${d.runs} run${d.runs === 1 ? '' : 's'}: ${escapeHtml(d.bindings.join(', '))} on ${escapeHtml(d.devices.join(', '))})</small></h4>`,
    renderValue(d.value),
    `<details><summary>raw JSON</summary><pre class="raw"><code>${escapeHtml(JSON.stringify(d.value, null, 2))}</code></pre></details>`,
    '</div>',
  ].join('');
}

function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const k of path) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function inline(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k} ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/**
 * One row per distinct binding environment. The fields bindbench writes (library, the runner's reported versions,
 * device and settings) get columns; whatever else an environment holds (imports) is in the raw JSON.
 */
function bindingsTable(list: readonly DistinctEnvironment[]): string {
  const columns: Column[] = [{ label: 'binding' }, { label: 'device' }, { label: 'runs', numeric: true }, { label: 'library' }, { label: 'versions reported by the runner' }, { label: 'device name' }, { label: 'settings' }, { label: 'raw' }];
  const rows: Row[] = list.map((d) => ({
    cells: [
      d.bindings.join(', '),
      d.devices.join(', '),
      numberCell(d.runs, String),
      inline(at(d.value, 'binding', 'library')) || '—',
      inline(at(d.value, 'runner', 'versions')) || (at(d.value, 'runner') ? '—' : 'no runner started (see the runs table for why)'),
      inline(at(d.value, 'runner', 'device', 'name')) || '—',
      inline(at(d.value, 'runner', 'settings')) || '—',
      { html: `<details><summary>JSON</summary><pre class="raw"><code>${escapeHtml(JSON.stringify(d.value, null, 2))}</code></pre></details>` },
    ],
    tags: { binding: d.bindings, device: d.devices },
  }));
  return renderDataTable(columns, rows, { empty: 'No run has an environment.json.' });
}

export function renderEnvironmentManifest(m: EnvironmentManifest): string {
  const hosts = m.hosts.map((d, i) => distinctBlock(d, m.hosts.length > 1 ? `Machine ${i + 1}` : 'Machine'));
  return [
    '<h3>Machines</h3>',
    hosts.length ? hosts.join('\n') : '<p class="note">No run has an environment.json.</p>',
    '<h3>Bindings</h3>',
    '<p class="note">Per distinct binding environment: the library and what its runner reported when it started (versions actually loaded, device, determinism and thread settings).</p>',
    bindingsTable(m.bindings),
    m.missing.length ? `<p class="note">${m.missing.length} run(s) have no environment.json: ${escapeHtml(m.missing.slice(0, 5).join(', '))}${m.missing.length > 5 ? ', …' : ''}</p>` : '',
  ].join('\n');
}
