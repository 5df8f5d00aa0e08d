import { describe, expect, it } from 'vitest';
import {
  averagePopularityAtK,
  averagePrecisionAtK,
  catalogCoverageAtK,
  hitRateAtK,
  intraListDiversityByArtist,
  intraListDiversityByVectors,
  ndcgAtK,
  noveltyAtK,
  recallAtK,
  reciprocalRankAtK,
} from './metrics';

// Hits at ranks 2 (item 1) and 4 (item 2); item 5 is relevant but never recommended.
const ranked = Int32Array.from([3, 1, 7, 2, 9]);
const relevant = new Set([1, 2, 5]);

describe('ranking metrics (hand-computed)', () => {
  it('recall normalises by min(K, |relevant|)', () => {
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 2, 12);
    expect(recallAtK(ranked, relevant, 1)).toBe(0);
    expect(recallAtK(ranked, new Set<number>(), 5)).toBe(0);
  });

  it('NDCG uses log2(rank + 1) discounts and the ideal of min(K, |relevant|) hits', () => {
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(dcg / ideal, 12);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(0.498192, 5);
    expect(ndcgAtK(Int32Array.from([1, 2, 5]), relevant, 3)).toBeCloseTo(1, 12);
  });

  it('MRR, hit rate and MAP', () => {
    expect(reciprocalRankAtK(ranked, relevant, 5)).toBe(0.5);
    expect(reciprocalRankAtK(ranked, relevant, 1)).toBe(0);
    expect(hitRateAtK(ranked, relevant, 1)).toBe(0);
    expect(hitRateAtK(ranked, relevant, 2)).toBe(1);
    // (1/2 + 2/4) / min(5, 3)
    expect(averagePrecisionAtK(ranked, relevant, 5)).toBeCloseTo(1 / 3, 12);
    expect(averagePrecisionAtK(Int32Array.from([1, 2, 5]), relevant, 3)).toBeCloseTo(1, 12);
  });

  it('ignores empty (-1) slots and rejects a bad K', () => {
    expect(recallAtK(Int32Array.from([-1, 1, -1]), relevant, 3)).toBeCloseTo(1 / 3, 12);
    expect(() => recallAtK(ranked, relevant, 0)).toThrow(/positive integer/);
  });
});

describe('beyond-accuracy metrics (hand-computed)', () => {
  it('catalog coverage counts distinct items over all lists', () => {
    const lists = Int32Array.from([0, 1, 1, 2]);
    expect(catalogCoverageAtK(lists, 2, 2, 10)).toBeCloseTo(0.3, 12);
    expect(catalogCoverageAtK(lists, 2, 1, 10)).toBeCloseTo(0.2, 12);
  });

  it('novelty is mean add-one self-information', () => {
    const itemUsers = Int32Array.from([3, 1]);
    // −log2(4/4) = 0, −log2(2/4) = 1
    expect(noveltyAtK(Int32Array.from([0, 1]), 2, itemUsers, 3)).toBeCloseTo(0.5, 12);
    expect(averagePopularityAtK(Int32Array.from([0, 1]), 2, itemUsers, 3)).toBeCloseTo((1 + 1 / 3) / 2, 12);
  });

  it('intra-list diversity by artist and by vectors', () => {
    const list = Int32Array.from([0, 1, 2]);
    expect(intraListDiversityByArtist(list, 3, Int32Array.from([5, 5, 6]))).toBeCloseTo(2 / 3, 12);
    const vectors = Float32Array.from([1, 0, 0, 1, 1, 0]);
    expect(intraListDiversityByVectors(list, 3, vectors, 2)).toBeCloseTo(2 / 3, 6);
    expect(intraListDiversityByArtist(Int32Array.from([0]), 3, Int32Array.from([1]))).toBe(0);
  });
});
