import { CatalogStore } from '@mixtape/catalog';
import type { Track } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from './build';
import { validateQuery } from './normalize';
import { parseSearchQuery } from './query-syntax';
import { createSearchFixtureCatalog } from './testing/index';

// the fixture plus names that test the operators: hyphens at a name's edges, a title that is an album's name, a "Live" version
const base = createSearchFixtureCatalog({ filler: 40 });
const template = base.tracks[0]!;
const extra = (id: string, title: string, artistIds: string[], popularity: number, more: Partial<Track> = {}): Track => ({
  ...template, id, title, artistIds, popularity, albumId: undefined, genres: [], subgenres: [], ...more,
});
const store = CatalogStore.fromCatalog({
  artists: [
    ...base.artists,
    { id: 'ar-m', name: '-M-', genres: [] },
    { id: 'ar-aha', name: 'a-ha', genres: [] },
    { id: 'ar-muse', name: 'Muse', genres: [] },
    { id: 'ar-radiohead', name: 'Radiohead', genres: [] },
    { id: 'ar-zep', name: 'Led Zeppelin', genres: [] },
  ],
  albums: [...base.albums, { id: 'al-okc', title: 'OK Computer', artistId: 'ar-radiohead' }],
  tracks: [
    ...base.tracks,
    extra('t-qui', 'Qui de nous deux', ['ar-m'], 50),
    extra('t-take-on-me', 'Take On Me', ['ar-aha'], 70),
    extra('t-hysteria', 'Hysteria', ['ar-muse'], 60),
    extra('t-airbag', 'Airbag', ['ar-radiohead'], 60, { albumId: 'al-okc' }),
    extra('t-halo-live', 'Halo (Live)', ['ar-beyonce'], 55),
    extra('t-halo-wembley', 'Halo - Live at Wembley', ['ar-beyonce'], 54),
    extra('t-discovery-lisa', 'Discovery', ['ar-lisa'], 20),
    extra('t-rnr', 'Rock And Roll', ['ar-zep'], 65),
    extra('t-title-track', 'Title Track', ['ar-soil'], 10),
  ],
});
const engine = buildSearchIndex(store, { content: false });
const ids = (query: string, options = {}) => engine.search(query, options).results.map((hit) => hit.id);

