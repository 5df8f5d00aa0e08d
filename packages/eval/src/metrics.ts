// Ranking metrics for one query (pure functions) and beyond-accuracy metrics over lists.
// Conventions (stated in every report): binary relevance; a ranked list holds item indices,
// -1 marks an empty slot; Recall@K and MAP@K normalise by min(K, |relevant|) so that a perfect
// list scores 1 even when a user has more relevant items than K (Liang et al. 2018; Steck 2019).

/** Anything that answers membership: a Set<number> in tests, a mask-backed view in the harness. */
export interface RelevanceSet {
  has(item: number): boolean;
  readonly size: number;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k <= 0) throw new RangeError(`metric cutoff K must be a positive integer, got ${k}`);
}

/** Hits in the top K. */
export function hitsAtK(ranked: ArrayLike<number>, relevant: RelevanceSet, k: number): number {
  checkK(k);
  let hits = 0;
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i++) {
    const item = ranked[i]!;
    if (item >= 0 && relevant.has(item)) hits++;
  }
  return hits;
}

/** Hits in the top K divided by min(K, |relevant|); 0 when nothing is relevant. */
export function recallAtK(ranked: ArrayLike<number>, relevant: RelevanceSet, k: number): number {
  if (relevant.size === 0) return 0;
  return hitsAtK(ranked, relevant, k) / Math.min(k, relevant.size);
}

/** Binary-gain NDCG: Σ 1/log2(rank+1) over hits, over the ideal DCG of min(K, |relevant|) hits. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: RelevanceSet, k: number): number {
  checkK(k);
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i++) {
    const item = ranked[i]!;
    if (item >= 0 && relevant.has(item)) dcg += 1 / Math.log2(i + 2);
  }
  let ideal = 0;
  const idealHits = Math.min(k, relevant.size);
  for (let i = 0; i < idealHits; i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** 1 / rank of the first relevant item within the top K, 0 if none (MRR@K per query). */
export function reciprocalRankAtK(ranked: ArrayLike<number>, relevant: RelevanceSet, k: number): number {
  checkK(k);
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i++) {
    const item = ranked[i]!;
    if (item >= 0 && relevant.has(item)) return 1 / (i + 1);
  }
  return 0;
}

/** 1 if any relevant item is in the top K, else 0. */
export function hitRateAtK(ranked: ArrayLike<number>, relevant: RelevanceSet, k: number): number {
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/** Average precision at K: Σ precision@i over hit positions i ≤ K, divided by min(K, |relevant|). */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: RelevanceSet, k: number): number {
  checkK(k);
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i++) {
    const item = ranked[i]!;
    if (item >= 0 && relevant.has(item)) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(k, relevant.size);
}

/** Items of the top K of a list, -1 slots dropped. */
function topItems(ranked: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i++) if (ranked[i]! >= 0) out.push(ranked[i]!);
  return out;
}

/**
 * Intra-list diversity by vectors: mean pairwise cosine distance (1 − cos) among the top K.
 * vectors is row-major numItems × dim. Lists with fewer than two items score 0.
 */
export function intraListDiversityByVectors(
  ranked: ArrayLike<number>,
  k: number,
  vectors: Float32Array,
  dim: number,
): number {
  checkK(k);
  const items = topItems(ranked, k);
  if (items.length < 2) return 0;
  const norms = items.map((item) => {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += vectors[item * dim + d]! ** 2;
    return Math.sqrt(sum);
  });
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      let dot = 0;
      const oa = items[a]! * dim;
      const ob = items[b]! * dim;
      for (let d = 0; d < dim; d++) dot += vectors[oa + d]! * vectors[ob + d]!;
      const denominator = norms[a]! * norms[b]!;
      total += denominator > 0 ? 1 - dot / denominator : 1;
      pairs++;
    }
  }
  return total / pairs;
}

/**
 * Intra-list diversity by artist: the share of item pairs in the top K by different artists
 * (unknown artist, -1, counts as different from everything). 1 = no artist repeats.
 */
export function intraListDiversityByArtist(ranked: ArrayLike<number>, k: number, itemArtist: Int32Array): number {
  checkK(k);
  const items = topItems(ranked, k);
  if (items.length < 2) return 0;
  let different = 0;
  let pairs = 0;
  for (let a = 0; a < items.length; a++) {
    const artistA = itemArtist[items[a]!] ?? -1;
    for (let b = a + 1; b < items.length; b++) {
      const artistB = itemArtist[items[b]!] ?? -1;
      if (artistA < 0 || artistA !== artistB) different++;
      pairs++;
    }
  }
  return different / pairs;
}

/**
 * Novelty: mean self-information −log2 p(i) of the top K, p(i) = (users of i + 1) / (users + 1)
 * in training (add-one so unseen items stay finite). Higher = less popular items.
 */
export function noveltyAtK(ranked: ArrayLike<number>, k: number, itemUsers: Int32Array, numUsers: number): number {
  checkK(k);
  const items = topItems(ranked, k);
  if (items.length === 0) return 0;
  let sum = 0;
  for (const item of items) sum -= Math.log2((itemUsers[item]! + 1) / (numUsers + 1));
  return sum / items.length;
}

/**
 * Popularity bias as average recommendation popularity: the mean share of training users who
 * have each top-K item (0..1). Compare with the same figure for the held-out items.
 */
export function averagePopularityAtK(ranked: ArrayLike<number>, k: number, itemUsers: Int32Array, numUsers: number): number {
  checkK(k);
  const items = topItems(ranked, k);
  if (items.length === 0 || numUsers === 0) return 0;
  let sum = 0;
  for (const item of items) sum += itemUsers[item]! / numUsers;
  return sum / items.length;
}

/**
 * Catalog coverage: the share of catalog items that appear in at least one top-K list.
 * lists is row-major (numLists × stride), -1 slots ignored.
 */
export function catalogCoverageAtK(lists: Int32Array, stride: number, k: number, numItems: number): number {
  checkK(k);
  if (numItems === 0) return 0;
  const seen = new Uint8Array(numItems);
  let distinct = 0;
  const limit = Math.min(k, stride);
  for (let offset = 0; offset < lists.length; offset += stride) {
    for (let i = 0; i < limit; i++) {
      const item = lists[offset + i]!;
      if (item >= 0 && seen[item] === 0) {
        seen[item] = 1;
        distinct++;
      }
    }
  }
  return distinct / numItems;
}
