/**
 * Figure (a): per-epoch accuracy curves per framework × model × device, one colour per binding, training and test
 * accuracy side by side. Two variants:
 * - `best`: per binding, the run with the highest final test accuracy (what the study plotted);
 * - `band`: every run as a thin line, over the min–max band of its binding (how much the seed alone moves a curve).
 */
import type { TopLevelSpec } from 'vega-lite';
import { bindingColor, FIGURE_CONFIG, VEGA_LITE_SCHEMA } from './figure.js';
import type { EpochPoint, ReportRun } from '../campaign-runs.js';

export type Split = 'training' | 'test';

export interface CurveRow {
  binding: string;
  run: string;
  seed: number;
  epoch: number;
  split: Split;
  accuracy: number;
}

export interface BandRow {
  binding: string;
  epoch: number;
  split: Split;
  min: number;
  max: number;
  /** Runs that reached this epoch. */
  runs: number;
}

export interface AccuracyGroup {
  framework: string;
  model: string;
  device: string;
  /** Training style: bindings are compared within one. */
  style: string;
  /** Bindings with at least one curve, in colour-domain order. */
  bindings: string[];
  /** Per binding, the curves of its best run (highest final test accuracy; ties go to the smaller seed). */
  best: CurveRow[];
  all: CurveRow[];
  band: BandRow[];
}

const SPLITS: Split[] = ['training', 'test'];

function curveRows(run: ReportRun, points: readonly EpochPoint[]): CurveRow[] {
  // An epoch whose test set was skipped (test_every) has a training point only.
  return points.flatMap((p) => [
    { binding: run.binding, run: run.id, seed: run.seed, epoch: p.epoch, split: 'training' as const, accuracy: p.trainAccuracy },
    ...(p.testAccuracy === null ? [] : [{ binding: run.binding, run: run.id, seed: run.seed, epoch: p.epoch, split: 'test' as const, accuracy: p.testAccuracy }]),
  ]);
}

function bestRun(runs: readonly ReportRun[]): ReportRun {
  return [...runs].sort((a, b) => (b.finalTestAccuracy ?? -Infinity) - (a.finalTestAccuracy ?? -Infinity) || a.seed - b.seed || a.id.localeCompare(b.id))[0]!;
}

function bandRows(binding: string, rows: readonly CurveRow[]): BandRow[] {
  const cells = new Map<string, { epoch: number; split: Split; values: number[] }>();
  for (const r of rows) {
    const k = `${r.split}\u0000${r.epoch}`;
    const c = cells.get(k) ?? { epoch: r.epoch, split: r.split, values: [] };
    c.values.push(r.accuracy);
    cells.set(k, c);
  }
  return [...cells.values()]
    .sort((a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split) || a.epoch - b.epoch)
    .map((c) => ({ binding, epoch: c.epoch, split: c.split, min: Math.min(...c.values), max: Math.max(...c.values), runs: c.values.length }));
}

/** Groups the finished training runs that recorded epochs; `order` fixes the binding order (the colour domain). */
export function accuracyGroups(runs: readonly ReportRun[], epochs: ReadonlyMap<string, EpochPoint[]>, order: readonly string[]): AccuracyGroup[] {
  const trained = runs.filter((r) => r.mode === 'train' && r.status === 'ok' && (epochs.get(r.id)?.length ?? 0) > 0);
  const keyOf = (r: ReportRun) => `${r.family.family}\u0000${r.model}\u0000${r.device}\u0000${r.style}`;
  const byGroup = new Map<string, ReportRun[]>();
  for (const r of trained) byGroup.set(keyOf(r), [...(byGroup.get(keyOf(r)) ?? []), r]);
  const rank = (b: string) => (order.includes(b) ? order.indexOf(b) : order.length);
  return [...byGroup.values()]
    .map((group): AccuracyGroup => {
      const bindings = [...new Set(group.map((r) => r.binding))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      const best: CurveRow[] = [];
      const all: CurveRow[] = [];
      const band: BandRow[] = [];
      for (const b of bindings) {
        const mine = group.filter((r) => r.binding === b);
        const rows = mine.flatMap((r) => curveRows(r, epochs.get(r.id)!));
        all.push(...rows);
        band.push(...bandRows(b, rows));
        const top = bestRun(mine);
        best.push(...curveRows(top, epochs.get(top.id)!));
      }
      const { model, device, style } = group[0]!;
      return { framework: group[0]!.family.family, model, device, style, bindings, best, all, band };
    })
    .sort((a, b) => a.framework.localeCompare(b.framework) || a.model.localeCompare(b.model) || a.device.localeCompare(b.device) || a.style.localeCompare(b.style));
}

const EPOCH = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', scale: { zero: false }, axis: { tickMinStep: 1, format: 'd' } };
const FACET = { column: { field: 'split', type: 'nominal' as const, title: null, sort: SPLITS, header: { labelExpr: "datum.value + ' accuracy'" } } };

/** Above this many epochs a dot per epoch only blurs the line (and bloats the SVG: the study trained 200). */
const MAX_EPOCHS_WITH_DOTS = 30;

export function accuracyBestSpec(group: AccuracyGroup, palette: readonly string[], subtitle = 'per binding, the run with the highest final test accuracy'): TopLevelSpec {
  const epochs = Math.max(0, ...group.best.map((r) => r.epoch));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `${group.framework} ${group.model} (${group.device}, ${group.style}): accuracy per epoch`, subtitle },
    data: { values: group.best },
    facet: FACET,
    spec: {
      width: 280,
      height: 190,
      mark: epochs <= MAX_EPOCHS_WITH_DOTS ? { type: 'line', point: { size: 18 }, strokeWidth: 1.6 } : { type: 'line', strokeWidth: 1.4 },
      encoding: {
        x: EPOCH,
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false }, axis: { format: '.1%' } },
        color: bindingColor(palette, group.bindings),
        detail: { field: 'run', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: FIGURE_CONFIG,
  };
}

export function accuracyBandSpec(group: AccuracyGroup, palette: readonly string[]): TopLevelSpec {
  const values = [...group.band.map((b) => ({ kind: 'band', ...b })), ...group.all.map((r) => ({ kind: 'run', ...r }))];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `${group.framework} ${group.model} (${group.device}, ${group.style}): accuracy per epoch, all runs`, subtitle: 'lines: every run; band: min–max over the runs of a binding' },
    data: { values },
    facet: FACET,
    spec: {
      width: 280,
      height: 190,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'band'" }],
          mark: { type: 'area', opacity: 0.22 },
          encoding: {
            x: EPOCH,
            y: { field: 'min', type: 'quantitative', title: 'accuracy', scale: { zero: false }, axis: { format: '.1%' } },
            y2: { field: 'max' },
            color: bindingColor(palette, group.bindings),
          },
        },
        {
          transform: [{ filter: "datum.kind === 'run'" }],
          mark: { type: 'line', strokeWidth: 1, opacity: 0.75 },
          encoding: {
            x: EPOCH,
            y: { field: 'accuracy', type: 'quantitative' },
            color: bindingColor(palette, group.bindings),
            detail: { field: 'run', type: 'nominal' },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: FIGURE_CONFIG,
  };
}
