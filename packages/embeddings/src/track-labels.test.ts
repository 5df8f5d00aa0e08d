import { CatalogStore } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { trackIndexByLabel } from './track-labels';
import { VectorIndex } from './vector-index';

describe('trackIndexByLabel', () => {
  it('maps every FAISS label to its catalog track, -1 for ids the catalog does not hold', () => {
    const store = CatalogStore.fromCatalog({
      artists: [{ id: 'a1', name: 'Alpha', genres: [] }],
      albums: [],
      tracks: ['t1', 't2', 't3'].map((id) => ({ id, title: id, artistIds: ['a1'], durationMs: 1000, explicit: false, popularity: 0, genres: [], subgenres: [] })),
    });
    const index = VectorIndex.create({ dim: 2, metric: 'ip' });
    index.add(['t3', 'gone', 't1'], Float32Array.from([1, 0, 0, 1, 1, 1]));
    expect(Array.from(trackIndexByLabel(index, store))).toEqual([2, -1, 0]);
  });
});
