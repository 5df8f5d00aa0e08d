// Index sorts over typed arrays without comparator callbacks: keys are packed with the
// index into one float64 (key * 2^24 + index) and sorted natively, which is stable by index
// and several times faster than Int32Array#sort with a comparator at 1M rows.

const INDEX_BITS = 2 ** 24;

/**
 * Returns the indices of `keys` ordered by ascending key, ties by ascending index.
 * Keys must be non-negative integers below 2^28.
 */
export function argsortIntegerKeys(keys: ArrayLike<number>, count = keys.length): Int32Array {
  const order = new Int32Array(count);
  if (count < INDEX_BITS) {
    const packed = new Float64Array(count);
    for (let i = 0; i < count; i++) packed[i] = (keys[i] as number) * INDEX_BITS + i;
    packed.sort();
    for (let i = 0; i < count; i++) order[i] = (packed[i] as number) % INDEX_BITS;
    return order;
  }
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  return order;
}

/** Builds CSR offsets (length groups + 1) from a group id per item. */
export function countingOffsets(groupOf: ArrayLike<number>, groups: number): Uint32Array {
  const offsets = new Uint32Array(groups + 1);
  for (let i = 0; i < groupOf.length; i++) {
    const group = groupOf[i] as number;
    if (group >= 0) offsets[group + 1]!++;
  }
  for (let g = 0; g < groups; g++) offsets[g + 1] = (offsets[g + 1] as number) + (offsets[g] as number);
  return offsets;
}