describe('parseSearchQuery', () => {
  it('reads fields, quotes, OR, AND and a leading minus; leaves words alone otherwise', () => {
    expect(parseSearchQuery('title:"cafe del mar" -live radiohead OR muse')).toEqual({
      words: ['cafe', 'del', 'mar', 'radiohead', 'muse'],
      slots: [['cafe'], ['del'], ['mar'], ['radiohead', 'muse']],
      requirements: [[{ words: ['cafe', 'del', 'mar'], field: 'title' }]],
      exclusions: [{ words: ['live'] }],
      describe: 'cafe del mar -live radiohead muse',
      operators: ['not: live', 'required: title: cafe del mar', 'either: radiohead | muse'],
    });
    // hyphens inside or at the end of a word are part of a name
    for (const query of ['-M-', 'Jay-Z', 'a-ha take on me', 'k-pop', 'AC/DC - live', 'now or never', 'Suite: Judy Blue Eyes', 'Title: Track', 'ROCK AND ROLL', 'NOW OR NEVER', 'HEAVEN AND BACK Chase Atlantic', 'She Made a Freak Out of Me Lee "Shot" Williams', 'Timberlan\'d Up (feat. Royce Da 5\'9")']) {
      const parsed = parseSearchQuery(query);
      expect(parsed.exclusions, query).toEqual([]);
      expect(parsed.requirements, query).toEqual([]);
      expect(parsed.slots.every((slot) => slot.length === 1), query).toBe(true);
    }
    expect(parseSearchQuery('rock AND roll').requirements).toEqual([[{ words: ['rock'] }], [{ words: ['roll'] }]]);
    expect(parseSearchQuery('ABBA OR Queen').slots).toEqual([['abba', 'queen']]);
    expect(parseSearchQuery('by:queen song:"don\'t stop"').requirements).toEqual([[{ words: ['queen'], field: 'artist' }], [{ words: ['dont', 'stop'], field: 'title' }]]);
  });

  it('-"a b" and -field:word are exclusions; a quote inside a word (12", 5\'9") does not swallow what follows', () => {
    expect(parseSearchQuery('halo -"live at"')).toMatchObject({ words: ['halo'], exclusions: [{ words: ['live', 'at'] }], operators: ['not: live at'] });
    expect(parseSearchQuery('halo -title:live')).toMatchObject({ words: ['halo'], exclusions: [{ words: ['live'], field: 'title' }], operators: ['not: title: live'] });
    expect(parseSearchQuery('halo -album:"live at"').exclusions).toEqual([{ words: ['live', 'at'], field: 'album' }]);
    expect(parseSearchQuery('Blue Monday 12" -live')).toMatchObject({ words: ['blue', 'monday', '12'], exclusions: [{ words: ['live'] }] });
    expect(parseSearchQuery('Royce Da 5\'9" -remix')).toMatchObject({ words: ['royce', 'da', '59'], exclusions: [{ words: ['remix'] }] });
    expect(parseSearchQuery('12" mix title:halo').requirements).toEqual([[{ words: ['halo'], field: 'title' }]]);
    // a quote that opens a token still runs to the end when unclosed (typeahead)
    expect(parseSearchQuery('title:"cafe del -mar')).toMatchObject({ requirements: [[{ words: ['cafe', 'del', 'mar'], field: 'title' }]], exclusions: [] });
    expect(parseSearchQuery('halo -"live at').exclusions).toEqual([{ words: ['live', 'at'] }]);
  });

  it('refuses a field with nothing after its colon, with what to write', () => {
    expect(() => parseSearchQuery('title: halo')).not.toThrow(); // a space after the colon: words
    expect(() => parseSearchQuery('halo artist:')).toThrow(/artist: needs a word right after the colon, e\.g\. artist:halo/);
    expect(() => parseSearchQuery('halo artist: ')).toThrow(/artist: needs a word/);
    expect(() => parseSearchQuery('album:""')).toThrow(/album: needs a word after the colon/);
    expect(validateQuery('title:')).toMatchObject({ ok: false, code: 'SEARCH_SYNTAX', message: expect.stringMatching(/^q: title: needs a word/) });
  });
});

