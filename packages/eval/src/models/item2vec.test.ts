import { describe, expect, it } from 'vitest';
import { buildCsr } from '@mixtape/embeddings';
import { evaluateModel } from '../evaluate';
import { userHoldoutSplit } from '../splits';
import { plantedClusters } from '../testing/oracle';
import { createItem2VecRecommender } from './item2vec';

describe('item2vec recommender', () => {
  it('learns planted co-listening clusters and is deterministic', async () => {
    const data = plantedClusters({ users: 160, itemsPerCluster: 25, clusters: 4, perUser: 12, seed: 8 });
    const split = userHoldoutSplit(buildCsr(data, { rows: data.rows, cols: data.cols }), { seed: 2 });
    const options = { dim: 16, epochs: 5, window: 10, minCount: 1, seed: 3 };
    const result = await evaluateModel(createItem2VecRecommender(options), split, { ks: [10], bootstrap: { samples: 50 } });
    const recall = result.metrics.find((m) => m.name === 'Recall@10')!.mean;
    // random would score about 10 · 3 / 91 / 3 ≈ 0.11; the user's own cluster has 3 of 13 unseen items
    expect(recall).toBeGreaterThan(0.3);
    const a = createItem2VecRecommender(options);
    const b = createItem2VecRecommender(options);
    await a.fit(split.train);
    await b.fit(split.train);
    expect(Array.from(a.itemVectors.vectors)).toEqual(Array.from(b.itemVectors.vectors));
  });
});
