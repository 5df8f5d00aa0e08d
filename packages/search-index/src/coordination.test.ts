import { CatalogStore, type Track } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from './index';

const track = (id: string, title: string, artistIds: string[], albumId: string, popularity: number): Track => ({
  id, title, artistIds, albumId, popularity, durationMs: 200_000, explicit: false, genres: ['pop'], subgenres: [],
});

describe('coordination', () => {
  it('ranks the track matching every query word above albums that match only the rare artist word', () => {
    const store = CatalogStore.fromCatalog({
      artists: [{ id: 'a1', name: 'Nelze', genres: ['pop'] }, { id: 'a2', name: 'Ines Calloway', genres: ['pop'] }],
      albums: [
        { id: 'al1', title: 'Nelze', artistId: 'a1' },
        { id: 'al2', title: 'Nelze', artistId: 'a1' },
        { id: 'al3', title: 'Night Drive', artistId: 'a1' },
      ],
      tracks: [
        track('t1', 'All My Fire', ['a1'], 'al3', 40),
        track('t2', 'Blue (feat. Nelze)', ['a2', 'a1'], 'al1', 90),
        track('t3', 'All My Static', ['a1'], 'al2', 90),
        track('t4', 'Fire Escape', ['a2'], 'al1', 95),
        ...Array.from({ length: 40 }, (_, i) => track(`f${i}`, `All My Song ${i}`, ['a2'], 'al3', 50)),
      ],
    });
    const engine = buildSearchIndex(store, { content: false });
    for (const query of ['all my fire nelze', 'all my fire nleze']) {
      expect(engine.search(query, { limit: 3 }).results[0], query).toMatchObject({ type: 'track', id: 't1' });
    }
  });
});