describe('search with the query language', () => {
  it('title: keeps names, album: keeps albums — "discovery" is a title of Lisa Tane and Daft Punk\'s album', () => {
    expect(new Set(ids('title:discovery'))).toEqual(new Set(['t-discovery-lisa', 'al-discovery']));
    const albumHits = ids('album:discovery');
    expect(albumHits).toEqual(expect.arrayContaining(['al-discovery', 't-one-more-time', 't-digital-love']));
    expect(albumHits).not.toContain('t-discovery-lisa');
    expect(engine.search('title:discovery').operators).toEqual(['required: title: discovery']);
  });

  it('artist: keeps one artist\'s Halo and still corrects typos in the field', () => {
    const hits = engine.search('halo artist:beyonse').results;
    expect(hits[0]!.id).toBe('t-halo-beyonce');
    for (const hit of hits) expect(hit.type === 'artist' ? hit.id : hit.artists![0]!.id).toBe('ar-beyonce');
    // the field is required, the other words rank: Soil's Halo first, then the rest of Soil
    expect(ids('halo artist:soil')).toEqual(['t-halo-soil', 'ar-soil', 't-title-track']);
    expect(ids('title:"crazy in love"')[0]).toBe('t-crazy');
    expect(ids('title:"crazy zzqx"')).toEqual([]);
    // a typo note quotes the word as typed, not the whole "field:word" token (was "typo: artist:beyonse→Beyoncé")
    expect(hits[0]!.matched).toContain('typo: beyonse→Beyoncé');
  });

  it('OR: either word counts in full; AND: both required', () => {
    const either = ids('radiohead OR muse', { types: ['artist'] });
    expect(new Set(either.slice(0, 2))).toEqual(new Set(['ar-radiohead', 'ar-muse']));
    expect(engine.search('radiohead OR muse').operators).toEqual(['either: radiohead | muse']);
    const both = engine.search('simon AND garfunkel').results;
    expect(both[0]).toMatchObject({ id: 'ar-simon' });
    expect(ids('simon AND queen')).toEqual([]);
  });

  it('-word leaves out results holding the word; a query of exclusions only is read as words', () => {
    const halo = ids('halo -live');
    expect(halo).toContain('t-halo-beyonce');
    expect(halo).not.toContain('t-halo-live');
    expect(ids('halo')).toContain('t-halo-live');
    expect(engine.search('halo -live').operators).toEqual(['not: live']);
    expect(ids('-live')).toContain('t-halo-live');
  });

  it('-"live at" leaves out the phrase\'s results; -title:live only titles holding "live"', () => {
    const halo = ids('halo');
    expect(halo).toEqual(expect.arrayContaining(['t-halo-wembley', 't-halo-live', 't-halo-beyonce']));
    const phrase = engine.search('halo -"live at"');
    expect(phrase.results.map((hit) => hit.id)).not.toContain('t-halo-wembley');
    expect(phrase.results.map((hit) => hit.id)).toEqual(expect.arrayContaining(['t-halo-live', 't-halo-beyonce']));
    expect(phrase.operators).toEqual(['not: live at']);
    const titled = engine.search('halo -title:live');
    expect(titled.results.map((hit) => hit.id)).not.toContain('t-halo-live');
    expect(titled.results.map((hit) => hit.id)).not.toContain('t-halo-wembley');
    expect(titled.results.map((hit) => hit.id)).toContain('t-halo-beyonce');
    expect(titled.operators).toEqual(['not: title: live']);
    // the field is checked: Beyoncé is an artist, not a title
    expect(ids('halo -title:beyonce')).toContain('t-halo-beyonce');
    expect(ids('halo -artist:beyonce')).not.toContain('t-halo-beyonce');
    expect(ids('halo 12" -live')).not.toContain('t-halo-live');
  });

  it('hyphenated names are not negations: -M-, a-ha, Jay-Z', () => {
    expect(engine.search('-M-').results[0]).toMatchObject({ type: 'artist', id: 'ar-m' });
    expect(engine.search('-M-').operators).toBeUndefined();
    expect(ids('qui de nous deux -M-')[0]).toBe('t-qui');
    expect(ids('a-ha take on me')[0]).toBe('t-take-on-me');
    expect(engine.search('JAY-Z').results[0]).toMatchObject({ type: 'artist', id: 'ar-jayz' });
  });

  it('capitals-only queries and "Field: word" with a space are words, as before', () => {
    expect(ids('ROCK AND ROLL')[0]).toBe('t-rnr');
    expect(engine.search('ROCK AND ROLL').operators).toBeUndefined();
    expect(ids('Title: Track')[0]).toBe('t-title-track');
    for (const query of ['beyonse halo', 'digital lov', 'crazy in love ft jay z', 'Rock And Roll', 'now or never']) expect(engine.search(query).operators, query).toBeUndefined();
  });

  it('says why album: finds nothing in a catalog without albums', () => {
    const albumless = buildSearchIndex(CatalogStore.fromCatalog({ artists: base.artists, albums: [], tracks: base.tracks.map((track) => ({ ...track, albumId: undefined })) }), { content: false });
    const response = albumless.search('album:discovery');
    expect(response.results).toEqual([]);
    expect(response.operators).toEqual(['required: album: discovery', 'album: this catalog has no albums, so nothing can match']);
    expect(engine.search('album:discovery').operators).toEqual(['required: album: discovery']);
  });

  it('reads an unclosed quote to the end (typeahead), completing its last word', () => {
    expect(ids('title:"digital lov')[0]).toBe('t-digital-love');
  });
});
