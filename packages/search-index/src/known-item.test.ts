import { CatalogStore, type Track } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from './build';
import { baseTitle } from './known-item';

const track = (id: string, title: string, artistIds: string[], popularity: number, albumId?: string): Track => ({
  id, title, artistIds, popularity, durationMs: 200_000, explicit: false, genres: ['pop'], subgenres: [], ...(albumId ? { albumId } : {}),
});

/** Pop artists by id → name. */
const popArtists = (names: Record<string, string>) => Object.entries(names).map(([id, name]) => ({ id, name, genres: ['pop'] }));

describe('baseTitle', () => {
  it('strips version and featuring marks and says whether the title is a version', () => {
    expect(baseTitle('Halo - Remastered 2011')).toEqual({ base: 'halo', version: true });
    expect(baseTitle('Halo (Live at Wembley)')).toEqual({ base: 'halo', version: true });
    expect(baseTitle('Crazy In Love (feat. Jay-Z)')).toEqual({ base: 'crazy in love', version: false });
    expect(baseTitle('Halo [Cutmore Club Mix]')).toEqual({ base: 'halo', version: true });
    expect(baseTitle('Tomorrow - Part 2')).toEqual({ base: 'tomorrow part 2', version: false });
  });
});

describe('known-item order', () => {
  const store = CatalogStore.fromCatalog({
    artists: popArtists({ a1: 'Nova', a2: 'Quill', a3: 'Harbor Lights' }),
    albums: [{ id: 'al1', title: 'Echo', artistId: 'a3' }],
    tracks: [
      track('remix', 'Echo - Night Remix', ['a1'], 95),
      track('theme', 'Echo Theme', ['a2'], 99),
      track('echo-quill', 'Echo', ['a2'], 30),
      track('echo-nova', 'Echo', ['a1'], 60),
      track('live', 'Echo (Live)', ['a1'], 90),
      track('other', 'Lanterns', ['a3'], 99, 'al1'),
      ...Array.from({ length: 30 }, (_, i) => track(`f${i}`, `Filler ${i}`, ['a3'], 20)),
    ],
  });
  const engine = buildSearchIndex(store, { content: false });

  it('puts exact titles first by popularity, albums of that name after them, versions right after their original', () => {
    const ids = engine.search('echo', { limit: 10 }).results.map((hit) => hit.id);
    expect(ids.slice(0, 5)).toEqual(['echo-nova', 'echo-quill', 'al1', 'live', 'remix']);
    expect(ids.indexOf('remix')).toBeLessThan(ids.indexOf('theme'));
  });

  it('lets the listener’s own artist come first among equal titles', () => {
    const ids = engine.search('echo', { limit: 3, affinity: { artists: [{ id: 'a2', weight: 1 }], genres: [] } }).results.map((hit) => hit.id);
    // their exact title, then their other "echo" title, then the other exact titles
    expect(ids).toEqual(['echo-quill', 'theme', 'echo-nova']);
  });

  it('treats a title that matches once typos are corrected like an exact one: tracks by popularity, then the album', () => {
    const ids = engine.search('ehco', { limit: 10 }).results.map((hit) => hit.id);
    expect(ids.slice(0, 3)).toEqual(['echo-nova', 'echo-quill', 'al1']);
  });

  it('typeahead: a space after the word asks for names that go on with another word', () => {
    expect(engine.suggest('echo', { limit: 3 })[0]!.name).toBe('Echo');
    const continued = engine.suggest('echo ', { limit: 5 }).map((hit) => hit.name);
    expect(continued.length).toBeGreaterThan(0);
    expect(continued).not.toContain('Echo');
    for (const name of continued) expect(name.toLowerCase().startsWith('echo ')).toBe(true);
  });

  it('keeps a version first when the query asks for it', () => {
    expect(engine.search('echo live', { limit: 3 }).results[0]!.id).toBe('live');
  });
});

describe('a single’s album after its track', () => {
  // "Nightlight" by Ilenia is a single: its album is named like the track (same artist)
  const store = CatalogStore.fromCatalog({
    artists: popArtists({ ilenia: 'Ilenia', dex: 'Dex Morrow', kasi: 'Kasi' }),
    albums: [
      { id: 'al-single', title: 'Nightlight', artistId: 'ilenia' },
      { id: 'al-other', title: 'Nightlight', artistId: 'kasi' },
      { id: 'al-lp', title: 'Harbor', artistId: 'ilenia' },
    ],
    tracks: [
      // several artists on the track make its document longer than the album's
      track('single', 'Nightlight', ['ilenia', 'dex', 'kasi'], 70, 'al-single'),
      track('dex-night', 'Nightlight', ['dex'], 40, 'al-lp'),
      ...Array.from({ length: 30 }, (_, i) => track(`f${i}`, `Filler ${i}`, ['kasi'], 20, 'al-other')),
    ],
  });
  const engine = buildSearchIndex(store, { content: false });

  it('ranks the track above its own single album for title + artist with a typo', () => {
    for (const query of ['nightlit ilenia', 'nighlight ilenia']) {
      const ids = engine.search(query, { limit: 5 }).results.map((hit) => hit.id);
      expect(ids.slice(0, 2), query).toEqual(['single', 'al-single']);
    }
  });

  it('leaves the single’s album first when the query asks for the album', () => {
    const ids = engine.search('nightlit ilenia album', { limit: 5 }).results.map((hit) => hit.id);
    expect(ids[0]).toBe('al-single');
  });

  it('moves only albums of the track’s own artist', () => {
    const ids = engine.search('nightlit kasi', { limit: 40 }).results.map((hit) => hit.id);
    // Kasi's album "Nightlight" is not the release of Ilenia's track (Kasi is only featured on it)
    expect(ids.slice(0, 2)).toEqual(['al-other', 'single']);
  });
});

describe('an album the query asks for keeps its place', () => {
  // Michael Jackson's album "Thriller" holds a less popular title track "Thriller"; twelve other
  // artists have a song called "Thriller" too
  const others = Array.from({ length: 12 }, (_, i) => `o${i}`);
  const store = CatalogStore.fromCatalog({
    artists: popArtists({ mj: 'Michael Jackson', ...Object.fromEntries(others.map((id, i) => [id, `Band ${String.fromCharCode(65 + i)}`])) }),
    albums: [
      { id: 'al-thriller', title: 'Thriller', artistId: 'mj' },
      { id: 'al-bad', title: 'Bad', artistId: 'mj' },
    ],
    tracks: [
      track('mj-beat', 'Beat It', ['mj'], 95, 'al-thriller'),
      track('mj-thriller', 'Thriller', ['mj'], 40, 'al-thriller'),
      ...others.map((id, i) => track(`${id}-thriller`, 'Thriller', [id], 60 + i)),
      ...Array.from({ length: 30 }, (_, i) => track(`f${i}`, `Filler ${i}`, ['o0'], 20, 'al-bad')),
    ],
  });
  const engine = buildSearchIndex(store, { content: false });

  it('puts the album first when the query says "album"', () => {
    const ids = engine.search('thriller album', { limit: 20 }).results.map((hit) => hit.id);
    expect(ids[0]).toBe('al-thriller');
  });

  it('does not move an album behind its title track when other songs sit between them', () => {
    // "lp" asks for the album too; without it the album still stays above songs it outranked
    for (const query of ['thriller lp', 'thriller record']) {
      const ids = engine.search(query, { limit: 20 }).results.map((hit) => hit.id);
      expect(ids[0], query).toBe('al-thriller');
    }
  });
});
