import { Random } from '@mixtape/base';
import { nameText } from '@mixtape/language';
import { describe, expect, it } from 'vitest';
import { EntitySpace } from './entities';
import { IMPACT, buildInvertedIndex } from './inverted-index';
import { createSearchFixtureStore } from './testing/index';
import { topK, type QueryGroup } from './top-k';

// Exhaustive scoring: every posting of every variant, the same formula as top-k.ts.
function bruteForce(index: ReturnType<typeof buildInvertedIndex>, groups: QueryGroup[], boost: (code: number) => number, k: number) {
  const scores = new Map<number, { sums: number[] }>();
  const { termStarts, impacts, docCodes } = index.arrays;
  const docs = Array.from(index.arrays.docs, (doc) => docCodes[doc]!);
  groups.forEach((group, g) => {
    for (const { term, weight } of group.variants) {
      for (let p = termStarts[term]!; p < termStarts[term + 1]!; p++) {
        const doc = docs[p]!;
        const entry = scores.get(doc) ?? { sums: groups.map(() => 0) };
        entry.sums[g] = Math.max(entry.sums[g]!, weight * index.idf[term]! * IMPACT[impacts[p]!]!);
        scores.set(doc, entry);
      }
    }
  });
  return [...scores.entries()]
    .map(([doc, { sums }]) => {
      const matched = sums.filter((value) => value > 0).length;
      return { doc, score: sums.reduce((a, b) => a + b, 0) * (matched / groups.length) * boost(doc) };
    })
    // ties: the document numbered first (the more popular one)
    .sort((a, b) => b.score - a.score || index.docOf(a.doc) - index.docOf(b.doc))
    .slice(0, k);
}

describe('topK (block-max MaxScore)', () => {
  const store = createSearchFixtureStore({ filler: 6000 });
  const entities = new EntitySpace(store);
  const index = buildInvertedIndex(entities, store.columns.genreNames.map((name) => nameText(name)));
  const boost = (doc: number) => 1 + 0.3 * entities.prior[doc]!;

  it('returns exactly the exhaustive top k for random multi-word queries with variants', () => {
    const random = new Random(11);
    // frequent terms half the time, so the heap fills and whole groups become non-essential
    const frequent = Array.from({ length: index.termCount }, (_, t) => t).sort((a, b) => index.documentFrequency(b) - index.documentFrequency(a)).slice(0, 60);
    const pick = () => (random.next() < 0.5 ? frequent[random.int(frequent.length)]! : random.int(index.termCount));
    for (let trial = 0; trial < 60; trial++) {
      const groups: QueryGroup[] = [];
      const groupCount = 1 + random.int(4);
      for (let g = 0; g < groupCount; g++) {
        const variants = [{ term: pick(), weight: 1 }];
        if (random.next() < 0.4) variants.push({ term: pick(), weight: 0.5 });
        groups.push({ variants });
      }
      const k = [1, 5, 20][trial % 3]!;
      const fast = topK(index, groups, { k, accept: () => true, boost, maxBoost: 1.3 });
      const exact = bruteForce(index, groups, boost, k);
      expect(fast.map((hit) => hit.doc), `trial ${trial}`).toEqual(exact.map((hit) => hit.doc));
      fast.forEach((hit, i) => expect(hit.score).toBeCloseTo(exact[i]!.score, 5));
    }
  });

  it('stops early on the popularity bound and scores forced (exact-name) documents: still the exhaustive top k', () => {
    const random = new Random(5);
    const frequent = Array.from({ length: index.termCount }, (_, t) => t).sort((a, b) => index.documentFrequency(b) - index.documentFrequency(a)).slice(0, 40);
    for (let trial = 0; trial < 40; trial++) {
      const groups: QueryGroup[] = [];
      for (let g = 0, count = 1 + random.int(3); g < count; g++) groups.push({ variants: [{ term: frequent[random.int(frequent.length)]!, weight: 1 }] });
      // a few documents get an extra boost no bound covers: they must be passed as forced
      const special = new Set<number>();
      const postings = index.arrays;
      const term = groups[0]!.variants[0]!.term;
      for (let p = postings.termStarts[term]!; p < postings.termStarts[term + 1]!; p += 37) special.add(postings.docCodes[postings.docs[p]!]!);
      const boosted = (code: number) => boost(code) + (special.has(code) ? 0.5 : 0);
      const k = [1, 5, 20][trial % 3]!;
      const exact = bruteForce(index, groups, boosted, k);
      // forcedExtra bounds the forced boost: forced documents are scored only while they can still enter
      for (const forcedExtra of [undefined, 0.5]) {
        const fast = topK(index, groups, { k, accept: () => true, boost: boosted, maxBoost: 1, popularity: 0.3, forced: [...special], forcedExtra });
        expect(fast.map((hit) => hit.doc), `trial ${trial}, forcedExtra ${forcedExtra}`).toEqual(exact.map((hit) => hit.doc));
      }
    }
  });

  it('queries of 3–7 mid-frequency words (several essential groups): still the exhaustive top k', () => {
    const random = new Random(23);
    // no single word's bound can lift a document alone once the heap is full
    const byFrequency = Array.from({ length: index.termCount }, (_, t) => t).sort((a, b) => index.documentFrequency(b) - index.documentFrequency(a));
    const middle = byFrequency.slice(0, 200);
    for (let trial = 0; trial < 60; trial++) {
      const groups: QueryGroup[] = [];
      for (let g = 0, count = 3 + random.int(5); g < count; g++) {
        const variants = [{ term: middle[random.int(middle.length)]!, weight: 1 }];
        if (random.next() < 0.3) variants.push({ term: middle[random.int(middle.length)]!, weight: 0.6 });
        groups.push({ variants });
      }
      const k = [1, 3, 10][trial % 3]!;
      const exact = bruteForce(index, groups, boost, k);
      const fast = topK(index, groups, { k, accept: () => true, boost, maxBoost: 1.3, popularity: trial % 2 === 0 ? 0.3 : 0 });
      expect(fast.map((hit) => hit.doc), `trial ${trial}`).toEqual(exact.map((hit) => hit.doc));
    }
  });

  it('skips what the filter rejects', () => {
    let term = 0;
    for (let t = 1; t < index.termCount; t++) if (index.documentFrequency(t) > index.documentFrequency(term)) term = t;
    const even = topK(index, [{ variants: [{ term, weight: 1 }] }], { k: 10, accept: (doc) => doc % 2 === 0, boost, maxBoost: 1.3 });
    expect(even.length).toBeGreaterThan(0);
    for (const hit of even) expect(hit.doc % 2).toBe(0);
  });
});
