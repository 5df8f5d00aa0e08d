import { describe, expect, it } from 'vitest';
import { CatalogStore } from './catalog-store';
import { CatalogIntegrityError } from './catalog-columns';
import type { Catalog } from './model';

const features = {
  danceability: 0.5, energy: 0.8, valence: 0.3, tempo: 128, acousticness: 0.1,
  instrumentalness: 0, speechiness: 0.05, liveness: 0.1, loudness: -5.5, key: 7, mode: 1 as const,
};

function smallCatalog(): Catalog {
  return {
    artists: [
      { id: 'a1', name: 'Alpha', genres: ['rock', 'indie rock'] },
      { id: 'a2', name: 'Beta', genres: ['pop'] },
    ],
    albums: [
      { id: 'al1', title: 'First', artistId: 'a1', releaseDate: '2019-06-14' },
      { id: 'al2', title: 'Fresh', artistId: 'a2', releaseDate: '2026-11-10' },
    ],
    tracks: [
      { id: 't1', title: 'One', artistIds: ['a1'], albumId: 'al1', durationMs: 200000, explicit: false, popularity: 40, releaseDate: '2019-06-14', genres: ['rock'], subgenres: ['indie rock'], features },
      { id: 't2', title: 'Two', artistIds: ['a1', 'a2'], albumId: 'al1', durationMs: 180000, explicit: true, popularity: 90, releaseDate: '2019-06-14', genres: ['rock'], subgenres: [] },
      { id: 't3', title: 'Three', artistIds: ['a2'], albumId: 'al2', durationMs: 210000, explicit: false, popularity: 60, releaseDate: '2026-11-10', genres: ['pop'], subgenres: ['dance pop'] },
      { id: 't4', title: 'Four', artistIds: ['a2'], durationMs: 150000, explicit: false, popularity: 60, releaseDate: '2001', genres: [], subgenres: [] },
    ],
  };
}

describe('CatalogStore', () => {
  const store = CatalogStore.fromCatalog(smallCatalog());

  it('maps ids to dense indices and back', () => {
    expect(store.trackCount).toBe(4);
    expect(store.artistCount).toBe(2);
    expect(store.albumCount).toBe(2);
    expect(store.trackIndex('t3')).toBe(2);
    expect(store.trackId(2)).toBe('t3');
    expect(store.trackIndex('missing')).toBe(-1);
    expect(store.getTrack('missing')).toBeUndefined();
  });

  it('round-trips tracks, artists and albums as plain objects', () => {
    const original = smallCatalog();
    const roundTrip = store.toCatalog();
    expect(roundTrip.tracks).toEqual(original.tracks);
    expect(roundTrip.artists).toEqual(original.artists);
    expect(roundTrip.albums).toEqual(original.albums);
  });

  it('looks up by artist (popularity order), album (catalog order) and genre', () => {
    expect([...store.tracksByArtist(store.artistIndex('a1'))].map((i) => store.trackId(i))).toEqual(['t2', 't1']);
    expect([...store.tracksByArtist(store.artistIndex('a2'))].map((i) => store.trackId(i))).toEqual(['t2', 't3', 't4']);
    expect([...store.tracksByAlbum(store.albumIndex('al1'))].map((i) => store.trackId(i))).toEqual(['t1', 't2']);
    expect([...store.tracksByGenre(store.genreIndex('rock'))].map((i) => store.trackId(i))).toEqual(['t2', 't1']);
    expect([...store.tracksByGenre(store.genreIndex('dance pop'))].map((i) => store.trackId(i))).toEqual(['t3']);
    expect([...store.artistsByGenre(store.genreIndex('pop'))]).toEqual([store.artistIndex('a2')]);
  });

  it('ranks by popularity with ties broken by catalog order', () => {
    expect([...store.mostPopular()].map((i) => store.trackId(i))).toEqual(['t2', 't3', 't4', 't1']);
    expect(store.popularityRank(store.trackIndex('t1'))).toBe(3);
  });

  it('finds new releases since a date, newest first', () => {
    expect([...store.newReleasesSince('2026-10-23')].map((i) => store.trackId(i))).toEqual(['t3']);
    expect([...store.newReleasesSince('2000-01-01')].map((i) => store.trackId(i))).toEqual(['t3', 't1', 't2', 't4']);
    expect([...store.newAlbumsSince(new Date('2026-11-01'))].map((i) => store.albumId(i))).toEqual(['al2']);
    expect(store.trackReleaseYear[store.trackIndex('t4')]).toBe(2001);
  });

  it('counts the tracks with a known release year (0 for a catalog without dates)', () => {
    expect(store.datedTracks).toBe(4);
    const catalog = smallCatalog();
    catalog.tracks = catalog.tracks.map(({ releaseDate: _date, ...track }, i) => (i === 0 ? { ...track, releaseDate: '1999' } : track));
    expect(CatalogStore.fromCatalog(catalog).datedTracks).toBe(1);
    catalog.tracks = catalog.tracks.map(({ releaseDate: _date, ...track }) => track);
    expect(CatalogStore.fromCatalog(catalog).datedTracks).toBe(0);
  });

  it('keeps features columnar and row-major', () => {
    expect(store.featureRow(0)[3]).toBeCloseTo(128);
    expect(store.featureColumn('energy')[0]).toBeCloseTo(0.8);
    expect(Number.isNaN(store.featureColumn('energy')[1])).toBe(true);
    expect(store.hasFeatures(1)).toBe(false);
  });

  it('rejects tracks that reference unknown artists', () => {
    const catalog = smallCatalog();
    catalog.tracks[0]!.artistIds = ['nobody'];
    expect(() => CatalogStore.fromCatalog(catalog)).toThrow(CatalogIntegrityError);
    expect(() => CatalogStore.fromCatalog(catalog)).toThrow(/unknown artist id "nobody"/);
  });
});
