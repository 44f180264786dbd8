/** Figures (a)-(d) of one campaign: rendered SVGs inlined, grouped by kind, tagged for the page's filters. */
import type { FigureKind, ShownFigure } from '../figures/figure.js';
import { dataAttributes, escapeHtml } from './escape.js';

interface FigureGroup {
  heading: string;
  kinds: FigureKind[];
  /** How to read the figures (plain text). */
  note: string;
}

const GROUPS: FigureGroup[] = [
  {
    heading: '(a) Accuracy curves',
    kinds: ['accuracy-best', 'accuracy-band'],
    note: 'Training and test accuracy per epoch, one colour per binding. "Best run per binding" draws, per binding, the run with the highest final test accuracy (as the study plotted); "all runs" draws every run over the min–max band of its binding, which shows how far the seed alone moves a curve. Switch between them in the bar above.',
  },
  {
    heading: '(b) Cross-binding reproduction',
    kinds: ['reproduction'],
    note: 'A model trained in one binding (row: model · trained in → load mode) loaded in another (column). Green: every loaded model classified the same number of test samples correctly as the source; orange: some did; red: none did; grey: the target cannot load it (not supported) or is not installed (not available); purple: the run failed. Labels: reproduced / finished runs.',
  },
  {
    heading: '(c) Training time',
    kinds: ['training-time'],
    note: 'Training time per run (per-epoch evaluation excluded), log axis: box from the first to the third quartile, line at the median, whiskers to the min and max, one dot per run.',
  },
  {
    heading: '(d) Inference time',
    kinds: ['inference-time'],
    note: 'Mean time of one pass over the whole test set per loaded model, CPU and GPU side by side, log axis; dot shapes tell the load modes apart.',
  },
  {
    heading: 'Peak memory',
    kinds: ['memory'],
    note: "Peak resident memory of each training run's runner process tree (MiB, linear axis from 0): box from the first to the third quartile, line at the median, whiskers to the min and max, one dot per run.",
  },
];

/**
 * The chart carries its own title; the caption holds only links (the run browser's SVG download). A figure with a
 * `src` is a placeholder the page script fills in when it nears the viewport (without a script, its link opens it).
 */
export function renderFigure(f: ShownFigure, links = ''): string {
  const body =
    'svg' in f
      ? f.svg
      : `<div class="figure-placeholder"><a href="${escapeHtml(f.src)}">${escapeHtml(f.title)}</a> <span class="note">(loading…)</span></div>`;
  const lazy = 'svg' in f ? '' : ` data-src="${escapeHtml(f.src)}"`;
  return `<figure class="figure filterable" id="fig-${escapeHtml(f.id)}" data-kind="${f.kind}" aria-label="${escapeHtml(f.title)}"${lazy}${dataAttributes(f.tags)}>${body}${links ? `<figcaption>${links}</figcaption>` : ''}</figure>`;
}

export function renderFiguresSection(figures: readonly ShownFigure[], opts: { figureLink?(f: ShownFigure): string } = {}): string {
  return GROUPS.map((g) => {
    const mine = figures.filter((f) => g.kinds.includes(f.kind));
    const body = mine.length
      ? `<div class="figure-grid">${mine.map((f) => renderFigure(f, opts.figureLink ? `<a href="${escapeHtml(opts.figureLink(f))}">download SVG</a>` : '')).join('\n')}</div>`
      : '<p class="note">No runs to draw.</p>';
    return `<h3>${escapeHtml(g.heading)}</h3><p class="note">${escapeHtml(g.note)}</p>${body}`;
  }).join('\n');
}
