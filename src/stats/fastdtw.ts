import {
  compiledExpandWindow,
  compiledFullWindow,
  compiledWindowedDtw,
} from './fastdtw-compiled.js';
import { pythonExpandWindow, pythonWindowedDtw, type Alignment } from './fastdtw-python.js';
import { validateChoice, validateSample } from './validate.js';

export type { Alignment, Cell } from './fastdtw-python.js';

/** Which of the `fastdtw` package's two implementations to reproduce. */
export type FastDtwImplementation = 'python' | 'compiled';

export interface FastDtwOptions {
  /** Neighbourhood, in coarse cells, searched around the projected path (non-negative integer). Default 1. */
  radius?: number;
  /**
   * 'python' (default): fastdtw/fastdtw.py, what `pip install fastdtw` 0.3.4 installs today (its sdist builds
   * without NumPy in pip's isolated build, so the C++ extension is skipped). 'compiled': the C++ extension
   * fastdtw/_fastdtw.pyx, used when the package was built with NumPy present (older pip, conda-forge). The two
   * disagree on about a quarter of random inputs; see docs/statistics.md.
   */
  implementation?: FastDtwImplementation;
}

interface Steps {
  full(x: readonly number[], y: readonly number[]): Alignment;
  refine(x: readonly number[], y: readonly number[], coarsePath: Alignment['path'], radius: number): Alignment;
}

const STEPS: Record<FastDtwImplementation, Steps> = {
  python: {
    full: (x, y) => pythonWindowedDtw(x, y, null),
    refine: (x, y, path, radius) => pythonWindowedDtw(x, y, pythonExpandWindow(path, x.length, y.length, radius)),
  },
  compiled: {
    full: (x, y) => compiledWindowedDtw(x, y, compiledFullWindow(x.length, y.length)),
    refine: (x, y, path, radius) => compiledWindowedDtw(x, y, compiledExpandWindow(path, x.length, y.length, radius)),
  },
};

/**
 * FastDTW (Salvador & Chan 2007): approximate DTW in linear time. Both series are halved (means of adjacent pairs,
 * an odd last value dropped) until one is shorter than radius + 2, aligned exactly there, and the path is projected
 * back one level at a time, each time re-solved only inside a window of `radius` cells around it. The local cost is
 * |a_i - b_j|.
 *
 * Matches `fastdtw.fastdtw(a, b, radius=radius)` of the Python package `fastdtw` 0.3.4 exactly (distance and path),
 * for the implementation chosen. The original study passed `dist=scipy.spatial.distance.euclidean` on scalars,
 * which is sqrt((p - q)^2) = |p - q| exactly in IEEE arithmetic, so the result is the same.
 *
 * Throws RangeError on an empty series, NaN, ±Infinity, or a radius that is not a non-negative integer, and when
 * radius 0 meets series of odd length (the package fails there as well).
 */
export function fastdtw(a: readonly number[], b: readonly number[], opts: FastDtwOptions = {}): Alignment {
  const xs = validateSample(a, 'a');
  const ys = validateSample(b, 'b');
  const radius = opts.radius ?? 1;
  if (!Number.isSafeInteger(radius) || radius < 0) {
    throw new RangeError(`radius must be a non-negative integer, got ${String(radius)}`);
  }
  const implementation = validateChoice(opts.implementation ?? 'python', ['python', 'compiled'] as const, 'implementation');
  return coarseToFine(xs, ys, radius, STEPS[implementation]);
}

function coarseToFine(x: readonly number[], y: readonly number[], radius: number, steps: Steps): Alignment {
  if (x.length < radius + 2 || y.length < radius + 2) return steps.full(x, y);
  const coarse = coarseToFine(halve(x), halve(y), radius, steps);
  return steps.refine(x, y, coarse.path, radius);
}

/** Means of adjacent pairs, (x_0 + x_1) / 2, (x_2 + x_3) / 2, ...; an odd last value is dropped. */
function halve(x: readonly number[]): number[] {
  const half: number[] = [];
  for (let i = 0; i + 1 < x.length; i += 2) half.push((x[i]! + x[i + 1]!) / 2);
  return half;
}
