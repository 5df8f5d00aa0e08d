// Binary search over an ascending array (typed arrays, numbers or strings).

/** First position in [from, to) of the ascending `sorted` whose value is ≥ `value`; `to` when none is. */
export function lowerBound<T extends number | string>(sorted: ArrayLike<T>, value: T, from = 0, to = sorted.length): number {
  let low = from;
  let high = to;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Position of `value` in [from, to) of the ascending `sorted`, or −1 when it is not there. */
export function indexOfSorted<T extends number | string>(sorted: ArrayLike<T>, value: T, from = 0, to = sorted.length): number {
  const at = lowerBound(sorted, value, from, to);
  return at < to && sorted[at] === value ? at : -1;
}
