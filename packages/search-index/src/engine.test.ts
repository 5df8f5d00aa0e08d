import { CatalogStore } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from './build';
import { typoTolerance } from './engine';
import { loadSearchIndex, serializeSearchIndex } from './format';
import { createSearchFixtureCatalog, createSearchFixtureStore } from './testing/index';

const store = createSearchFixtureStore();
const engine = buildSearchIndex(store);

const ids = (query: string, options = {}) => engine.search(query, options).results.map((hit) => hit.id);

describe('lexical search', () => {
  it('puts Halo by Beyoncé first for the misspelled "beyonse halo" and says why', () => {
    const { results } = engine.search('beyonse halo');
    expect(results[0]).toMatchObject({ type: 'track', id: 't-halo-beyonce', name: 'Halo', artists: [{ id: 'ar-beyonce', name: 'Beyoncé' }] });
    expect(results[0]!.matched).toEqual(expect.arrayContaining(['title: Halo', 'artist: Beyoncé', 'typo: beyonse→Beyoncé', 'popular']));
  });

  it('corrects swapped neighbours ("hlao" → "halo"), which Levenshtein counts as two edits', () => {
    const { results } = engine.search('hlao beyonce');
    expect(results[0]!.id).toBe('t-halo-beyonce');
    expect(results[0]!.matched).toContain('typo: hlao→Halo');
  });

  it('folds diacritics: "Beyonce" finds the artist Beyoncé first, "electrique" finds "Électrique"', () => {
    expect(engine.search('Beyonce').results[0]).toMatchObject({ type: 'artist', id: 'ar-beyonce' });
    expect(ids('electrique')[0]).toBe('t-electrique');
  });

  it('breaks ties between identical titles by popularity', () => {
    expect(ids('halo', { types: ['track'] }).slice(0, 3)).toEqual(['t-halo-beyonce', 't-halo-soil', 't-halo-lisa']);
  });

  it('matches the last word as a prefix (typeahead in search)', () => {
    const { results } = engine.search('digital lov');
    expect(results[0]!.id).toBe('t-digital-love');
    expect(results[0]!.matched).toContain('prefix: lov→Love');
  });

  it('handles "feat." and "&" in names and queries', () => {
    expect(ids('crazy in love ft jay z')[0]).toBe('t-crazy');
    expect(engine.search('simon and garfunkel').results[0]).toMatchObject({ type: 'artist', id: 'ar-simon' });
    expect(ids("dont stop me now")[0]).toBe('t-dont-stop');
  });

  it('filters by entity type and pages with offset', () => {
    const albums = engine.search('daft punk', { types: ['album'] }).results;
    expect(albums.map((hit) => hit.type)).toEqual(['album']);
    expect(albums[0]).toMatchObject({ id: 'al-discovery', artists: [{ id: 'ar-daft', name: 'Daft Punk' }] });
    const all = ids('halo', { limit: 4 });
    expect(ids('halo', { limit: 2, offset: 2 })).toEqual(all.slice(2, 4));
  });

  it('scales typo tolerance with term length and spares known words and numbers', () => {
    // a three-letter word may have lost a letter ("gil" → "girl"): one edit, against longer terms only
    expect([typoTolerance('ab'), typoTolerance('abc'), typoTolerance('halo'), typoTolerance('beyonse'), typoTolerance('garfunkle')]).toEqual([0, 1, 1, 1, 2]);
    expect(typoTolerance('love', true)).toBe(0);
    expect(typoTolerance('garfunkel', true)).toBe(0);
    expect(typoTolerance('1999')).toBe(0);
  });

  it('answers an empty or unsearchable query with no results', () => {
    expect(engine.search('  ').results).toEqual([]);
    expect(engine.search('!!!').results).toEqual([]);
  });
});

