/**
 * Figures (c) and (d): times per binding as box plots on a log axis (bindings differ by orders of magnitude),
 * with every run drawn as a point over its box, since a campaign has few runs per binding.
 * - (c) training time (evaluation excluded), one figure per family × model × device, as RQ3;
 * - (d) inference time (mean of the timed passes over the test set, one value per loaded model), one figure per
 *   RQ4 family × model with CPU and GPU side by side: each panel holds exactly the runs of an RQ4 table.
 */
import type { TopLevelSpec } from 'vega-lite';
import { bindingColor, FIGURE_CONFIG, VEGA_LITE_SCHEMA } from './figure.js';
import type { ReportRun } from '../campaign-runs.js';

export interface TimeRow {
  binding: string;
  run: string;
  seed: number;
  device: string;
  /** Infer runs: how the model was loaded; null for training runs. */
  loadMode: string | null;
  seconds: number;
}

export interface TimeGroup {
  framework: string;
  model: string;
  /** Training style of the runs (an infer run's: its source's), with the schedule where it was not serial. */
  style: string;
  /** Training figures are per device; inference figures hold every device. */
  devices: string[];
  bindings: string[];
  rows: TimeRow[];
}

const DEVICE_ORDER = ['cpu', 'cuda'];
const deviceRank = (d: string) => (DEVICE_ORDER.includes(d) ? DEVICE_ORDER.indexOf(d) : DEVICE_ORDER.length);

function groupTimes(runs: readonly ReportRun[], familyOf: (r: ReportRun) => string, keyParts: (r: ReportRun) => string[], secondsOf: (r: ReportRun) => number | null, order: readonly string[]): TimeGroup[] {
  const rank = (b: string) => (order.includes(b) ? order.indexOf(b) : order.length);
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs) {
    const s = secondsOf(r);
    // A log axis has no place for 0; a zero time is a measurement problem that the statistics tables still show.
    if (r.status !== 'ok' || s === null || !(s > 0)) continue;
    const k = [familyOf(r), ...keyParts(r)].join('\u0000');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()]
    .map((g): TimeGroup => ({
      framework: familyOf(g[0]!),
      model: g[0]!.model,
      style: g[0]!.schedule === 'serial' ? g[0]!.style : `${g[0]!.style}, ${g[0]!.schedule}`,
      devices: [...new Set(g.map((r) => r.device))].sort((a, b) => deviceRank(a) - deviceRank(b) || a.localeCompare(b)),
      bindings: [...new Set(g.map((r) => r.binding))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
      rows: g.map((r) => ({ binding: r.binding, run: r.id, seed: r.seed, device: r.device, loadMode: r.mode === 'infer' ? r.loadMode : null, seconds: secondsOf(r)! })),
    }))
    .sort((a, b) => a.framework.localeCompare(b.framework) || a.model.localeCompare(b.model) || deviceRank(a.devices[0]!) - deviceRank(b.devices[0]!) || a.style.localeCompare(b.style));
}

export function trainingTimeGroups(runs: readonly ReportRun[], order: readonly string[]): TimeGroup[] {
  return groupTimes(
    runs.filter((r) => r.mode === 'train'),
    (r) => r.family.family,
    // Times of different schedules never share a box (see timing-families.ts).
    (r) => [r.model, r.device, r.style, r.schedule],
    (r) => r.trainSeconds,
    order,
  );
}

/**
 * Peak resident memory of the training runs, in MiB, per model × device × style × schedule with every framework's
 * bindings in one figure: a process's memory means the same whichever framework it runs.
 */
export function memoryGroups(runs: readonly ReportRun[], order: readonly string[]): TimeGroup[] {
  return groupTimes(
    runs.filter((r) => r.mode === 'train'),
    () => 'every binding',
    (r) => [r.model, r.device, r.style, r.schedule],
    (r) => (r.peakRssBytes === null ? null : r.peakRssBytes / (1024 * 1024)),
    order,
  );
}

/** Figure: peak memory per binding (a linear axis from 0: memory differs by tens of percent, not by orders). */
export function memorySpec(group: TimeGroup, palette: readonly string[]): TopLevelSpec {
  const bindings = group.bindings;
  const x = { field: 'binding', type: 'nominal' as const, title: null, sort: [...bindings], axis: { labelAngle: -30, labelLimit: 180 } };
  const y = { field: 'mib', type: 'quantitative' as const, title: 'peak resident memory (MiB)', scale: { zero: true } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `${group.model} (${group.devices.join(', ')}, ${group.style}): peak memory in training, every binding`, subtitle: "one point per run: the runner's whole process tree; box: quartiles, whiskers: min–max" },
    data: { values: group.rows.map(({ seconds, ...row }) => ({ ...row, mib: seconds })) },
    width: { step: 70 },
    height: 220,
    layer: [
      { mark: { type: 'boxplot', extent: 'min-max', size: 26, median: { color: '#111' }, opacity: 0.55 }, encoding: { x, y, color: { ...bindingColor(palette, bindings), legend: null } } },
      { mark: { type: 'point', filled: true, size: 30, opacity: 0.85, color: '#333' }, encoding: { x, y } },
    ],
    config: FIGURE_CONFIG,
  };
}

