import { fastdtw, type FastDtwOptions } from './fastdtw.js';

/**
 * The study's DTW measure between two per-epoch accuracy (or loss) curves: the FastDTW distance divided by the
 * number of epochs, taken as max(len(a), len(b)) so that curves of different lengths are divided by the longer one
 * (the alignment uses every epoch of both; for equal lengths it is simply the number of epochs).
 *
 * Options as {@link fastdtw} (radius 1 and the pure-Python implementation by default, as the study's
 * `fastdtw(a, b, radius=1, dist=euclidean)`).
 */
export function normalizedDtw(a: readonly number[], b: readonly number[], opts: FastDtwOptions = {}): number {
  return fastdtw(a, b, opts).distance / Math.max(a.length, b.length);
}
