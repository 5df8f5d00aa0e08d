import { describe, expect, it } from 'vitest';
import { buildCsr } from '@mixtape/embeddings';
import { userHoldoutSplit } from '../splits';
import { plantedClusters } from '../testing/oracle';
import { createBlendRecommender } from './blend';
import { createItemKnnRecommender } from './item-knn';
import { createPopularityRecommender } from './popularity';
import { createModelRegistry } from './registry';

const data = plantedClusters({ users: 120, itemsPerCluster: 30, clusters: 4, perUser: 12, seed: 5 });
const split = userHoldoutSplit(buildCsr(data, { rows: data.rows, cols: data.cols }), { seed: 3 });

describe('blend', () => {
  it('with one component ranks exactly like that component', async () => {
    const knn = createItemKnnRecommender();
    await knn.fit(split.train);
    const blend = createBlendRecommender([{ model: createItemKnnRecommender(), weight: 2 }]);
    await blend.fit(split.train);
    const batch = { seeds: split.train, rows: split.evalRows };
    expect(Array.from(blend.recommend(batch, 10).items)).toEqual(Array.from(knn.recommend(batch, 10).items));
  });

  it('moves toward the heavier component', async () => {
    const batch = { seeds: split.train, rows: split.evalRows.subarray(0, 20) };
    const popularity = createPopularityRecommender();
    await popularity.fit(split.train);
    const heavyPopularity = createBlendRecommender([
      { model: createPopularityRecommender(), weight: 100 },
      { model: createItemKnnRecommender(), weight: 0.01 },
    ]);
    await heavyPopularity.fit(split.train);
    const top = (r: { items: Int32Array }): number[] => Array.from(r.items.subarray(0, 3));
    expect(top(heavyPopularity.recommend(batch, 10))).toEqual(top(popularity.recommend(batch, 10)));
  });

  it('is built from a registry spec and rejects bad weights', () => {
    const registry = createModelRegistry();
    expect(registry.create('blend(item-knn:neighbors=10@1+popularity@0.5)').name).toBe('blend(1×item-knn (cosine) + 0.5×popularity)');
    expect(() => registry.create('blend(item-knn@0)')).toThrow(/weight after "@" must be a positive number/);
  });
});
