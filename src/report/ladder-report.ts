/** The attribution ladder's outcome as Markdown: per difference, each rung's effect and verdict, then the cause. */
import type { Attribution } from '../analysis/ladder.js';
import { ladderTable, ladderTitle, ladderVerdict, LADDER_NOTE } from './ladder-tables.js';
import { renderMarkdownTable } from './table-model.js';

/** One block per difference under headings of the given level (`##` in explain's output, `###` in the analysis). */
export function renderLadderBlocks(attributions: readonly Attribution[], found: (a: Attribution) => string, level = '##'): string[] {
  return attributions.map((a) => {
    const { cause, parting } = ladderVerdict(a);
    return [`${level} ${ladderTitle(a)}`, '', found(a), '', renderMarkdownTable(ladderTable(a)), '', `**${cause}**`, ...(parting ? ['', parting] : []), ''].join('\n');
  });
}

export function renderLadderMarkdown(campaign: string, attributions: readonly Attribution[]): string {
  return [`# bindbench explain: ${campaign}`, '', LADDER_NOTE, '', ...renderLadderBlocks(attributions, (a) => `Found in ${campaign}: ${a.difference.found}.`)].join('\n');
}
