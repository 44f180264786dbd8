/** Mid-ranks of a sample and the sizes of its groups of tied values. */
export interface AverageRanks {
  /** 1-based ranks in input order; tied values share the mean of the ranks they span. */
  ranks: Float64Array;
  /** One entry per distinct value, in ascending order of value: how many times it occurs. */
  tieCounts: number[];
}

/** Ranks with ties averaged, as `scipy.stats.rankdata(values, method='average')`. */
export function averageRanks(values: readonly number[]): AverageRanks {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const ranks = new Float64Array(n);
  const tieCounts: number[] = [];
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const count = end - start;
    const rank = start + 1 + (count - 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    tieCounts.push(count);
    start = end;
  }
  return { ranks, tieCounts };
}
