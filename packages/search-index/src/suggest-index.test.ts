import { describe, expect, it } from 'vitest';
import { EntitySpace } from './entities';
import { SuggestIndex } from './suggest-index';
import { createSearchFixtureStore } from './testing/index';

describe('SuggestIndex', () => {
  const store = createSearchFixtureStore({ filler: 8000 });
  const entities = new EntitySpace(store);
  const index = SuggestIndex.build(entities);
  const all = () => true;

  // the reference: every key of the range scored, each entity once with its best key
  function scanned(prefix: string, limit: number, accept: (code: number) => boolean, boost?: (code: number) => number) {
    const best = new Map<number, number>();
    for (let j = 0; j < index.size; j++) {
      const key = index.keyAt(j);
      if (!key.startsWith(prefix) || !accept(index.arrays.codes[j]!)) continue;
      const code = index.arrays.codes[j]!;
      let score = entities.prior[code]!;
      if (index.arrays.kinds[j] === 0 && index.arrays.offsets[j] === 0) score += 0.5;
      if (index.arrays.kinds[j] === 1) score += 0.4;
      if (key === prefix) score += 0.3;
      if (entities.typeOf(code) === 'album') score -= 0.05;
      if (boost) score += boost(code);
      best.set(code, Math.max(best.get(code) ?? -1, score));
    }
    return [...best.values()].sort((a, b) => b - a).slice(0, limit);
  }

  it('keeps keys sorted so a prefix is one contiguous range', () => {
    for (let j = 1; j < index.size; j++) expect(index.keyAt(j - 1) <= index.keyAt(j)).toBe(true);
  });

  it('answers long ranges with the same best scores an exhaustive scan finds', () => {
    for (const prefix of ['r', 'th', 'lo', 'glory', 'halo']) {
      const answer = index.complete(prefix, 10, all);
      expect(answer.map((candidate) => Math.fround(candidate.score)), prefix).toEqual(scanned(prefix, 10, all).map((score) => Math.fround(score)));
      for (const candidate of answer) expect(candidate.key.startsWith(prefix)).toBe(true);
    }
  });

  it('stays exact with a type filter and a per-entity boost', () => {
    const artistsOnly = (code: number) => entities.typeOf(code) === 'artist';
    const boost = (code: number) => (code % 7 === 0 ? 0.5 : 0);
    const answer = index.complete('r', 8, artistsOnly, boost, { maxBoost: 0.5 });
    expect(answer.map((candidate) => Math.fround(candidate.score))).toEqual(scanned('r', 8, artistsOnly, boost).map((score) => Math.fround(score)));
    for (const candidate of answer) expect(entities.typeOf(candidate.code)).toBe('artist');
  });

  it('returns each entity once, with its best key', () => {
    const codes = index.complete('glory', 10, all).map((candidate) => candidate.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
