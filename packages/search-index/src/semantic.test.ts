import { Random } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { SemanticModel, semanticFeatures, topItems, trainSemanticModel } from './semantic';

// Two clusters of unit item vectors (around +e0 and +e1); playlists named after their cluster.
function world() {
  const dim = 8;
  const random = new Random(3);
  const itemCount = 200;
  const vectors = new Float32Array(itemCount * dim);
  for (let i = 0; i < itemCount; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const value = (d === (i < 100 ? 0 : 1) ? 3 : 0) + random.gaussian() * 0.5;
      vectors[i * dim + d] = value;
      norm += value * value;
    }
    for (let d = 0; d < dim; d++) vectors[i * dim + d]! /= Math.sqrt(norm);
  }
  const playlists = Array.from({ length: 40 }, (_, p) => {
    const heavy = p % 2 === 0;
    const names = heavy ? ['Heavy Riffs', 'Heavy Workout', 'Gym Riffs'] : ['Calm Evening', 'Sleepy Calm', 'Evening Piano'];
    const items = Array.from({ length: 15 }, () => (heavy ? 0 : 100) + random.int(100));
    return { name: names[p % 3]!, items };
  });
  return { dim, vectors, playlists };
}

describe('semantic text → track model', () => {
  const { dim, vectors, playlists } = world();

  it('uses words and adjacent pairs as features', () => {
    expect(semanticFeatures('Sad Girl Autumn')).toEqual(['sad', 'girl', 'autumn', 'sad girl', 'girl autumn']);
  });

  for (const method of ['regression', 'two-tower'] as const) {
    it(`${method}: a name word points at its playlists' cluster, unseen words give nothing`, () => {
      const model = trainSemanticModel(playlists, vectors, dim, { method, seed: 1 });
      const heavy = topItems(model.encode('heavy')!.vector, vectors, dim, 20);
      const calm = topItems(model.encode('calm piano')!.vector, vectors, dim, 20);
      expect(Array.from(heavy).filter((item) => item < 100).length).toBeGreaterThanOrEqual(18);
      expect(Array.from(calm).filter((item) => item >= 100).length).toBeGreaterThanOrEqual(18);
      expect(model.encode('zydeco')).toBeUndefined();
      expect(model.encode('heavy riffs')!.known).toEqual(['heavy riffs']);
    });
  }

  it('refuses vectors that do not match the vocabulary', () => {
    expect(() => new SemanticModel('regression', 4, ['a', 'b'], new Float32Array(7))).toThrow(/needs 8 values/);
  });
});
