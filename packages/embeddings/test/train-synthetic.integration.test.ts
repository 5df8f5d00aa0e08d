// The trainers end to end on the catalog's synthetic generator, the way the pipeline uses them:
// interaction log → sessions → item2vec → user vectors, plus content vectors for the catalog.
import { INTERACTION_TYPE_CODE, generateSynthetic } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { cosineBetween, cosineSimilarity } from '@mixtape/base';
import {
  buildSessionCorpus,
  computeUserVectors,
  createContentEncoder,
  encodeCatalogContent,
  fillColdStartVectors,
  fitCatalogFeatureStats,
  trainItem2Vec,
} from '../src/index';
import { SimilarityTally } from './similarity-tally';

const { store, interactions, taste } = generateSynthetic({ tracks: 1500, users: 300, interactions: 300 * 120, seed: 8 });
const { columns, userOffsets } = interactions;
const include = Uint8Array.from(columns.type, (type) => (type === INTERACTION_TYPE_CODE.skip ? 0 : 1));
const primaryGenre = (track: number): number => store.genresOfTrack(track).genres[0] ?? -1;

/** Mean cosine of same-genre pairs minus mean cosine of different-genre pairs, over tracks with vectors. */
function genreSeparation(vectors: Float32Array, dim: number, usable: (track: number) => boolean): number {
  const tally = new SimilarityTally();
  for (let a = 0; a < store.trackCount; a += 5) {
    if (!usable(a) || primaryGenre(a) < 0) continue;
    for (let b = a + 1; b < store.trackCount; b += 9) {
      if (!usable(b) || primaryGenre(b) < 0) continue;
      tally.add(primaryGenre(a) === primaryGenre(b), cosineSimilarity(vectors, dim, a, b));
    }
  }
  expect(tally.sameCount).toBeGreaterThan(20);
  return tally.sameMean - tally.differentMean;
}

describe('trainers on synthetic catalog data', () => {
  it('item2vec over listening sessions puts same-genre tracks closer than other tracks', async () => {
    const corpus = buildSessionCorpus(columns.track, columns.timestamp, userOffsets, { include });
    expect(corpus.offsets.length - 1).toBeGreaterThan(100);
    const model = await trainItem2Vec(corpus, { numItems: store.trackCount, dim: 32, epochs: 5, minCount: 3, threads: 1, seed: 3 });
    const separation = genreSeparation(model.vectors, model.dim, (track) => model.hasVector[track] === 1);
    expect(separation).toBeGreaterThan(0.05); // untrained (random) vectors give ≈ 0

    // user taste vectors point at the user's favourite genre more than at the others
    const users = computeUserVectors(
      { items: columns.track, offsets: userOffsets, timestamps: columns.timestamp, weights: Float32Array.from(include) },
      model.vectors,
      model.dim,
      { halfLifeDays: 60 },
    );
    const genreCentroids = new Float32Array(store.genreCount * model.dim);
    for (let t = 0; t < store.trackCount; t++) {
      const genre = primaryGenre(t);
      if (genre < 0 || !model.hasVector[t]) continue;
      for (let d = 0; d < model.dim; d++) genreCentroids[genre * model.dim + d]! += model.vectors[t * model.dim + d]!;
    }
    let agree = 0;
    let judged = 0;
    for (let u = 0; u < users.numUsers; u++) {
      if (users.itemsUsed[u]! < 10) continue;
      // the user's favourite genre by ground truth, as a catalog genre index
      const weights = taste.genreWeights.subarray(u * taste.genreNames.length, (u + 1) * taste.genreNames.length);
      let favourite = 0;
      for (let g = 1; g < weights.length; g++) if (weights[g]! > weights[favourite]!) favourite = g;
      const favouriteIndex = store.genreIndex(taste.genreNames[favourite]!);
      if (favouriteIndex < 0) continue;
      let best = -1;
      let bestScore = -Infinity;
      for (let g = 0; g < store.genreCount; g++) {
        const score = cosineBetween(users.vectors, u * model.dim, genreCentroids, g * model.dim, model.dim);
        if (score > bestScore) {
          bestScore = score;
          best = g;
        }
      }
      judged++;
      if (best === favouriteIndex) agree++;
    }
    expect(judged).toBeGreaterThan(50);
    expect(agree / judged).toBeGreaterThan(0.7); // chance is 1 in the number of genres
    expect(users.clusterOffsets[users.numUsers]).toBeGreaterThan(users.numUsers); // most users get several clusters
  });

  it('content vectors of the catalog separate genres too', () => {
    const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const vectors = encodeCatalogContent(encoder, store);
    expect(genreSeparation(vectors, encoder.dim, () => true)).toBeGreaterThan(0.3);
  });

  it('places tracks without plays next to their genre through the content projection', async () => {
    // every 10th track never reaches the training corpus: those are the cold-start items
    const cold = (track: number): boolean => track % 10 === 0;
    const warmOnly = Uint8Array.from(include, (keep, e) => (keep && !cold(columns.track[e]!) ? 1 : 0));
    const corpus = buildSessionCorpus(columns.track, columns.timestamp, userOffsets, { include: warmOnly });
    const model = await trainItem2Vec(corpus, { numItems: store.trackCount, dim: 32, epochs: 5, minCount: 3, threads: 1, seed: 3 });
    const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const content = encodeCatalogContent(encoder, store);
    const { vectors, filled } = fillColdStartVectors(model.vectors, model.dim, content, encoder.dim);
    // SGNS vectors share a large common direction (album runs make sessions dense); remove the
    // mean of the learned vectors so that cosine compares the item-specific parts
    const mean = new Float64Array(model.dim);
    let learned = 0;
    for (let t = 0; t < store.trackCount; t++) {
      if (!model.hasVector[t]) continue;
      learned++;
      for (let d = 0; d < model.dim; d++) mean[d]! += vectors[t * model.dim + d]!;
    }
    for (let t = 0; t < store.trackCount; t++) for (let d = 0; d < model.dim; d++) vectors[t * model.dim + d]! -= mean[d]! / learned;
    let coldFilled = 0;
    const tally = new SimilarityTally();
    for (let c = 0; c < store.trackCount; c += 10) {
      if (!filled[c] || primaryGenre(c) < 0) continue;
      coldFilled++;
      for (let w = 1; w < store.trackCount; w += 7) {
        if (cold(w) || !model.hasVector[w] || primaryGenre(w) < 0) continue;
        tally.add(primaryGenre(w) === primaryGenre(c), cosineSimilarity(vectors, model.dim, c, w));
      }
    }
    expect(coldFilled).toBeGreaterThan(100);
    expect(tally.sameMean).toBeGreaterThan(tally.differentMean + 0.05);
  });
});