export function inferenceTimeGroups(runs: readonly ReportRun[], order: readonly string[]): TimeGroup[] {
  return groupTimes(
    runs.filter((r) => r.mode === 'infer'),
    (r) => r.family.timingFamily,
    (r) => [r.model, r.style],
    (r) => r.meanInferenceSeconds,
    order,
  );
}

function boxLayers(bindings: readonly string[], palette: readonly string[], yTitle: string, pointShape: boolean) {
  const x = { field: 'binding', type: 'nominal' as const, title: null, sort: [...bindings], axis: { labelAngle: -30, labelLimit: 180 } };
  const y = { field: 'seconds', type: 'quantitative' as const, title: yTitle, scale: { type: 'log' as const, nice: false, padding: 14 } };
  return [
    {
      mark: { type: 'boxplot' as const, extent: 'min-max' as const, size: 26, median: { color: '#111' }, opacity: 0.55 },
      encoding: { x, y, color: { ...bindingColor(palette, bindings), legend: null } },
    },
    {
      mark: { type: 'point' as const, filled: true, size: 30, opacity: 0.85, color: '#333' },
      encoding: {
        x,
        y,
        ...(pointShape ? { shape: { field: 'loadMode', type: 'nominal' as const, title: 'load mode' } } : {}),
      },
    },
  ];
}

export function trainingTimeSpec(group: TimeGroup, palette: readonly string[]): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `${group.framework} ${group.model} (${group.devices.join(', ')}, ${group.style}): training time`, subtitle: 'one point per run; box: quartiles, whiskers: min–max; log axis' },
    data: { values: group.rows },
    width: { step: 70 },
    height: 220,
    layer: boxLayers(group.bindings, palette, 'training time (s, log)', false),
    config: FIGURE_CONFIG,
  };
}

const deviceLabel = "datum.value === 'cuda' ? 'GPU (cuda)' : datum.value === 'cpu' ? 'CPU' : datum.value";

export function inferenceTimeSpec(group: TimeGroup, palette: readonly string[]): TopLevelSpec {
  const missingGpu = !group.devices.includes('cuda');
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `${group.framework} ${group.model} (models trained ${group.style}): inference time on the test set`,
      subtitle: `one point per loaded model (shape: load mode); CPU and GPU side by side${missingGpu ? ' (no GPU runs in this campaign)' : ''}; log axis`,
    },
    data: { values: group.rows },
    facet: { column: { field: 'device', type: 'nominal', title: null, sort: [...DEVICE_ORDER], header: { labelExpr: deviceLabel } } },
    // One shared binding axis: a binding keeps its place in both panels (an empty slot: no runs on that device).
    spec: { width: { step: 70 }, height: 220, layer: boxLayers(group.bindings, palette, 'mean inference time (s, log)', true) },
    config: FIGURE_CONFIG,
  };
}

export interface ComparedTimeRow extends TimeRow {
  /** Which campaign the run belongs to (`A: <id>` / `B: <id>`). */
  campaign: string;
}

/**
 * Two campaigns' times per binding side by side (one box per campaign within each binding), e.g. two versions of
 * a binding; one figure per framework × model × device of the given groups.
 */
export function comparisonTimeSpec(title: string, rows: readonly ComparedTimeRow[], bindings: readonly string[], campaigns: readonly string[], yTitle: string): TopLevelSpec {
  const x = { field: 'binding', type: 'nominal' as const, title: null, sort: [...bindings], axis: { labelAngle: -30, labelLimit: 180 } };
  const y = { field: 'seconds', type: 'quantitative' as const, title: yTitle, scale: { type: 'log' as const, nice: false, padding: 14 } };
  const color = { field: 'campaign', type: 'nominal' as const, title: 'campaign', scale: { domain: [...campaigns], range: ['#4c78a8', '#f58518'] } };
  const xOffset = { field: 'campaign', type: 'nominal' as const, sort: [...campaigns] };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: 'per binding, one box per campaign; one dot per run; log axis' },
    data: { values: [...rows] },
    width: { step: 90 },
    height: 220,
    layer: [
      { mark: { type: 'boxplot', extent: 'min-max', size: 22, median: { color: '#111' }, opacity: 0.6 }, encoding: { x, xOffset, y, color } },
      { mark: { type: 'point', filled: true, size: 26, opacity: 0.85, color: '#333' }, encoding: { x, xOffset, y } },
    ],
    config: FIGURE_CONFIG,
  };
}