describe('frequent words', () => {
  it('find the item whose every word matches, and say which field each word matched', () => {
    const frugal = buildSearchIndex(store, { content: false });
    for (const [query, id] of [
      ['crazy in love ft jay z', 't-crazy'],
      ['halo beyonce', 't-halo-beyonce'],
      ['the boxer simon and garfunkel', 't-boxer'],
      ['one more time daft punk', 't-one-more-time'],
    ] as const) {
      const top = frugal.search(query).results[0]!;
      expect(top.id, query).toBe(id);
    }
    expect(frugal.search('one more time daft punk').results[0]!.matched).toEqual(
      expect.arrayContaining(['title: One More Time', 'artist: Daft Punk']),
    );
  });
});

describe('names without letters or digits', () => {
  // an emoji-only title, the same with a variation selector, and emoji inside a title with words
  const catalog = createSearchFixtureCatalog();
  const base = catalog.tracks.find((track) => track.id === 't-halo-soil')!;
  catalog.tracks.push(
    { ...base, id: 't-fire', title: '🔥🔥🔥', popularity: 30 },
    { ...base, id: 't-heart', title: '❤️', popularity: 20 },
    { ...base, id: 't-guitar', title: 'emoji 🎸 rock', popularity: 10 },
    { ...base, id: 't-thumb', title: '👍🏽', popularity: 5 },
  );
  const symbols = buildSearchIndex(CatalogStore.fromCatalog(catalog), { content: false });

  it('are matched by their symbols: "🔥🔥🔥" finds the title 🔥🔥🔥, "❤" finds ❤️', () => {
    expect(symbols.search('🔥🔥🔥').results[0]).toMatchObject({ id: 't-fire', name: '🔥🔥🔥' });
    expect(symbols.search('❤').results[0]).toMatchObject({ id: 't-heart' });
    expect(symbols.suggest('🔥🔥🔥')[0]).toMatchObject({ id: 't-fire' });
    // a title with words keeps its words alone; punctuation alone still finds nothing
    expect(symbols.search('emoji rock').results[0]!.id).toBe('t-guitar');
    expect(symbols.search('?!').results).toEqual([]);
  });

  it('one emoji finds a title that repeats it or wears a skin tone, as typeahead does', () => {
    expect(symbols.search('🔥').results[0]).toMatchObject({ id: 't-fire' });
    expect(symbols.search('🔥🔥').results[0]).toMatchObject({ id: 't-fire' });
    expect(symbols.search('👍').results[0]).toMatchObject({ id: 't-thumb' });
    expect(symbols.search('👍🏻').results[0]).toMatchObject({ id: 't-thumb' });
    expect(symbols.suggest('🔥')[0]!.id).toBe(symbols.search('🔥').results[0]!.id);
    expect(symbols.suggest('👍')[0]!.id).toBe(symbols.search('👍').results[0]!.id);
  });
});

describe('typeahead: versions after their original', () => {
  // a remaster more popular than its original, by the same artist
  const catalog = createSearchFixtureCatalog();
  const original = catalog.tracks.find((track) => track.id === 't-halo-beyonce')!;
  catalog.tracks.push({ ...original, id: 't-halo-remaster', title: 'Halo - Remastered 2019', popularity: 99 });
  const engine = buildSearchIndex(CatalogStore.fromCatalog(catalog), { content: false });

  it('lists the original first and its version right behind it, unless the text names a version', () => {
    const ids = engine.suggest('hal', { types: ['track'] }).map((hit) => hit.id);
    expect(ids.indexOf('t-halo-beyonce')).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf('t-halo-remaster')).toBe(ids.indexOf('t-halo-beyonce') + 1);
    // the remaster still leads where its popularity puts it when asked for by its version word
    expect(engine.suggest('halo remaster', { types: ['track'] })[0]?.id).toBe('t-halo-remaster');
  });
});

