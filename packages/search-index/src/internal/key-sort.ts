// Sorting millions of typeahead keys without making a string per key: every key's text lives in
// one Uint16Array (UTF-16 code units) and a key is (start, length) into it; key ids are sorted by
// a multikey quicksort (Bentley & Sedgewick 1997) — three-way partitions on one character
// position at a time, each key's character at that position read once per partition step.
// Order: code unit by code unit, a key before its own extensions, equal keys by id.

/** Below this many keys a range is finished by insertion sort. */
const SMALL = 12;

/**
 * Key ids 0..n−1 sorted by their text. `text` holds every key's code units; key j is
 * text[starts[j], starts[j] + lengths[j]).
 */
export function sortKeyIds(text: Uint16Array, starts: Uint32Array, lengths: Uint32Array): Uint32Array {
  const n = starts.length;
  const ids = new Uint32Array(n);
  for (let j = 0; j < n; j++) ids[j] = j;
  if (n < 2) return ids;
  /** the character of ids[i] at the current depth (−1 past its end), filled per partition */
  const chars = new Int32Array(n);
  // explicit stack of (low, high, depth): a key can be hundreds of characters long
  let stack = new Int32Array(3 * 64);
  let top = 0;
  const push = (low: number, high: number, depth: number): void => {
    if (high - low < 2) return;
    if (top + 3 > stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = low;
    stack[top++] = high;
    stack[top++] = depth;
  };
  push(0, n, 0);
  while (top > 0) {
    const depth = stack[--top]!;
    const high = stack[--top]!;
    const low = stack[--top]!;
    if (high - low < SMALL) {
      insertionSort(ids, low, high, depth, text, starts, lengths);
      continue;
    }
    for (let i = low; i < high; i++) {
      const id = ids[i]!;
      chars[i] = depth < lengths[id]! ? text[starts[id]! + depth]! : -1;
    }
    const pivot = median(chars[low]!, chars[(low + high) >>> 1]!, chars[high - 1]!);
    // Dijkstra's three-way partition: [low, lt) < pivot, [lt, i) = pivot, (gt, high) > pivot
    let lt = low;
    let gt = high - 1;
    let i = low;
    while (i <= gt) {
      const c = chars[i]!;
      if (c < pivot) {
        swap(ids, chars, lt++, i++);
      } else if (c > pivot) {
        swap(ids, chars, i, gt--);
      } else i++;
    }
    push(low, lt, depth);
    push(gt + 1, high, depth);
    // the equal part: identical keys when every one ended here (then by id), else the next position
    if (pivot < 0) ids.subarray(lt, gt + 1).sort();
    else push(lt, gt + 1, depth + 1);
  }
  return ids;
}

function median(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

function swap(ids: Uint32Array, chars: Int32Array, a: number, b: number): void {
  const id = ids[a]!;
  ids[a] = ids[b]!;
  ids[b] = id;
  const c = chars[a]!;
  chars[a] = chars[b]!;
  chars[b] = c;
}

function insertionSort(ids: Uint32Array, low: number, high: number, depth: number, text: Uint16Array, starts: Uint32Array, lengths: Uint32Array): void {
  for (let i = low + 1; i < high; i++) {
    const id = ids[i]!;
    let j = i;
    while (j > low && compareFrom(ids[j - 1]!, id, depth, text, starts, lengths) > 0) {
      ids[j] = ids[j - 1]!;
      j--;
    }
    ids[j] = id;
  }
}

/** Compares keys a and b from position `depth` on (the positions before are equal). */
function compareFrom(a: number, b: number, depth: number, text: Uint16Array, starts: Uint32Array, lengths: Uint32Array): number {
  const lengthA = lengths[a]!;
  const lengthB = lengths[b]!;
  const startA = starts[a]!;
  const startB = starts[b]!;
  const end = Math.min(lengthA, lengthB);
  for (let d = depth; d < end; d++) {
    const diff = text[startA + d]! - text[startB + d]!;
    if (diff !== 0) return diff;
  }
  return lengthA - lengthB || a - b;
}
