import { VectorIndex } from '@mixtape/embeddings';
import { describe, expect, it } from 'vitest';
import { createExactNextTracks } from './exact-next';
import { initializeModel, outputEmbeddings, resolveModelConfig } from './model';
import { createNextTrackRecommender } from './serve';
import { buildTransitionPrior, countTransitions } from './transitions';

const NUM_ITEMS = 150;

describe('exact next tracks (offline, whole catalog)', () => {
  it('answers what the FAISS recommender answers with an exact index — tracks and served scores, the prior included — history excluded', async () => {
    const model = initializeModel(resolveModelConfig({ numItems: NUM_ITEMS, dim: 8, maxLength: 6, blocks: 2 }), 9);
    const items = Int32Array.from({ length: 600 }, (_, i) => (i * 37 + (i >> 3)) % NUM_ITEMS);
    model.transitions = buildTransitionPrior(countTransitions({ items, offsets: Int32Array.from({ length: 7 }, (_, r) => r * 100) }, NUM_ITEMS), { alpha: 2, mu: 0.04, gamma: 0.5 });
    const index = VectorIndex.build({ dim: 8, factory: 'Flat', metric: 'ip', ids: Array.from({ length: NUM_ITEMS }, (_, i) => `t${i}`), vectors: outputEmbeddings(model) });
    const recommender = createNextTrackRecommender(model, index);
    const next = createExactNextTracks(model);
    for (const history of [[3], [17, 40, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [37, 74, 111]]) {
      const exact = next(history, 12);
      const served = await recommender.recommend({ history, k: 12 });
      expect(Array.from(exact.tracks)).toEqual(Array.from(served.tracks));
      for (let i = 0; i < exact.scores.length; i++) expect(exact.scores[i]).toBeCloseTo(served.scores[i]!, 4);
      for (const track of history) expect(Array.from(exact.tracks)).not.toContain(track);
    }
    expect(next([], 5).tracks).toHaveLength(0);
    expect(() => next([1], 0)).toThrow('k must be a positive integer');
  });
});
