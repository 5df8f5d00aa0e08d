import { describe, expect, it } from 'vitest';
import { EntitySpace } from './entities';
import { SuggestIndex } from './suggest-index';
import { createSearchFixtureStore } from './testing/index';

describe('SuggestIndex', () => {
  const store = createSearchFixtureStore({ filler: 8000 });
  const entities = new EntitySpace(store);
  const index = SuggestIndex.build(entities);
  const all = () => true;

  it('keeps keys sorted so a prefix is one contiguous range', () => {
    for (let j = 1; j < index.size; j++) expect(index.keyAt(j - 1) <= index.keyAt(j)).toBe(true);
  });

  it('answers a long range from the memo exactly as a fresh scan does', () => {
    let range = 0;
    for (let j = 0; j < index.size; j++) if (index.keyAt(j).startsWith('r')) range++;
    expect(range).toBeGreaterThan(2000); // past the memo threshold
    const scanned = index.complete('r', 10, all);
    const first = index.complete('r', 10, all, undefined, 'all');
    const memoized = index.complete('r', 10, all, undefined, 'all');
    expect(first).toEqual(scanned);
    expect(memoized).toEqual(scanned);
    expect(scanned).toHaveLength(10);
    for (const candidate of scanned) expect(candidate.key.startsWith('r')).toBe(true);
    // best first
    for (let i = 1; i < scanned.length; i++) expect(scanned[i - 1]!.score).toBeGreaterThanOrEqual(scanned[i]!.score);
  });

  it('prewarms long short-prefix ranges with the same answers a scan gives', () => {
    const warmIndex = SuggestIndex.build(entities);
    expect(warmIndex.prewarm(10, all, 'all')).toBeGreaterThan(0);
    expect(warmIndex.complete('r', 10, all, undefined, 'all')).toEqual(index.complete('r', 10, all));
  });

  it('returns each entity once, with its best key', () => {
    const codes = index.complete('glory', 10, all).map((candidate) => candidate.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
