import { validateSample } from './validate.js';

export interface DtwOptions {
  /**
   * Sakoe-Chiba band half-width: cell (i, j) may be used only when |i - j| <= window. For series of different lengths
   * the band is widened to |len(a) - len(b)| when narrower, otherwise the end cell would be unreachable.
   * Default: no band (full DTW).
   */
  window?: number;
  /** Local cost of matching a value of `a` with a value of `b`. Default |p - q|. */
  distance?: (p: number, q: number) => number;
}

/**
 * Exact dynamic time warping distance: the least total local cost over all monotone, continuous alignments from
 * (0, 0) to (len(a) - 1, len(b) - 1), by the recurrence
 *
 *   D(i, j) = cost(a_i, b_j) + min(D(i-1, j), D(i, j-1), D(i-1, j-1)),   D(0, 0) = cost(a_0, b_0).
 *
 * With the default cost this equals `fastdtw.dtw(a, b)[0]` (and fastdtw with a radius covering both series) exactly.
 * Throws RangeError on an empty series, NaN, ±Infinity or a window that is not a non-negative integer.
 */
export function dtw(a: readonly number[], b: readonly number[], opts: DtwOptions = {}): number {
  const xs = validateSample(a, 'a');
  const ys = validateSample(b, 'b');
  const distance = opts.distance ?? absoluteDifference;
  const n = xs.length;
  const m = ys.length;
  let band = Math.max(n, m);
  if (opts.window !== undefined) {
    if (!Number.isSafeInteger(opts.window) || opts.window < 0) {
      throw new RangeError(`window must be a non-negative integer, got ${String(opts.window)}`);
    }
    band = Math.max(opts.window, Math.abs(n - m));
  }
  // Two rows of the cost table; index 0 is the boundary column D(i, -1) = Infinity.
  let previous = new Float64Array(m + 1).fill(Infinity);
  let current = new Float64Array(m + 1);
  previous[0] = 0; // D(-1, -1), so that D(0, 0) = cost(a_0, b_0)
  for (let i = 0; i < n; i++) {
    current.fill(Infinity);
    const from = Math.max(0, i - band);
    const to = Math.min(m - 1, i + band);
    for (let j = from; j <= to; j++) {
      const best = Math.min(previous[j + 1]!, current[j]!, previous[j]!);
      current[j + 1] = distance(xs[i]!, ys[j]!) + best;
    }
    [previous, current] = [current, previous];
  }
  return previous[m]!;
}

function absoluteDifference(p: number, q: number): number {
  return Math.abs(p - q);
}
