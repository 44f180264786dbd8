/**
 * Figure (b): the cross-binding reproduction matrix as a heat map, one per device. A row is a model trained in a
 * source binding and handed over in one load mode; a column is the binding that loaded it. A cell says whether the
 * loaded models classified the same number of test samples correctly as the source did (the study's criterion),
 * or why there is no answer: the target cannot load it (not supported), is not installed (not available), or the
 * run failed.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIGURE_CONFIG, VEGA_LITE_SCHEMA } from './figure.js';
import type { ReportRun } from '../campaign-runs.js';

export const REPRODUCTION_STATES = ['reproduced', 'partly reproduced', 'not reproduced', 'not recorded', 'failed', 'not supported', 'not available'] as const;
export type ReproductionState = (typeof REPRODUCTION_STATES)[number];

const STATE_COLORS: Record<ReproductionState, string> = {
  reproduced: '#1a9850',
  'partly reproduced': '#fdae61',
  'not reproduced': '#d73027',
  'not recorded': '#abd9e9',
  failed: '#762a83',
  'not supported': '#a6a6a6',
  'not available': '#dedede',
};

export interface MatrixCell {
  device: string;
  model: string;
  source: string;
  loadMode: string;
  /** `lenet1 · pytorch/python → states`: the row label. */
  row: string;
  target: string;
  state: ReproductionState;
  /** Infer runs in the cell, whatever their status. */
  runs: number;
  /** Finished runs, and how many of them reproduced the source's correct count. */
  ok: number;
  reproduced: number;
  /** `3/3` for finished runs; the status otherwise. */
  label: string;
  /** One reason per distinct problem (not supported, failed, ...). */
  reasons: string[];
}

function stateOf(runs: readonly ReportRun[]): ReproductionState {
  const ok = runs.filter((r) => r.status === 'ok');
  if (ok.length) {
    const yes = ok.filter((r) => r.reproduced === true).length;
    const no = ok.filter((r) => r.reproduced === false).length;
    if (yes + no === 0) return 'not recorded';
    if (no === 0) return 'reproduced';
    return yes === 0 ? 'not reproduced' : 'partly reproduced';
  }
  if (runs.some((r) => r.status === 'failed')) return 'failed';
  if (runs.some((r) => r.status === 'not_supported')) return 'not supported';
  return 'not available';
}

/** One cell per device × model × source × load mode × target, from the campaign's infer runs. */
export function reproductionCells(runs: readonly ReportRun[]): MatrixCell[] {
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs.filter((x) => x.mode === 'infer')) {
    const k = [r.device, r.model, r.style, r.sourceBinding ?? '?', r.loadMode ?? '?', r.binding].join('\u0000');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()]
    .map((g): MatrixCell => {
      const f = g[0]!;
      const state = stateOf(g);
      const ok = g.filter((r) => r.status === 'ok');
      const reproduced = ok.filter((r) => r.reproduced === true).length;
      const source = f.sourceBinding ?? '?';
      const loadMode = f.loadMode ?? '?';
      return {
        device: f.device,
        model: f.model,
        source,
        loadMode,
        row: `${f.model} · ${source}${f.style === 'minimal' ? '' : ` (${f.style})`} → ${loadMode}`,
        target: f.binding,
        state,
        runs: g.length,
        ok: ok.length,
        reproduced,
        label: ok.length ? `${reproduced}/${ok.length}` : state === 'failed' ? 'failed' : state === 'not supported' ? 'n/s' : 'n/a',
        reasons: [...new Set(g.filter((r) => r.status !== 'ok').map((r) => `${r.status}: ${r.reason ?? 'no reason recorded'}`))],
      };
    })
    .sort((a, b) => a.device.localeCompare(b.device) || a.row.localeCompare(b.row) || a.target.localeCompare(b.target));
}

export function reproductionSpec(device: string, cells: readonly MatrixCell[], targetOrder: readonly string[]): TopLevelSpec {
  const mine = cells.filter((c) => c.device === device);
  const targets = targetOrder.filter((t) => mine.some((c) => c.target === t));
  const rows = [...new Set(mine.map((c) => c.row))].sort();
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `Cross-binding reproduction (${device})`, subtitle: 'rows: model · trained in → load mode; columns: loaded in; label: reproduced / finished runs' },
    data: { values: mine.map((c) => ({ ...c, reasons: c.reasons.join('; ') })) },
    width: { step: 78 },
    height: { step: 26 },
    encoding: {
      x: { field: 'target', type: 'nominal', title: 'loaded in', sort: targets, axis: { labelAngle: -30, orient: 'top', labelLimit: 240 } },
      y: { field: 'row', type: 'nominal', title: null, sort: rows, axis: { labelLimit: 600 } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1.5 },
        encoding: {
          color: {
            field: 'state',
            type: 'nominal',
            title: 'result',
            scale: { domain: [...REPRODUCTION_STATES], range: REPRODUCTION_STATES.map((s) => STATE_COLORS[s]) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: "indexof(['reproduced', 'not reproduced', 'failed'], datum.state) >= 0", value: 'white' }, value: '#222' },
        },
      },
    ],
    config: FIGURE_CONFIG,
  };
}
