import { Random } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { sortKeyIds } from './key-sort';

function pack(keys: string[]): { text: Uint16Array; starts: Uint32Array; lengths: Uint32Array } {
  const text = new Uint16Array(keys.reduce((sum, key) => sum + key.length, 0));
  const starts = new Uint32Array(keys.length);
  const lengths = new Uint32Array(keys.length);
  let at = 0;
  keys.forEach((key, j) => {
    starts[j] = at;
    lengths[j] = key.length;
    for (let i = 0; i < key.length; i++) text[at++] = key.charCodeAt(i);
  });
  return { text, starts, lengths };
}

describe('sortKeyIds (multikey quicksort over packed keys)', () => {
  it('orders like a string sort: by code unit, a key before its extensions, equal keys by id', () => {
    const random = new Random(3);
    const alphabet = ['a', 'b', 'c', ' ', 'é', '龍', '1'];
    const keys: string[] = [];
    for (let j = 0; j < 3000; j++) {
      // short keys over a small alphabet: many shared prefixes, duplicates and empty keys
      const length = random.int(7);
      let key = '';
      for (let i = 0; i < length; i++) key += alphabet[random.int(alphabet.length)];
      keys.push(key);
    }
    const { text, starts, lengths } = pack(keys);
    const order = Array.from(sortKeyIds(text, starts, lengths));
    const expected = keys.map((_, j) => j).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    expect(order).toEqual(expected);
  });

  it('handles no keys and one key', () => {
    expect(Array.from(sortKeyIds(new Uint16Array(0), new Uint32Array(0), new Uint32Array(0)))).toEqual([]);
    const { text, starts, lengths } = pack(['solo']);
    expect(Array.from(sortKeyIds(text, starts, lengths))).toEqual([0]);
  });
});