describe('matched labels', () => {
  // folding strips the dakuten of ありがとう (ありかとう) and the accents of Sigur Rós
  const catalog = createSearchFixtureCatalog();
  const base = catalog.tracks.find((track) => track.id === 't-halo-soil')!;
  catalog.artists.push({ id: 'ar-sigur', name: 'Sigur Rós', genres: [] }, { id: 'ar-acdc', name: 'AC/DC', genres: [] });
  catalog.tracks.push({ ...base, id: 't-arigato', title: 'ありがとう', artistIds: ['ar-sigur'] }, { ...base, id: 't-tnt', title: 'T.N.T. (Live)', artistIds: ['ar-acdc'] });
  catalog.tracks.push({ ...base, id: 't-baby', title: 'Baby Baby' }, { ...base, id: 't-bye', title: 'Bye Bye Bye' });
  const written = buildSearchIndex(CatalogStore.fromCatalog(catalog), { content: false });

  it("show the catalog's words as written, not their folded form", () => {
    expect(written.search('ありがとう sigur ros').results[0]).toMatchObject({ id: 't-arigato', matched: expect.arrayContaining(['title: ありがとう', 'artist: Sigur Rós']) });
    expect(written.search('ac dc live').results[0]!.matched).toEqual(expect.arrayContaining(['artist: AC/DC', 'title: Live']));
    // in the name's order, whatever the query's
    expect(written.search('time one more').results.find((hit) => hit.id === 't-one-more-time')?.matched).toContain('title: One More Time');
    expect(written.suggest('ありが')[0]).toMatchObject({ id: 't-arigato', matched: ['prefix: ありが→ありがとう'] });
    // the user's word as typed on the left of a prefix or typo note
    expect(written.search('ありがと').results[0]!.matched).toContain('prefix: ありがと→ありがとう');
    expect(written.search('Beyonse halo').results[0]!.matched).toContain('typo: Beyonse→Beyoncé');
  });

  it('keep a word the name repeats, and one word the query splits ("ac dc" → AC/DC)', () => {
    expect(written.suggest('baby baby')[0]).toMatchObject({ id: 't-baby', matched: expect.arrayContaining(['exact: Baby Baby']) });
    expect(written.suggest('bye bye bye')[0]!.matched).toContain('exact: Bye Bye Bye');
    expect(written.search('bye bye bye').results[0]).toMatchObject({ id: 't-bye', matched: expect.arrayContaining(['title: Bye Bye Bye']) });
    // a word typed once names it once: "bye" matched in "Bye Bye Bye" is "title: Bye"
    expect(written.search('bye').results[0]!.matched).toContain('title: Bye');
    expect(written.suggest('ac dc')[0]!.matched).toContain('exact: AC/DC');
    expect(written.suggest('ac dc t')[0]!.matched).toContain('prefix: ac dc t→AC/DC T.N.T Live');
  });
});

describe('scores down the order', () => {
  // the exact title is the least popular of five; with no exact-name weight in the lexical prior
  // the popular "Café del Mar ☕ 56" scores highest, and known-item order still puts the exact title first
  const catalog = createSearchFixtureCatalog();
  const base = catalog.tracks.find((track) => track.id === 't-halo-soil')!;
  catalog.tracks.push({ ...base, id: 't-cafe', title: 'Café del Mar ☕', popularity: 0 });
  for (const n of [14, 28, 42, 56]) catalog.tracks.push({ ...base, id: `t-cafe-${n}`, title: `Café del Mar ☕ ${n}`, popularity: n });
  const original = catalog.tracks.find((track) => track.id === 't-halo-beyonce')!;
  catalog.tracks.push({ ...original, id: 't-halo-remaster', title: 'Halo - Remastered 2019', popularity: 99 });
  const cafe = buildSearchIndex(CatalogStore.fromCatalog(catalog));
  const nonIncreasing = (scores: number[]) => scores.every((score, i) => i === 0 || score <= scores[i - 1]!);

  it('never increase, so the score explains the order (a known item lifted above higher scores ties with them)', () => {
    const fusion = { exactName: 0, popularity: 3 };
    const results = cafe.search('cafe del mar', { limit: 8, fusion }).results;
    expect(results[0]!.id).toBe('t-cafe');
    expect(nonIncreasing(results.map((hit) => hit.score)), JSON.stringify(results.map((hit) => hit.score))).toBe(true);
    expect(results[0]!.score).toBe(results[1]!.score);
    // pages continue each other: the same hits with the same scores (lifted over the whole list,
    // not per page — pages of one hit, so the lifted exact title is cut from the hit that lifts it)
    const pages = results.map((_, offset) => cafe.search('cafe del mar', { limit: 1, offset, fusion }).results);
    const scored = (hits: typeof results) => hits.map((hit) => `${hit.id} ${hit.score}`);
    expect(scored(pages.flat())).toEqual(scored(results));
    // typeahead: the original before its more popular remaster
    const suggestions = cafe.suggest('hal', { types: ['track'] });
    expect(suggestions.findIndex((hit) => hit.id === 't-halo-remaster')).toBe(suggestions.findIndex((hit) => hit.id === 't-halo-beyonce') + 1);
    expect(nonIncreasing(suggestions.map((hit) => hit.score)), JSON.stringify(suggestions.map((hit) => hit.score))).toBe(true);
  });
});

