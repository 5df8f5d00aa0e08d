import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { benchListeners, seededOrder } from '../bench/sample';

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('the benches’ seeded draws (bench/sample.ts)', () => {
  // Pinned: page-identity compares page bodies of these ids across commits, and bench figures of
  // different sessions are comparable only on the same sample. A change here changes both.
  it('draws the same listener sample as every earlier bench (first ids and a hash of 2,000)', () => {
    const ids = benchListeners({ userCount: 50_000, userId: (index) => `u${index}` }, 2000);
    expect(ids.slice(0, 10)).toEqual(['u28868', 'u22467', 'u36374', 'u42157', 'u47000', 'u19191', 'u28778', 'u40353', 'u30508', 'bench-new-listener-9']);
    expect(ids.filter((id) => id.startsWith('bench-new-listener-'))).toHaveLength(200);
    expect(sha(ids.join('\n'))).toBe('f204366fbf21ff7b');
  });

  it("orders bench:next:http's requests by the same seeded shuffle (a permutation, pinned)", () => {
    expect(Array.from(seededOrder(10, 12345))).toEqual([9, 5, 4, 2, 1, 0, 3, 6, 7, 8]);
    const order = seededOrder(50_000, 54321);
    expect(new Set(order).size).toBe(50_000);
    expect(sha(Array.from(order).join(','))).toBe('5cd17e37fbccbb9a');
    expect(Array.from(seededOrder(0, 1))).toEqual([]);
  });
});
