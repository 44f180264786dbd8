/**
 * The attribution ladder as tables (one per explained difference) and the words around them, shared by the
 * Markdown report, the HTML report and `bindbench explain`, so the three say the same.
 */
import type { Attribution } from '../analysis/ladder.js';
import { DASH, formatP } from './format.js';
import type { Table } from './table-model.js';

export const LADDER_NOTE =
  "Each rung removes one cause the two bindings may not share (native → shared initial weights → + shared data order → + aligned layer defaults → + minimal style); the first rung without a significant difference names the cause. Mann-Whitney U per rung, Holm-corrected over the ladder; the interval is a 95 % percentile bootstrap interval of that difference (accuracy) or ratio (time) of the medians, resampling seeds with both bindings' runs of a seed kept together. docs/methodology.md, \"Why bindings differ\".";

const isTime = (a: Attribution) => a.difference.quantity === 'training time';

/** `lenet5 cpu: pytorch/rust vs pytorch/python, final test accuracy` */
export const ladderTitle = (a: Attribution): string => `${a.difference.model} ${a.difference.device}: ${a.difference.binding} vs ${a.difference.reference}, ${a.difference.quantity}`;

export function formatEffect(a: Attribution, x: number): string {
  return isTime(a) ? `${x.toFixed(3)}x` : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

export function ladderTable(a: Attribution): Table {
  const time = isTime(a);
  return {
    columns: [
      { label: 'rung' },
      { label: 'campaign' },
      { label: 'runs', numeric: true, title: 'binding / reference' },
      { label: time ? 'time / reference' : 'accuracy − reference', numeric: true, title: 'of the medians' },
      { label: '95% interval', title: 'paired bootstrap interval (seeds resampled) of the difference or ratio of the medians; none with fewer than 2 seeds both bindings ran' },
      { label: "Cliff's δ", numeric: true },
      { label: 'p (Holm over the ladder)', numeric: true },
      { label: 'difference' },
    ],
    rows: a.rungs.map((r) => ({
      cells: [
        r.rung,
        r.campaign ?? DASH,
        `${r.n[0]} / ${r.n[1]}`,
        r.effect === null ? { text: DASH, sort: null } : { text: formatEffect(a, r.effect), sort: r.effect },
        r.interval ? `${formatEffect(a, r.interval[0])} to ${formatEffect(a, r.interval[1])}` : DASH,
        r.cliffsDelta === null ? { text: DASH, sort: null } : { text: r.cliffsDelta.toFixed(2), sort: r.cliffsDelta },
        r.adjustedP === null ? { text: DASH, sort: null } : { text: formatP(r.adjustedP), sort: r.adjustedP },
        r.state,
      ],
      tags: { model: a.difference.model, binding: a.difference.binding, device: a.difference.device, framework: a.difference.framework },
    })),
    empty: 'No rung ran.',
  };
}

/** The verdict under a ladder table: the cause, and where the step losses part. */
export function ladderVerdict(a: Attribution): { cause: string; parting: string | null } {
  const cause = `Cause: ${a.cause}${a.goneAt ? ` (gone at rung ${a.goneAt})` : ''}.`;
  const parting = a.lossesPart
    ? `On the last rung (same weights, same batches, the minimal loop) the step losses part at step ${a.lossesPart.perSeed.map((s) => (s.step === null ? `none of ${s.steps}` : String(s.step))).join(', ')} (one per seed: the first step whose losses differ by more than 0.1 %).`
    : null;
  return { cause, parting };
}
