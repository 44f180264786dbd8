/**
 * What every figure is: a Vega-Lite spec plus the labels the HTML page and the `--figures` folder need. Specs are
 * data (pure functions build them); rendering them to SVG is the one impure step (render-svg.ts).
 */
import type { TopLevelSpec } from 'vega-lite';

export type FigureKind = 'accuracy-best' | 'accuracy-band' | 'reproduction' | 'training-time' | 'inference-time' | 'comparison-time' | 'ladder' | 'memory';

export interface FigureDef {
  /** Unique within a report, safe as a file name and an HTML id. */
  id: string;
  kind: FigureKind;
  title: string;
  /** What the page's model/device/framework filters match this figure against (absent: always shown). */
  tags: { framework?: string; model?: string; device?: string };
  spec: TopLevelSpec;
}

export interface RenderedFigure extends FigureDef {
  svg: string;
}

/**
 * A figure as a page shows it: drawn into the page, or (the run browser's large pages) only named there and fetched
 * by the page from `src` when it scrolls into view, so a campaign page stays small whatever the campaign's size.
 */
export type ShownFigure = RenderedFigure | (FigureDef & { src: string });

/** The static report draws every figure; only the run browser's pages link them. */
export function isDrawn(f: ShownFigure): f is RenderedFigure {
  return 'svg' in f;
}

/** Look shared by every figure: system fonts only (the report is opened offline), quiet grid. */
export const FIGURE_CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: '#d0d0d0' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const, offset: 10 },
};

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** `<framework>/<language>` -> `<framework>-<language>`: ids and file names. */
export function slug(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '-'))
    .join('--')
    .replace(/^-+|-+$/g, '');
}

/** Tableau 10, then a second set: enough for every binding a campaign is likely to hold. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#17becf', '#bcbd22'];

/**
 * One colour per binding, the same in every figure of a campaign: a binding's colour is fixed by its place in the
 * campaign's binding order (`palette`), while each figure's legend lists only the bindings it shows (`shown`).
 */
export function bindingColor(palette: readonly string[], shown: readonly string[] = palette) {
  const domain = shown.length ? [...shown] : [...palette];
  const range = domain.map((b) => {
    const i = palette.indexOf(b);
    return PALETTE[(i < 0 ? palette.length : i) % PALETTE.length]!;
  });
  return { field: 'binding', type: 'nominal' as const, title: 'binding', scale: { domain, range } };
}