describe('one result per recording', () => {
  // Halo by Beyoncé listed twice more (a compilation row and a soundtrack row, less popular)
  const catalog = createSearchFixtureCatalog();
  catalog.albums.push({ id: 'al-hits', title: 'Halo Hits Collection', artistId: 'ar-beyonce', releaseDate: '2012-01-01' });
  const original = catalog.tracks.find((track) => track.id === 't-halo-beyonce')!;
  catalog.tracks.push({ ...original, id: 't-halo-beyonce-hits', popularity: 40, albumId: 'al-hits' }, { ...original, id: 't-halo-beyonce-ost', popularity: 20, albumId: undefined });
  const dupes = buildSearchIndex(CatalogStore.fromCatalog(catalog));

  it('answers with the most popular row and lists the others as alternates, whichever row scored best', () => {
    // "halo hits" matches the compilation row's album too, yet the hit is the canonical id
    for (const query of ['halo', 'halo hits', 'halo beyonce']) {
      const tracks = dupes.search(query, { types: ['track'] }).results;
      expect(tracks[0], query).toMatchObject({ id: 't-halo-beyonce', alternates: ['t-halo-beyonce-hits', 't-halo-beyonce-ost'] });
      expect(tracks.filter((hit) => hit.name === 'Halo' && hit.artists![0]!.id === 'ar-beyonce'), query).toHaveLength(1);
      expect(tracks[0]!.matched.some((label) => label.startsWith('album:')), query).toBe(false);
    }
    expect(dupes.suggest('halo', { types: ['track'] })[0]).toMatchObject({ id: 't-halo-beyonce', alternates: ['t-halo-beyonce-hits', 't-halo-beyonce-ost'] });
    // a recording listed once has no alternates; other artists' Halo stay separate results
    const soil = dupes.search('halo', { types: ['track'] }).results.find((hit) => hit.id === 't-halo-soil');
    expect(soil).toBeDefined();
    expect(soil!.alternates).toBeUndefined();
  });

  it("picks the canonical row among the rows that pass the query's filters", () => {
    // a more popular row of the same recording tagged rock (rows differ in genre tags)
    const tagged = createSearchFixtureCatalog();
    const halo = tagged.tracks.find((track) => track.id === 't-halo-beyonce')!;
    tagged.tracks.push({ ...halo, id: 't-halo-beyonce-rock', popularity: 95, genres: ['rock'] });
    const engine = buildSearchIndex(CatalogStore.fromCatalog(tagged));
    expect(engine.search('halo', { types: ['track'] }).results[0]).toMatchObject({ id: 't-halo-beyonce-rock', alternates: ['t-halo-beyonce'] });
    const filtered = engine.search('halo no rock', { types: ['track'] }).results;
    expect(filtered[0]!.id).toBe('t-halo-beyonce');
    expect(filtered.map((hit) => hit.id)).not.toContain('t-halo-beyonce-rock');
  });
});

