import { describe, expect, it } from 'vitest';
import { CatalogBuilder, CatalogStore, generateSynthetic } from '@mixtape/catalog';
import { chooseHomePopularity, describeHomePopularity } from './popularity';

describe('chooseHomePopularity', () => {
  const { store } = generateSynthetic({ seed: 3, tracks: 200, users: 20, interactions: 1_000 });

  it('auto: the log’s listener counts when the importer counted popularity from the same events (key or known source)', () => {
    expect(chooseHomePopularity(store, { source: 'mpd', details: { popularityFrom: 'interactions' } })).toEqual({
      popularity: 'log',
      reason: 'the mpd importer counted the catalog’s popularity from the same events, held-out ones included',
    });
    expect(chooseHomePopularity(store, { source: 'lastfm-hetrec' }).popularity).toBe('log');
  });

  it('auto: the catalog’s own figure otherwise; explicit settings win either way', () => {
    expect(chooseHomePopularity(store, { source: 'tidytuesday' })).toEqual({ popularity: 'catalog', reason: 'the tidytuesday data’s own figure, not counted from its events' });
    expect(chooseHomePopularity(store, { source: 'mpd' }, 'catalog').popularity).toBe('catalog');
    expect(chooseHomePopularity(store, { source: 'tidytuesday' }, 'log')).toEqual({ popularity: 'log', reason: 'set by homeRanker.popularity=log' });
  });

  it('auto: the log’s listener counts when the catalog gives every track the same popularity (an events import without the column)', () => {
    const builder = new CatalogBuilder();
    builder.addArtist({ id: 'a', name: 'A', genres: [] });
    builder.addAlbum({ id: 'al', title: 'Album', artistId: 'a' });
    for (let i = 0; i < 3; i++) builder.addTrack({ id: `t${i}`, title: `t${i}`, artistIds: ['a'], albumId: 'al', durationMs: 1000, explicit: false, popularity: 0, genres: [], subgenres: [] });
    const flat = new CatalogStore(builder.build());
    expect(chooseHomePopularity(flat, { source: 'events' })).toEqual({ popularity: 'log', reason: 'the catalog gives every track the same popularity (0)' });
  });

  it('refuses a setting it does not know, naming the choices', () => {
    expect(() => chooseHomePopularity(store, { source: 'mpd' }, 'listeners')).toThrow('homeRanker.popularity: expected one of auto, catalog, log (auto: the log\'s listener counts when the dataset\'s popularity came from its own events), got "listeners"');
    expect(describeHomePopularity('log')).toBe('the log’s listener counts');
    expect(describeHomePopularity(undefined)).toBe('the catalog’s popularity');
  });
});
