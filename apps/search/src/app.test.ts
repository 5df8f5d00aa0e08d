import { createSearchFixtureEngine } from '@mixtape/search-index/testing';
import type { SearchEngine } from '@mixtape/search-index';
import { checkServiceBasics, createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from './app';

const fixtureEngine = createSearchFixtureEngine();

function setup(options: { engine?: SearchEngine } = { engine: fixtureEngine }) {
  const { context, logs } = createTestServiceContext({ name: 'search' });
  const slot: { engine?: SearchEngine } = { engine: options.engine };
  const app = createApp({
    context,
    engine: () => slot.engine,
    affinity: (userId) => (userId === 'user-lisa' ? { artists: [{ id: 'ar-lisa', weight: 1 }], genres: [] } : undefined),
  });
  return { app, context, logs, slot };
}

describe('search createApp', () => {
  it('keeps the service basics: /livez, /readyz 503 then 200, /v1/info, /metrics, 404 shape', async () => {
    const { app, context } = setup();
    await checkServiceBasics(app, context);
  });

  it('says which service answers on /v1/info, with the index size once loaded', async () => {
    const { app, context, slot } = setup({});
    await request(app).get('/v1/info').expect(200, { service: 'search', version: context.version, status: 'starting' });
    slot.engine = fixtureEngine;
    const response = await request(app).get('/v1/info').expect(200);
    expect(response.body.index).toMatchObject({ tracks: 160, dense: true });
  });

});

describe('GET /v1/search', () => {
  it('returns {query, results} with type, id, name, artists, score and matched', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/search').query({ q: 'beyonse halo', limit: 3 }).expect(200);
    expect(response.body.query).toBe('beyonse halo');
    expect(response.body.results).toHaveLength(3);
    expect(response.body.results[0]).toEqual({
      type: 'track',
      id: 't-halo-beyonce',
      name: 'Halo',
      artists: [{ id: 'ar-beyonce', name: 'Beyoncé' }],
      score: expect.any(Number),
      matched: expect.arrayContaining(['typo: beyonse→Beyoncé']),
    });
  });

  it('filters by types, pages with offset and personalizes with userId', async () => {
    const { app } = setup();
    const artists = await request(app).get('/v1/search').query({ q: 'daft punk', types: 'artist' }).expect(200);
    expect(artists.body.results.map((hit: { type: string }) => hit.type)).toEqual(['artist']);
    const personal = await request(app).get('/v1/search').query({ q: 'halo', types: 'track', userId: 'user-lisa' }).expect(200);
    expect(personal.body.personalized).toBe(true);
    expect(personal.body.results[0]).toMatchObject({ id: 't-halo-lisa', matched: expect.arrayContaining(['you play this artist']) });
    const unknownUser = await request(app).get('/v1/search').query({ q: 'halo', types: 'track', userId: 'user-x' }).expect(200);
    expect(unknownUser.body.personalized).toBe(false);
    expect(unknownUser.body.results[0].id).toBe('t-halo-beyonce');
    const page = await request(app).get('/v1/search').query({ q: 'halo', types: 'track', limit: 1, offset: 1 }).expect(200);
    expect(page.body.results.map((hit: { id: string }) => hit.id)).toEqual(['t-halo-soil']);
  });

  it('reads the query language and says how: title:, OR, -word; typeahead takes "artist:" as text', async () => {
    const { app } = setup();
    const field = await request(app).get('/v1/search').query({ q: 'halo artist:soil -live' }).expect(200);
    expect(field.body.operators).toEqual(['not: live', 'required: artist: soil']);
    expect(field.body.results[0].id).toBe('t-halo-soil');
    for (const hit of field.body.results) expect(hit.type === 'artist' ? hit.id : hit.artists[0].id).toBe('ar-soil');
    const plain = await request(app).get('/v1/search').query({ q: 'halo' }).expect(200);
    expect(plain.body.operators).toBeUndefined();
    await request(app).get('/v1/suggest').query({ q: 'halo artist:' }).expect(200);
  });

  it('passes the learned model\'s reading through (the engine had it; the HTTP answer dropped it)', async () => {
    const { createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, VectorIndex } = await import('@mixtape/embeddings');
    const { buildSearchIndex, trainSemanticModel } = await import('@mixtape/search-index');
    const { createSearchFixtureStore } = await import('@mixtape/search-index/testing');
    const store = createSearchFixtureStore();
    const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const vectors = encodeCatalogContent(encoder, store);
    const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', metric: 'ip', ids: store.columns.trackIds, vectors });
    const rainy = ['t-glory-box', 't-boxer'].map((id) => store.trackIndex(id));
    const playlists = Array.from({ length: 12 }, (_, p) => ({ name: p % 2 === 0 ? 'attic window blues' : 'loud party', items: p % 2 === 0 ? rainy : [store.trackIndex('t-dont-stop')] }));
    const engine = buildSearchIndex(store, { content: { index, encoder }, semantic: trainSemanticModel(playlists, vectors, encoder.dim, { seed: 3 }) });
    const { app } = setup({ engine });
    const response = await request(app).get('/v1/search').query({ q: 'attic window', types: 'track' }).expect(200);
    expect(response.body.learned).toEqual({ terms: ['attic window'], coverage: 1 });
  });

  it('reports the descriptive reading of a descriptive query', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/search').query({ q: 'sad songs 2000s', types: 'track' }).expect(200);
    expect(response.body.descriptive.constraints).toEqual(['year 2000–2009']);
  });

  it.each([
    ['an empty query', { q: '' }, 'EMPTY_QUERY', /q is empty/],
    ['a whitespace query', { q: '   ' }, 'EMPTY_QUERY', /q is empty/],
    ['an over-long query', { q: 'x'.repeat(201) }, 'QUERY_TOO_LONG', /201 characters long; at most 200/],
    ['a control character', { q: 'halo\u0007' }, 'QUERY_CONTROL_CHARACTER', /control character \(U\+0007\) at position 4/],
    ['punctuation only', { q: '?!' }, 'QUERY_NOTHING_SEARCHABLE', /no letters, digits or symbols/],
    ['a field without a word', { q: 'halo artist:' }, 'SEARCH_SYNTAX', /^q: artist: needs a word right after the colon, e\.g\. artist:halo/],
  ])('answers 400 for %s', async (_label, query, code, message) => {
    const { app } = setup();
    const response = await request(app).get('/v1/search').query(query).expect(400);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(message);
    expect(response.body.error.details.issues[0].path).toBe('query.q');
  });

  it.each(['0x10', '1e1', '+5', ' 5', '5.0'])('refuses limit=%j (JavaScript reads it as a number): decimal digits only', async (limit) => {
    const { app } = setup();
    const response = await request(app).get('/v1/search').query({ q: 'halo', limit }).expect(400);
    expect(response.body.error.details.issues).toHaveLength(1);
    expect(response.body.error.details.issues[0].path).toBe('query.limit');
    // "5.0" is decimal but has a fraction: its message says so ("without a fraction … (write "5")")
    const form = limit === '5.0' ? 'without a fraction' : 'in plain decimal digits';
    expect(response.body.error.details.issues[0].message.startsWith(`expected an integer from 1 to 100 ${form}, got ${JSON.stringify(limit)}`)).toBe(true);
  });

  it('answers 400 listing the bad parameters', async () => {
    const { app } = setup();
    const missing = await request(app).get('/v1/search').expect(400);
    expect(missing.body.error.details.issues).toEqual([{ path: 'query.q', message: 'is required: the text to search for' }]);
    const bad = await request(app).get('/v1/search').query({ q: 'halo', types: 'track,song', limit: '0' }).expect(400);
    const paths = bad.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['query.types', 'query.limit']));
    expect(JSON.stringify(bad.body.error.details)).toContain('unknown type \\"song\\"');
  });

  it('answers 503 NOT_READY while no engine is loaded, and serves once one is swapped in', async () => {
    const { app, slot } = setup({});
    const response = await request(app).get('/v1/search').query({ q: 'halo' }).expect(503);
    expect(response.body.error.code).toBe('NOT_READY');
    await request(app).get('/v1/suggest').query({ q: 'ha' }).expect(503);
    slot.engine = fixtureEngine;
    await request(app).get('/v1/search').query({ q: 'halo' }).expect(200);
  });
});

describe('GET /v1/suggest', () => {
  it('completes a prefix', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/suggest').query({ q: 'beyo' }).expect(200);
    expect(response.body.query).toBe('beyo');
    expect(response.body.results[0]).toMatchObject({ type: 'artist', id: 'ar-beyonce', name: 'Beyoncé' });
    expect(response.body.results[0].matched[0]).toBe('prefix: beyo→Beyoncé');
  });

  it('answers 400 for an empty prefix', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/suggest').query({ q: '' }).expect(400);
    expect(response.body.error.code).toBe('EMPTY_QUERY');
  });
});
