// Top-K selection over a full-catalog score vector with a bounded min-heap: O(n log k), no
// sort of the whole catalog. Ties go to the lower item index so results are deterministic.

/** "worse" = lower score, or equal score with higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * Puts (score, item) at the root of a min-heap of `size` entries (worst at the root) and sifts it
 * down to its place: replaces the worst kept entry, or refills the root after a pop.
 */
export function topKHeapReplaceRoot(heapScores: Float64Array, heapItems: Int32Array, size: number, score: number, item: number): void {
  let pos = 0;
  for (;;) {
    const left = 2 * pos + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    if (right < size && worse(heapScores[right]!, heapItems[right]!, heapScores[left]!, heapItems[left]!)) child = right;
    if (!worse(heapScores[child]!, heapItems[child]!, score, item)) break;
    heapScores[pos] = heapScores[child]!;
    heapItems[pos] = heapItems[child]!;
    pos = child;
  }
  heapScores[pos] = score;
  heapItems[pos] = item;
}

/** Adds (score, item) to a min-heap of `size` entries (its new size is size + 1) and sifts it up. */
export function topKHeapPush(heapScores: Float64Array, heapItems: Int32Array, size: number, score: number, item: number): void {
  let pos = size;
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    if (!worse(score, item, heapScores[parent]!, heapItems[parent]!)) break;
    heapScores[pos] = heapScores[parent]!;
    heapItems[pos] = heapItems[parent]!;
    pos = parent;
  }
  heapScores[pos] = score;
  heapItems[pos] = item;
}

/**
 * Writes the k best items of scores[offset .. offset + length) (as indices 0..length-1) into
 * outItems/outScores at outOffset, best first. Items scored -Infinity are never returned;
 * unused slots get item -1 and score -Infinity. Returns how many items were written.
 */
export function selectTopK(
  scores: Float32Array,
  k: number,
  outItems: Int32Array,
  outScores: Float32Array,
  offset = 0,
  length = scores.length - offset,
  outOffset = 0,
): number {
  const heapItems = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < length; i++) {
    const s = scores[offset + i]!;
    if (s === -Infinity || Number.isNaN(s)) continue;
    if (size < k) topKHeapPush(heapScores, heapItems, size++, s, i);
    else if (k > 0 && worse(heapScores[0]!, heapItems[0]!, s, i)) topKHeapReplaceRoot(heapScores, heapItems, size, s, i); // replace the worst kept item
  }
  // Pop the heap from worst to best, filling the output from the back.
  const count = size;
  for (let slot = count - 1; slot >= 0; slot--) {
    outItems[outOffset + slot] = heapItems[0]!;
    outScores[outOffset + slot] = heapScores[0]!;
    size--;
    topKHeapReplaceRoot(heapScores, heapItems, size, heapScores[size]!, heapItems[size]!);
  }
  for (let slot = count; slot < k; slot++) {
    outItems[outOffset + slot] = -1;
    outScores[outOffset + slot] = -Infinity;
  }
  return count;
}
