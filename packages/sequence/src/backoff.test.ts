import { describe, expect, it } from 'vitest';
import { CatalogBuilder, CatalogStore } from '@mixtape/catalog';
import { SIDE_INPUT_POSITIONS, catalogSideInputs, catalogTransitionGroups, isPlaceholderGroupName, parseSideInputLevels } from './backoff';
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

  it('side inputs: album position in running order (albums of ≥ 2 tracks) and rank among the primary artist\'s tracks by popularity, capped', () => {
    const builder = new CatalogBuilder();
    builder.addArtist({ id: 'a', name: 'Aa', genres: [] });
    builder.addArtist({ id: 'b', name: 'Bb', genres: [] });
    builder.addArtist({ id: 'va', name: 'Various Artists', genres: [] });
    builder.addAlbum({ id: 'long', title: 'Long', artistId: 'a' });
    builder.addAlbum({ id: 'single', title: 'One', artistId: 'b' });
    builder.addAlbum({ id: 'comp', title: 'Unknown Album', artistId: 'va' });
    const track = (id: string, albumId: string, artistIds: string[], popularity: number) =>
      builder.addTrack({ id, title: id, artistIds, albumId, durationMs: 180_000, popularity, explicit: false, genres: [], subgenres: [] });
    // t0…t19: a 20-track album by a, popularity rising along the album (so the rank runs backwards);
    // t20: b's single featuring a (popularity 100: first in a's list, but ranked in b's); t21, t22: placeholder album and artist
    for (let k = 0; k < 20; k++) track(`t${k}`, 'long', ['a'], 10 + k);
    track('t20', 'single', ['b', 'a'], 100);
    track('t21', 'comp', ['va'], 5);
    track('t22', 'comp', ['va'], 6);
    const store = new CatalogStore(builder.build());
    // training plays run against the catalog's popularity (falling along the album; t0 and t1 tied): artistRank follows the plays, never the catalog
    const plays = Float64Array.from({ length: 23 }, (_, t) => (t < 20 ? 100 - Math.max(t, 1) : 1));
    const [position, rank, album] = catalogSideInputs(store, ['albumPosition', 'artistRank', 'album'], plays);
    const cap = SIDE_INPUT_POSITIONS - 1;
    expect(position!.name).toBe('albumPosition');
    expect(Array.from(position!.of)).toEqual([...Array.from({ length: 20 }, (_, k) => Math.min(k, cap)), -1, -1, -1]);
    // a's own tracks (t20 features a but is b's primary track, ranked in b's): t0 and t1 share rank 0, then t2 → 2 …
    expect(Array.from(rank!.of)).toEqual([0, 0, ...Array.from({ length: 18 }, (_, k) => Math.min(k + 2, cap)), 0, -1, -1]);
    // the catalog's popularity is never used: without the training plays artistRank is refused
    expect(() => catalogSideInputs(store, ['artistRank'])).toThrow('side input artistRank: expected the training plays of each of the catalog\'s 23 tracks (ranks are counted over the training interactions only: a catalog\'s popularity may count test-period plays), got none');
    expect(() => catalogSideInputs(store, ['artistRank'], new Float64Array(3))).toThrow('got 3 counts');
    expect(catalogSideInputs(store, ['albumPosition'])[0]).toEqual(position);
    expect(album).toEqual(catalogTransitionGroups(store, ['album'])[0]);
    expect(parseSideInputLevels('album+artist+albumPosition+artistRank', 'x')).toEqual(['album', 'artist', 'albumPosition', 'artistRank']);
    expect(parseSideInputLevels('none', 'x')).toEqual([]);
    expect(() => parseSideInputLevels('album+genre', 'sideInputs')).toThrow('sideInputs: expected "none" or levels joined by "+" from album, artist, albumPosition, artistRank (e.g. "album+artist+albumPosition"), got "album+genre"');
    expect(() => parseSideInputLevels('artistRank+artistRank', 'sideInputs')).toThrow('sideInputs: a level is named twice');
  });
});
