/** "Why bindings differ": per explained difference, the ladder's figure, its table and the verdict. */
import type { CampaignAnalysis } from '../../analysis/analyze-campaign.js';
import type { ShownFigure } from '../figures/figure.js';
import { ladderFigures } from '../figures/ladder-figure.js';
import { ladderTable, ladderVerdict, LADDER_NOTE } from '../ladder-tables.js';
import { renderDataTable } from './data-table.js';
import { escapeHtml } from './escape.js';
import { renderFigure } from './figures-section.js';

/** Empty when `bindbench explain` has not run the campaign's ladder. */
export function renderLadderSection(a: CampaignAnalysis, figures: readonly ShownFigure[]): string {
  if (a.ladder.length === 0) return '';
  const defs = ladderFigures(a.campaign, a.ladder);
  const blocks = a.ladder.map((x, i) => {
    const figure = figures.find((f) => f.id === defs[i]!.id);
    const table = ladderTable(x);
    const { cause, parting } = ladderVerdict(x);
    return [
      figure ? renderFigure(figure) : '',
      `<p class="note">Found: ${escapeHtml(x.difference.found)}.</p>`,
      renderDataTable(table.columns, table.rows, { empty: table.empty }),
      `<p><strong>${escapeHtml(cause)}</strong></p>`,
      parting ? `<p class="note">${escapeHtml(parting)}</p>` : '',
    ].filter(Boolean).join('\n');
  });
  return [`<p class="note">${escapeHtml(LADDER_NOTE)}</p>`, ...blocks].join('\n');
}
