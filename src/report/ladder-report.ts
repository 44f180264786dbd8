/** The attribution ladder's outcome as Markdown: per difference, each rung's effect and verdict, then the cause. */
import type { Attribution } from '../analysis/ladder.js';
import { DASH, formatP } from './format.js';
import { renderMarkdownTable } from './table-model.js';

export function renderLadderMarkdown(campaign: string, attributions: readonly Attribution[]): string {
  const blocks = attributions.map((a) => {
    const d = a.difference;
    const time = d.quantity === 'training time';
    const table = renderMarkdownTable({
      columns: [{ label: 'rung' }, { label: 'campaign' }, { label: 'runs', numeric: true }, { label: time ? 'time / reference' : 'accuracy − reference', numeric: true }, { label: "Cliff's δ", numeric: true }, { label: 'p (Holm over the ladder)', numeric: true }, { label: 'difference' }],
      rows: a.rungs.map((r) => ({
        cells: [
          r.rung,
          r.campaign ?? DASH,
          `${r.n[0]} / ${r.n[1]}`,
          r.effect === null ? DASH : time ? `${r.effect.toFixed(3)}x` : `${r.effect >= 0 ? '+' : ''}${r.effect.toFixed(4)}`,
          r.cliffsDelta === null ? DASH : r.cliffsDelta.toFixed(2),
          r.adjustedP === null ? DASH : formatP(r.adjustedP),
          r.state,
        ],
      })),
      empty: 'No rung ran.',
    });
    const parting = a.lossesPart
      ? `On the last rung (same weights, same batches, the minimal loop) the step losses part at step ${a.lossesPart.perSeed.map((s) => (s.step === null ? `none of ${s.steps}` : String(s.step))).join(', ')} (one per seed: the first step whose losses differ by more than 0.1 %).`
      : '';
    return [`## ${d.model} ${d.device}: ${d.binding} vs ${d.reference}, ${d.quantity}`, '', `Found in ${campaign}: ${d.found}.`, '', table, '', `**Cause: ${a.cause}**${a.goneAt ? ` (gone at rung ${a.goneAt})` : ''}.`, ...(parting ? ['', parting] : []), ''].join('\n');
  });
  return [`# bindbench explain: ${campaign}`, '', 'Each rung removes one cause the two bindings may not share; the first rung without a significant difference names it (docs/methodology.md, "Why bindings differ").', '', ...blocks].join('\n');
}