describe('personal affinity', () => {
  it("moves a user's artist up among identical titles and says so", () => {
    const affinity = { artists: [{ id: 'ar-lisa', weight: 1 }], genres: [] };
    const plain = ids('halo', { types: ['track'] });
    const personal = engine.search('halo', { types: ['track'], affinity }).results;
    expect(plain.indexOf('t-halo-lisa')).toBeGreaterThan(0);
    expect(personal[0]!.id).toBe('t-halo-lisa');
    expect(personal[0]!.matched).toContain('you play this artist');
  });
});

describe('dense retrieval for descriptive queries', () => {
  it('reads "sad songs 2000s" through the lexicon and keeps every track inside 2000–2009', () => {
    const response = engine.search('sad songs 2000s', { types: ['track'], limit: 10 });
    expect(response.descriptive?.constraints).toContain('year 2000–2009');
    expect(response.results.length).toBeGreaterThan(3);
    for (const hit of response.results) {
      const year = store.trackReleaseYear[store.trackIndex(hit.id)]!;
      expect(year, hit.name).toBeGreaterThanOrEqual(2000);
      expect(year, hit.name).toBeLessThanOrEqual(2009);
    }
    // sad = low valence: the top results lean sad
    const valence = store.featureColumn('valence');
    const top = response.results.slice(0, 5).map((hit) => valence[store.trackIndex(hit.id)]!);
    expect(top.reduce((sum, value) => sum + value, 0) / top.length).toBeLessThan(0.4);
  });

  it('keeps a known item first when its title is also a descriptive word', () => {
    expect(ids('digital love')[0]).toBe('t-digital-love');
  });

  it('runs lexical only when built without content vectors', () => {
    const lexicalOnly = buildSearchIndex(store, { content: false });
    expect(lexicalOnly.info().dense).toBe(false);
    // the reading still binds lexical hits (the year range: this catalog has years) and is reported
    expect(lexicalOnly.search('sad songs 2000s').descriptive?.constraints).toEqual(['year 2000–2009']);
    expect(lexicalOnly.search('beyonse halo').results[0]!.id).toBe('t-halo-beyonce');
  });
});

describe('suggest', () => {
  it('completes prefixes of names, later words and "artist title"', () => {
    expect(engine.suggest('beyo')[0]).toMatchObject({ type: 'artist', id: 'ar-beyonce' });
    expect(engine.suggest('glory b').map((hit) => hit.id)).toContain('t-glory-box');
    expect(engine.suggest('box').map((hit) => hit.id)).toContain('t-glory-box');
    const artistTitle = engine.suggest('daft punk one');
    expect(artistTitle[0]).toMatchObject({ id: 't-one-more-time' });
    expect(artistTitle[0]!.matched[0]).toBe('prefix: daft punk one→Daft Punk One More Time');
  });

  it('falls back to typo-tolerant matches when nothing completes', () => {
    const hits = engine.suggest('beyonse');
    expect(hits.map((hit) => hit.id)).toContain('ar-beyonce');
    expect(hits[0]!.matched).toContain('typo: beyonse→Beyoncé');
  });

  it('respects types and limit', () => {
    const hits = engine.suggest('h', { types: ['track'], limit: 2 });
    expect(hits).toHaveLength(2);
    expect(hits.every((hit) => hit.type === 'track')).toBe(true);
  });
});

describe('serialize / load', () => {
  it('round-trips to an engine that gives identical results', () => {
    const buffer = serializeSearchIndex(engine);
    const loaded = loadSearchIndex(buffer, store, engine.contentIndex);
    expect(loaded.info()).toEqual(engine.info());
    for (const query of ['beyonse halo', 'halo', 'daft punk', 'sad songs 2000s', 'glory', 'electrique']) {
      expect(loaded.search(query), query).toEqual(engine.search(query));
      expect(loaded.suggest(query), query).toEqual(engine.suggest(query));
    }
  });

  it('refuses another catalog and damaged bytes with a clear error', () => {
    const buffer = serializeSearchIndex(engine);
    expect(() => loadSearchIndex(buffer, createSearchFixtureStore({ filler: 10 }))).toThrow(/built for 160 tracks/);
    expect(() => loadSearchIndex(Buffer.from('nope'), store)).toThrow(/bad magic bytes/);
    expect(() => loadSearchIndex(buffer.subarray(0, buffer.length - 10), store)).toThrow(/truncated/);
  });
});

