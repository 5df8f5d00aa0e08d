import { describe, expect, it } from 'vitest';
import { CatalogBuilder, CatalogStore } from '@mixtape/catalog';
import { catalogTransitionGroups, isPlaceholderGroupName } from './backoff';
import { addTransitionPrior, buildTransitionPrior, countTransitions } from './transitions';

describe('catalog back-off groups', () => {
  it('puts tracks of placeholder artists and albums ("Various Artists", empty, unknown) in no group, so they get no back-off', () => {
    const builder = new CatalogBuilder();
    builder.addArtist({ id: 'va', name: 'Various Artists', genres: [] });
    builder.addArtist({ id: 'u', name: '  [Unknown] ', genres: [] });
    builder.addArtist({ id: 'b', name: 'Björk', genres: [] });
    builder.addAlbum({ id: 'comp', title: 'Now 42', artistId: 'va' });
    builder.addAlbum({ id: 'none', title: 'Unknown Album', artistId: 'u' });
    builder.addAlbum({ id: 'deb', title: 'Debut', artistId: 'b' });
    // t0…t3: a compilation by "Various Artists"; t4, t5: unknown album and artist; t6, t7: Björk's Debut
    const tracks = [['t0', 'comp', 'va'], ['t1', 'comp', 'va'], ['t2', 'comp', 'va'], ['t3', 'comp', 'va'], ['t4', 'none', 'u'], ['t5', 'none', 'u'], ['t6', 'deb', 'b'], ['t7', 'deb', 'b']] as const;
    for (const [id, albumId, artistId] of tracks) builder.addTrack({ id, title: id, artistIds: [artistId], albumId, durationMs: 180_000, popularity: 0.5, explicit: false, genres: [], subgenres: [] });
    const store = new CatalogStore(builder.build());
    const [album, artist] = catalogTransitionGroups(store, ['album', 'artist']);
    // the compilation is a real album (its tracks do belong together); "Unknown Album" is not
    expect(Array.from(album!.of)).toEqual([0, 0, 0, 0, -1, -1, 2, 2]);
    expect(Array.from(artist!.of)).toEqual([-1, -1, -1, -1, -1, -1, 2, 2]);

    // the compilation's tracks follow each other often: with the artist level on, t0 still boosts only its own successor
    const histories = { items: Int32Array.of(0, 1, 2, 3, 1, 2, 3, 0, 6, 7, 4, 5), offsets: Int32Array.of(0, 8, 10, 12) };
    const counts = countTransitions(histories, 8);
    const prior = buildTransitionPrior(counts, { alpha: 1, mu: 0.1, gamma: 0, groups: [{ name: 'artist', alpha: 1, mu: 0.1 }] }, [artist!]);
    const boosted = (last: number) => {
      const scores = new Float32Array(8);
      addTransitionPrior(prior, last, scores);
      return Array.from(scores.keys()).filter((j) => scores[j]! > 0);
    };
    expect(boosted(0)).toEqual([1]); // own successor only; with "Various Artists" a group, 2 and 3 came too
    expect(boosted(4)).toEqual([5]);
    expect(boosted(7)).toEqual([7]); // a real artist still backs off: 6 → 7 is Björk's
  });

  it('folds names before comparing (case, accents, punctuation) and keeps real names', () => {
    for (const name of ['Various Artists', 'VARIOUS ARTISTS', 'various', '', '  ', 'Unknown', '[unknown]', 'N/A', 'Unknown Artist']) expect(isPlaceholderGroupName(name)).toBe(true);
    for (const name of ['Various Artists Band', 'Björk', 'The Unknowns', 'Now 42']) expect(isPlaceholderGroupName(name)).toBe(false);
  });
});
