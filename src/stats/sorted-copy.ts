/** An ascending copy of a sample as a Float64Array (its default sort is numeric, unlike Array.prototype.sort). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}
