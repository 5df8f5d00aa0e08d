import { CatalogStore, type Catalog } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from './build';
import { createSearchFixtureCatalog } from './testing/index';

const full = createSearchFixtureCatalog();
/** The same catalog as an MPD slice would give it: titles, artists, albums — no features, genres or dates. */
const bare: Catalog = {
  artists: full.artists.map((artist) => ({ ...artist, genres: [] })),
  albums: full.albums.map((album) => ({ ...album, releaseDate: undefined })),
  tracks: full.tracks.map((track) => ({ ...track, genres: [], subgenres: [], features: undefined, releaseDate: undefined })),
};
/** Genres and dates but no audio features. */
const noAudio: Catalog = { ...full, tracks: full.tracks.map((track) => ({ ...track, features: undefined })) };

const DESCRIPTIVE = ['sad songs 2000s', 'sad love', 'chill acoustic', 'upbeat folk', 'night fever 90s', 'electronic', 'love 2000s'];
const ids = (engine: ReturnType<typeof buildSearchIndex>, query: string): string[] => engine.search(query, { types: ['track'], limit: 20 }).results.map((hit) => hit.id);

describe('content profile: the dense side stands down where the catalog gives it nothing', () => {
  it('measures which content blocks the catalog fills', () => {
    const profile = buildSearchIndex(CatalogStore.fromCatalog(full)).contentProfile;
    expect(profile).toMatchObject({ audio: 1, genre: 1, decade: 1, years: 1 });
    // one track of 160 has a subgenre ("trip hop"): rare, but it still tells tracks apart
    expect(profile.subgenre).toBeCloseTo(1 / 160, 6);
    expect(buildSearchIndex(CatalogStore.fromCatalog(bare)).contentProfile).toMatchObject({ audio: 0, genre: 0, subgenre: 0, decade: 0, years: 0 });
  });

  it('answers descriptive queries on a catalog without content exactly as lexical-only search does', () => {
    const store = CatalogStore.fromCatalog(bare);
    const hybrid = buildSearchIndex(store);
    const lexical = buildSearchIndex(store, { content: false });
    for (const query of DESCRIPTIVE) {
      expect(ids(hybrid, query), query).toEqual(ids(lexical, query));
      expect(hybrid.search(query).descriptive, query).toEqual(lexical.search(query).descriptive);
    }
    // no dates at all: a year range cannot filter (it would leave nothing), in the lexical-only
    // engine too — and the answer says the year was read but not applied
    expect(ids(hybrid, 'night fever 90s').length).toBeGreaterThan(0);
    expect(ids(lexical, 'love 2000s').length).toBeGreaterThan(0);
    for (const engine of [hybrid, lexical]) {
      expect(engine.search('sad songs 2000s').descriptive).toMatchObject({
        terms: ['sad (mood)', '2000s (year)'],
        constraints: ['2000s (year): not applied — no track has a release year'],
      });
    }
  });

  it('keeps the parts the catalog has: genres still retrieve, moods (audio features) do not', () => {
    const engine = buildSearchIndex(CatalogStore.fromCatalog(noAudio));
    expect(engine.contentProfile).toMatchObject({ audio: 0, genre: 1 });
    expect(engine.search('folk', { types: ['track'] }).descriptive?.terms).toEqual(['folk (genre)']);
    // "sad" is read (and reported), but with no audio features it retrieves as lexical-only does
    const lexical = buildSearchIndex(CatalogStore.fromCatalog(noAudio), { content: false });
    expect(ids(engine, 'sad')).toEqual(ids(lexical, 'sad'));
  });
});