describe('fusion weights per request (experiments set them through config)', () => {
  const scored = (query: string, fusion: object, options = {}) => engine.search(query, { ...options, fusion }).results.map((hit) => `${hit.id}:${hit.score.toFixed(4)}`);
  it('default weights change nothing', () => {
    expect(scored('halo', {}, { types: ['track'] })).toEqual(engine.search('halo', { types: ['track'] }).results.map((hit) => `${hit.id}:${hit.score.toFixed(4)}`));
  });
  it('the RRF constant sets the rank discount: k = 1 gives 1, 2/3, 1/2', () => {
    const scores = engine.search('halo', { types: ['track'], fusion: { rrfK: 1 } }).results.map((hit) => hit.score);
    [1, 2 / 3, 0.5].forEach((expected, i) => expect(scores[i]).toBeCloseTo(expected, 3));
  });
  it('a heavier popularity prior reorders a descriptive query; a zero lexical weight silences the lexical list', () => {
    expect(scored('sad songs 2000s', { popularity: 5 }).slice(0, 4)).not.toEqual(scored('sad songs 2000s', {}).slice(0, 4));
    expect(engine.search('halo', { types: ['track'], fusion: { lexical: 0 } }).results.every((hit) => hit.score === 0)).toBe(true);
  });
});

describe('a rare known word one edit from a common one', () => {
  it('is also read as the common word: "ross bloom" finds Roses Bloom, while "rick ross" stays Rick Ross', () => {
    const track = (id: string, title: string, artistIds: string[], popularity: number) => ({
      id, title, artistIds, popularity, durationMs: 200_000, explicit: false, genres: ['pop'], subgenres: [],
    });
    const catalog = CatalogStore.fromCatalog({
      artists: [{ id: 'ross', name: 'Rick Ross', genres: ['rap'] }, { id: 'gard', name: 'The Gardeners', genres: ['pop'] }],
      albums: [],
      tracks: [
        track('bloom', 'Roses Bloom', ['gard'], 30),
        track('money', 'Money', ['ross'], 90),
        ...['Red', 'White', 'Wild', 'Blue', 'Paper', 'Dead', 'Pink', 'Gold', 'Black'].map((word, i) => track(`r${i}`, `${word} Roses`, ['gard'], 40)),
      ],
    });
    const small = buildSearchIndex(catalog, { content: false });
    expect(small.search('ross bloom').results[0]).toMatchObject({ id: 'bloom' });
    expect(small.search('ross bloom').results[0]!.matched).toContain('typo: ross→Roses');
    expect(small.search('rick ross').results[0]).toMatchObject({ type: 'artist', id: 'ross' });
  });
});

