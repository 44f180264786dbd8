/**
 * The alignment steps of the compiled implementation in the `fastdtw` package (fastdtw/_fastdtw.pyx, 0.3.4, the C++
 * extension built when NumPy is present at install time). It differs from the pure-Python one, and gives different
 * distances for about a quarter of random inputs, in three ways reproduced here:
 * - ties between predecessors go to the diagonal, then to the left cell (same row), then to the upper cell
 *   (the Python one prefers upper, then left, then diagonal);
 * - the window is built from per-row column bounds of the coarse path, widened by `radius` rows and columns;
 * - the diagonal predecessor of a cell one column past the previous row's last column is not considered.
 */
import { windowMissesEnd, type Alignment, type Cell } from './fastdtw-python.js';

/** Column bounds [low[i], high[i]] of each row i of a search window. */
export interface RowBounds {
  low: number[];
  high: number[];
}

/** Every cell: rows of the full width. */
export function compiledFullWindow(lenX: number, lenY: number): RowBounds {
  return { low: new Array<number>(lenX).fill(0), high: new Array<number>(lenX).fill(lenY - 1) };
}

/** The extension's `__expand_window`: path bounds per row, widened by `radius`, then doubled to full resolution. */
export function compiledExpandWindow(coarsePath: readonly Cell[], lenX: number, lenY: number, radius: number): RowBounds {
  const [maxI, maxJ] = coarsePath[coarsePath.length - 1]!;
  const pathLow = new Array<number>(maxI + 1);
  const pathHigh = new Array<number>(maxI + 1);
  for (const [i, j] of coarsePath) {
    if (pathLow[i] === undefined) pathLow[i] = j;
    pathHigh[i] = j;
  }
  const widenedRows = maxI + radius + 1;
  const low = new Array<number>(widenedRows);
  const high = new Array<number>(widenedRows);
  for (let i = 0; i <= maxI; i++) {
    low[i] = Math.max(0, pathLow[Math.max(0, i - radius)]! - radius);
    high[i] = Math.min(maxJ + radius, pathHigh[Math.min(maxI, i + radius)]! + radius);
  }
  for (let i = maxI + 1; i < widenedRows; i++) {
    low[i] = low[i - 1]!;
    high[i] = high[i - 1]!;
  }
  const rows = Math.min(lenX, 2 * widenedRows);
  const bounds: RowBounds = { low: new Array<number>(rows), high: new Array<number>(rows) };
  for (let i = 0; i < widenedRows; i++) {
    for (const row of [2 * i, 2 * i + 1]) {
      if (row < lenX) {
        bounds.low[row] = 2 * low[i]!;
        bounds.high[row] = Math.min(lenY - 1, 2 * high[i]! + 1);
      }
    }
  }
  return bounds;
}

/** The extension's `__dtw` over a window given by row bounds, with its predecessor bookkeeping. */
export function compiledWindowedDtw(x: readonly number[], y: readonly number[], bounds: RowBounds): Alignment {
  const lenY = y.length;
  const rows = bounds.low.length;
  const last = rows - 1;
  if (rows !== x.length || bounds.high[last] !== lenY - 1) throw windowMissesEnd(x.length, lenY);

  const cells: Cell[] = [];
  // cost[k + 1] belongs to cells[k]; cost[0] = 0 is the origin's virtual predecessor.
  const cost: number[] = [0];
  const from: number[] = [-1];
  for (let i = 0; i < rows; i++) {
    const low = bounds.low[i]!;
    const high = bounds.high[i]!;
    for (let j = low; j <= high; j++) {
      const idx = cells.length;
      let left = -1;
      let up = -1;
      let corner = -1;
      if (i === 0 && j === 0) {
        corner = 0;
      } else {
        if (j !== low) left = idx;
        if (i > 0 && j <= bounds.high[i - 1]!) {
          up = idx - (Math.min(lenY - 1, bounds.high[i - 1]!) - low + 1) + 1;
          if (up === 0) up = -1;
        }
        if (i > 0 && j >= bounds.low[i - 1]! + 1 && j <= bounds.high[i - 1]!) corner = up - 1;
      }
      const dt = Math.abs(x[i]! - y[j]!);
      const dLeft = left !== -1 ? cost[left]! : Infinity;
      const dUp = up !== -1 ? cost[up]! : Infinity;
      const dCorner = corner !== -1 ? cost[corner]! : Infinity;
      let previous: number;
      let best: number;
      if (dUp < dLeft && dUp < dCorner) [best, previous] = [dUp, up];
      else if (dLeft < dCorner) [best, previous] = [dLeft, left];
      else [best, previous] = [dCorner, corner];
      cells.push([i, j]);
      cost.push(best + dt);
      from.push(previous);
    }
  }

  const path: Cell[] = [];
  let k = cells.length;
  while (k !== 0) {
    path.push(cells[k - 1]!);
    k = from[k]!;
    if (k < 0) throw windowMissesEnd(x.length, lenY);
  }
  path.reverse();
  return { distance: cost[cells.length]!, path };
}
