/**
 * `--figures DIR`: each figure as an SVG file, and as a PNG (2x) where @resvg/resvg-js loads, for papers.
 * PNG export is optional: without resvg the SVGs are still written and the outcome says why PNGs are missing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../base/atomic-file.js';
import type { RenderedFigure } from './figure.js';

export interface WrittenFigures {
  dir: string;
  svg: string[];
  png: string[];
  /** Why no PNG was written, when none was. */
  pngUnavailable: string | null;
}

type Rasterise = (svg: string) => Uint8Array;

async function loadRasteriser(): Promise<Rasterise | string> {
  try {
    const { Resvg } = await import('@resvg/resvg-js');
    return (svg: string) =>
      new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  } catch (e) {
    return `@resvg/resvg-js could not be loaded (${(e as Error).message.split('\n')[0]}); install it with \`npm install @resvg/resvg-js\` for PNG export`;
  }
}

export async function writeFigureFiles(dir: string, figures: readonly RenderedFigure[]): Promise<WrittenFigures> {
  mkdirSync(dir, { recursive: true });
  const rasterise = await loadRasteriser();
  const out: WrittenFigures = { dir, svg: [], png: [], pngUnavailable: typeof rasterise === 'string' ? rasterise : null };
  for (const f of figures) {
    const svgPath = join(dir, `${f.id}.svg`);
    writeFileAtomic(svgPath, f.svg);
    out.svg.push(svgPath);
    if (typeof rasterise === 'function') {
      const pngPath = join(dir, `${f.id}.png`);
      writeFileAtomic(pngPath, rasterise(f.svg));
      out.png.push(pngPath);
    }
  }
  return out;
}
