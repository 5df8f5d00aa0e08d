/**
 * The dense index of `key` in `keys`, appending it (and recording it in `indexByKey`) on first
 * sight: how builders turn ids and names into the column indexes they store.
 */
export function internIndex(keys: string[], indexByKey: Map<string, number>, key: string): number {
  let index = indexByKey.get(key);
  if (index === undefined) {
    index = keys.length;
    keys.push(key);
    indexByKey.set(key, index);
  }
  return index;
}