describe('learned text → track model from playlist names', () => {
  it('answers words only playlists use, says so, and survives serialization', async () => {
    const { createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, VectorIndex } = await import('@mixtape/embeddings');
    const { trainSemanticModel } = await import('./semantic');
    const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const vectors = encodeCatalogContent(encoder, store);
    const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', metric: 'ip', ids: store.columns.trackIds, vectors });
    const rainy = ['t-glory-box', 't-boxer'].map((id) => store.trackIndex(id));
    const loud = ['t-dont-stop', 't-one-more-time'].map((id) => store.trackIndex(id));
    // "attic window": words no lexicon reads, only these playlists; "sad songs": words the lexicon reads whole
    const playlists = Array.from({ length: 12 }, (_, p) => ({ name: p % 2 === 0 ? 'attic window blues' : p % 4 === 1 ? 'loud party' : 'sad songs', items: p % 2 === 0 ? rainy : loud }));
    const semantic = trainSemanticModel(playlists, vectors, encoder.dim, { seed: 3 });
    const learned = buildSearchIndex(store, { content: { index, encoder }, semantic });
    const response = learned.search('attic window', { types: ['track'], limit: 5 });
    expect(response.learned?.terms).toEqual(['attic window']);
    const top = response.results.map((hit) => hit.id);
    const rainyIds = rainy.map((track) => store.trackId(track));
    expect(top.some((id) => rainyIds.includes(id))).toBe(true);
    expect(response.results[0]!.matched).toContain('playlists say: attic window');
    const party = learned.search('loud party', { types: ['track'], limit: 5 }).results.map((hit) => hit.id);
    expect(party.some((id) => rainyIds.includes(id))).toBe(false);
    // a query the lexicon reads whole keeps the lexicon's reading alone (the model knows "sad songs" too)
    const sad = learned.search('sad songs', { types: ['track'], limit: 5 });
    expect(sad.descriptive?.coverage).toBe(1);
    expect(sad.learned).toBeUndefined();
    expect(sad.results.map((hit) => hit.id)).toEqual(buildSearchIndex(store, { content: { index, encoder } }).search('sad songs', { types: ['track'], limit: 5 }).results.map((hit) => hit.id));
    // half read by the lexicon ("sad"), the model's list joins in for the rest
    expect(learned.search('sad attic', { types: ['track'], limit: 5 }).learned?.terms).toEqual(['sad', 'attic']);
    // navigational queries are not touched
    expect(learned.search('halo').learned).toBeUndefined();
    // format 4: the model is stored once, apart from the index, and handed to the loader
    const bytes = serializeSearchIndex(learned);
    expect(bytes.includes(Buffer.from('attic window'))).toBe(false);
    expect(loadSearchIndex(bytes, store, index).info().semanticFeatures).toBe(0);
    const reloaded = loadSearchIndex(bytes, store, index, { semantic });
    expect(reloaded.info().semanticFeatures).toBe(semantic.vocabulary.length);
    expect(reloaded.search('attic window', { types: ['track'], limit: 5 }).results.map((hit) => hit.id)).toEqual(response.results.map((hit) => hit.id));
    // a format-3 file (the model embedded as sections semantic.*) still loads with its model
    const formatThree = asFormatThree(bytes, semantic);
    const old = loadSearchIndex(formatThree, store, index);
    expect(old.info().semanticFeatures).toBe(semantic.vocabulary.length);
    expect(old.search('attic window', { types: ['track'], limit: 5 }).results.map((hit) => hit.id)).toEqual(response.results.map((hit) => hit.id));
    const future = Buffer.from(bytes);
    future.writeUInt32LE(5, 4);
    expect(() => loadSearchIndex(future, store, index)).toThrow(/format version 5; this build reads versions 3 and 4 \(rebuild the index\)/);
  });
});

/** A format-4 file rewritten the way format 3 stored an engine with a text model (sections semantic.* at the end). */
function asFormatThree(bytes: Buffer, model: { method: string; dim: number; vocabulary: readonly string[]; vectors: Float32Array }): Buffer {
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as { version: number; semantic?: unknown; sections: { name: string; offset: number; length: number }[] };
  let body = bytes.subarray(12 + headerLength);
  const append = (name: string, section: Buffer) => {
    header.sections.push({ name, offset: body.length, length: section.length });
    body = Buffer.concat([body, section, Buffer.alloc((8 - (section.length % 8)) % 8)]);
  };
  append('semantic.vocabulary', Buffer.from(model.vocabulary.join('\n'), 'utf8'));
  append('semantic.vectors', Buffer.from(model.vectors.buffer, model.vectors.byteOffset, model.vectors.byteLength));
  header.version = 3;
  header.semantic = { method: model.method, dim: model.dim };
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - ((12 + Buffer.byteLength(text)) % 8)) % 8);
  const prefix = Buffer.alloc(12);
  prefix.write('MXSI', 0, 'ascii');
  prefix.writeUInt32LE(3, 4);
  prefix.writeUInt32LE(Buffer.byteLength(text), 8);
  return Buffer.concat([prefix, Buffer.from(text, 'utf8'), body]);
}
