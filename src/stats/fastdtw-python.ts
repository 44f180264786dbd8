/**
 * The alignment steps of the pure-Python implementation in the `fastdtw` package (fastdtw/fastdtw.py, 0.3.4), the
 * one `pip install fastdtw` gives where its C++ extension is not built. Reproduced step for step because ties
 * between equally cheap predecessors are common with |a - b| costs (|p - q1| + |p - q2| = |q1 - q2| whenever p lies
 * between q1 and q2), and the tie-break decides the path, hence the next level's search window and the distance.
 */

export type Cell = [number, number];

export interface Alignment {
  distance: number;
  /** Matched index pairs (i, j) from (0, 0) to (len(a) - 1, len(b) - 1). */
  path: Cell[];
}

/** DTW over the cells of `window` (row-major, each row one run of columns), or over all cells when null. */
export function pythonWindowedDtw(x: readonly number[], y: readonly number[], window: readonly Cell[] | null): Alignment {
  const lenX = x.length;
  const lenY = y.length;
  const width = lenY + 1;
  // Keys use 1-based cells so that row 0 and column 0 are the Infinity border, as in the package's defaultdict.
  const cost = new Map<number, number>([[0, 0]]);
  const from = new Map<number, number>();
  const at = (key: number): number => cost.get(key) ?? Infinity;
  const visit = (i: number, j: number): void => {
    const dt = Math.abs(x[i - 1]! - y[j - 1]!);
    // min() over (up, left, diagonal) keeps the first of equal costs.
    let bestKey = (i - 1) * width + j;
    let best = at(bestKey) + dt;
    const leftKey = i * width + (j - 1);
    const left = at(leftKey) + dt;
    if (left < best) [best, bestKey] = [left, leftKey];
    const diagonalKey = (i - 1) * width + (j - 1);
    const diagonal = at(diagonalKey) + dt;
    if (diagonal < best) [best, bestKey] = [diagonal, diagonalKey];
    cost.set(i * width + j, best);
    from.set(i * width + j, bestKey);
  };
  if (window === null) {
    for (let i = 1; i <= lenX; i++) for (let j = 1; j <= lenY; j++) visit(i, j);
  } else {
    for (const [i, j] of window) visit(i + 1, j + 1);
  }

  const endKey = lenX * width + lenY;
  const distance = cost.get(endKey);
  if (distance === undefined) throw windowMissesEnd(lenX, lenY);
  const path: Cell[] = [];
  let key = endKey;
  while (key !== 0) {
    path.push([Math.floor(key / width) - 1, (key % width) - 1]);
    const previous = from.get(key);
    if (previous === undefined) throw windowMissesEnd(lenX, lenY);
    key = previous;
  }
  path.reverse();
  return { distance, path };
}

/**
 * The search window at full resolution: every cell within `radius` (in both directions, diagonals included) of the
 * coarse path, each blown up to its 2x2 block, then read row by row keeping, per row, the first run of columns
 * at or after the previous row's first column.
 */
export function pythonExpandWindow(coarsePath: readonly Cell[], lenX: number, lenY: number, radius: number): Cell[] {
  const inWindow = new Set<number>();
  for (const [pi, pj] of coarsePath) {
    for (let a = -radius; a <= radius; a++) {
      for (let b = -radius; b <= radius; b++) {
        const i = pi + a;
        const j = pj + b;
        for (const [ci, cj] of [[2 * i, 2 * j], [2 * i, 2 * j + 1], [2 * i + 1, 2 * j], [2 * i + 1, 2 * j + 1]] as const) {
          if (ci >= 0 && cj >= 0 && ci < lenX && cj < lenY) inWindow.add(ci * lenY + cj);
        }
      }
    }
  }
  const window: Cell[] = [];
  let startJ = 0;
  for (let i = 0; i < lenX; i++) {
    let firstJ: number | null = null;
    for (let j = startJ; j < lenY; j++) {
      if (inWindow.has(i * lenY + j)) {
        window.push([i, j]);
        if (firstJ === null) firstJ = j;
      } else if (firstJ !== null) {
        break;
      }
    }
    if (firstJ === null) throw windowMissesEnd(lenX, lenY);
    startJ = firstJ;
  }
  return window;
}

export function windowMissesEnd(lenX: number, lenY: number): RangeError {
  return new RangeError(
    `fastdtw: the search window does not reach cell (${lenX - 1}, ${lenY - 1}); this happens with radius 0 and ` +
      'series of odd length, where the fastdtw package fails too. Use radius >= 1.',
  );
}
