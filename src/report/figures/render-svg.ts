/**
 * Vega-Lite spec -> SVG text, server-side: vega's headless View with no renderer and no DOM. The only impure step
 * between the store and a figure, and the only place that knows about vega.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FigureDef, RenderedFigure } from './figure.js';

/**
 * vega numbers its clip paths and gradients from a process-wide counter that it may reset, so two figures inlined
 * in one page could both define `clip1`; prefixing every id with the figure's own id keeps them apart.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/\bhref="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

/**
 * Vega-Lite prints its compile warnings to the console; they concern layout heuristics (e.g. faceted independent
 * scales over layered data) of specs the tests pin down, so they are dropped here rather than shown to every user.
 */
const quietLogger = {
  level(): never {
    return quietLogger as never;
  },
  error(...args: unknown[]) {
    throw new Error(`vega-lite: ${args.map(String).join(' ')}`);
  },
  warn() {
    return quietLogger;
  },
  info() {
    return quietLogger;
  },
  debug() {
    return quietLogger;
  },
};

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: vega takes a third of a second to import, which every other command would pay otherwise.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec, { logger: quietLogger as never }).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderFigures(figures: readonly FigureDef[]): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const f of figures) out.push({ ...f, svg: scopeSvgIds(await renderSvg(f.spec), f.id) });
  return out;
}
