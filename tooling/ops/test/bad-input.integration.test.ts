// Hostile and odd input against the running services: malformed JSON, oversized bodies, wrong
// types, unknown ids and unicode edge cases. Every answer is a clear 4xx with the error model
// ({error:{code,message},requestId}) or a correct result — never a 500.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBundleStore } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { createApp as createSearchApp, searchConfigSchema } from '@mixtape/search';
import { createSearchFixtureEngine } from '@mixtape/search-index/testing';
import { createLogger, createServiceContext, parseConfig } from '@mixtape/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { authHeaders, startServiceProcess } from '../src/index';
import type { ServiceProcess } from '../src/index';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

/** A 4xx with the service error model; returns the body for further checks. */
async function expectClientError(response: Response, status: number, code?: string | RegExp): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.message.length, text).toBeGreaterThan(0);
  expect(body.requestId).toMatch(/\S/);
  if (code) expect(body.error.code).toMatch(code);
  return body;
}

const post = (url: string, body: string, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...authHeaders }, body });

/** Raw bytes to a port; what the server wrote back before closing, split into status, headers, JSON body. */
function rawRequest(url: string, bytes: string): Promise<{ status: number; head: string; body: ErrorBody }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      try {
        resolve({ status: Number(head.split(' ')[1]), head, body: JSON.parse(body) as ErrorBody });
      } catch (error) {
        reject(new Error(`not a JSON error answer: ${JSON.stringify(answer.slice(0, 300))}`, { cause: error }));
      }
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

// The unicode cases: a lone surrogate cannot be sent as UTF-8, so it goes as the JSON escape
// (bodies) or as the invalid UTF-8 bytes %ED%A0%80 (query strings).
const UNICODE_TEXT: Array<[string, string]> = [
  ['right-to-left (Arabic)', 'موسيقى هادئة للدراسة'],
  ['right-to-left (Hebrew) mixed with Latin', 'שירים chill בערב'],
  ['zero-width space and joiner', 'chill\u200b lo\u200dfi\u2060 beats'],
  ['emoji with variation selector and ZWJ sequence', '🌧️ rainy day 👩‍🎤 vibes'],
  ['combining marks (NFD)', 'cafe\u0301 jazz for a rainy afternoon'],
  ['bidi override characters', '\u202eevil\u202c upbeat songs'],
];

describe('playlists: bodies and prompts', () => {
  let playlists: ServiceProcess;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mixtape-bad-input-'));
    playlists = await startServiceProcess('playlists', { PLAYLISTS_DATA_DIR: join(work, 'playlists'), PLAYLISTS_SYNTHETIC_TRACKS: '600' });
    await playlists.waitUntilReady(90_000);
  });
  afterAll(async () => {
    await playlists?.stop();
    await rm(work, { recursive: true, force: true });
  });
  const create = (body: string, contentType?: string) => post(`${playlists.url}/v1/playlists`, body, contentType);

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    for (const body of ['{"prompt": "chill",', '{prompt: chill}', '"unterminated', '{"prompt":"a"}}']) {
      await expectClientError(await create(body), 400, 'MALFORMED_JSON');
    }
  });

  it('a body over BODY_LIMIT → 413, and the service keeps serving', async () => {
    const huge = JSON.stringify({ prompt: 'x'.repeat(300 * 1024) });
    await expectClientError(await create(huge), 413);
    expect((await create(JSON.stringify({ prompt: 'upbeat dance songs' }))).status).toBe(201);
  });

  it('wrong types and shapes → 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ prompt: 42 }, /prompt/],
      [{ prompt: 'chill', length: '12' }, /length/],
      [{ prompt: 'chill', length: 1e9 }, /length/],
      [{ prompt: 'chill', length: 3.5 }, /length/],
      [{ prompt: ['a', 'b'] }, /prompt/],
      [{ prompt: '' }, /prompt/],
      [{ prompt: '   ' }, /prompt/],
      [{ prompt: null }, /prompt/],
      [[], /body/],
      [{}, /prompt/],
    ];
    for (const [body, field] of cases) {
      const error = await expectClientError(await create(JSON.stringify(body)), 400);
      expect(JSON.stringify(error.error), JSON.stringify(body)).toMatch(field);
    }
  });

  it('a non-JSON content type is refused with a 4xx, not parsed', async () => {
    const response = await create('prompt=chill', 'application/x-www-form-urlencoded');
    expect([400, 415]).toContain(response.status);
    await expectClientError(response, response.status);
  });

  it('unknown playlist ids → 404', async () => {
    await expectClientError(await fetch(`${playlists.url}/v1/playlists/does-not-exist`), 404);
    await expectClientError(await post(`${playlists.url}/v1/playlists/does-not-exist/refine`, JSON.stringify({ prompt: 'less upbeat' })), 404);
  });

  it.each(UNICODE_TEXT)('prompt with %s → a playlist from the catalog', async (_case, prompt) => {
    const response = await create(JSON.stringify({ prompt, length: 8 }));
    const text = await response.text();
    expect(response.status, text).toBe(201);
    const body = JSON.parse(text) as { tracks: Array<{ trackId: string }>; prompt: string };
    expect(body.tracks.length).toBeGreaterThan(0);
    expect(body.prompt).toBe(prompt.trim());
  });

  it('prompt with a lone surrogate (JSON escape) → a playlist or a clear 400, never 500', async () => {
    for (const body of ['{"prompt":"\\ud800 chill evening"}', '{"prompt":"sad \\udfff songs"}']) {
      const response = await create(body);
      if (response.status === 400) await expectClientError(response, 400);
      else expect(response.status, await response.text()).toBe(201);
    }
  });

  it('NUL / control characters and zero-width-only prompts → 400 naming body.prompt (were accepted)', async () => {
    for (const prompt of ['chill\u0000house', 'beats\u0007', '\u200b\u200c\u200d', '\ufeff\u2060 \u200b']) {
      const error = await expectClientError(await create(JSON.stringify({ prompt })), 400, 'INVALID_INPUT');
      expect(JSON.stringify(error.error.details), JSON.stringify(prompt)).toContain('body.prompt');
    }
  });

  it('a wrong method on a known path → 405 with Allow (was 404)', async () => {
    const response = await fetch(`${playlists.url}/v1/playlists`, { method: 'GET' });
    expect(response.headers.get('allow')).toBe('POST');
    await expectClientError(response, 405, 'METHOD_NOT_ALLOWED');
    const deleted = await fetch(`${playlists.url}/v1/playlists/pl_x`, { method: 'DELETE' });
    expect(deleted.headers.get('allow')).toBe('GET, HEAD');
    await expectClientError(deleted, 405);
  });

  it("Node's own rejections (malformed request, headers over 16 KB) → the JSON error shape (were empty bodies)", async () => {
    const malformed = await rawRequest(playlists.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(malformed.status).toBe(400);
    expect(malformed.head).toMatch(/content-type: application\/json/i);
    expect(malformed.body.error.code).toBe('MALFORMED_REQUEST');
    expect(malformed.body.requestId).toMatch(/\S/);
    const large = await rawRequest(playlists.url, `GET /livez HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(large.status).toBe(431);
    expect(large.body.error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('writes without an API key → 401 (create included)', async () => {
    const response = await fetch(`${playlists.url}/v1/playlists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'chill' }) });
    await expectClientError(response, 401, 'UNAUTHORIZED');
  });

  it('an over-long prompt → 400 saying the limit', async () => {
    const error = await expectClientError(await create(JSON.stringify({ prompt: 'chill '.repeat(2000) })), 400);
    expect(error.error.message + JSON.stringify(error.error.details)).toMatch(/at most \d+ characters/);
  });
});

describe('home: events and user ids', () => {
  let home: ServiceProcess;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mixtape-bad-input-home-'));
    const uri = pathToFileURL(join(work, 'bundles')).href;
    await publishTestBundle(openBundleStore(uri), { version: 'bad-input-v1' });
    home = await startServiceProcess('home', { MIXTAPE_BUNDLE: uri, MIXTAPE_CACHE_DIR: join(work, 'cache'), MIXTAPE_BUNDLE_POLL_MS: '0' });
    await home.waitUntilReady(90_000);
  });
  afterAll(async () => {
    await home?.stop();
    await rm(work, { recursive: true, force: true });
  });
  const events = (body: string) => post(`${home.url}/v1/events`, body);

  it('malformed JSON → 400, oversized → 413', async () => {
    await expectClientError(await events('{"events": [{"userId": "user-1",'), 400, 'MALFORMED_JSON');
    const many = { events: Array.from({ length: 5000 }, () => ({ userId: 'user-1', trackId: 'x'.repeat(20), type: 'play' })) };
    await expectClientError(await events(JSON.stringify(many)), 413);
  });

  it('wrong types → 400 naming the field; an unknown track → 404', async () => {
    await expectClientError(await events(JSON.stringify({ events: 'play' })), 400);
    await expectClientError(await events(JSON.stringify({ events: [] })), 400);
    const wrongType = await expectClientError(await events(JSON.stringify({ events: [{ userId: 'user-1', trackId: 't', type: 'teleport' }] })), 400);
    expect(JSON.stringify(wrongType.error)).toMatch(/type/);
    const wrongTime = await expectClientError(await events(JSON.stringify({ events: [{ userId: 'user-1', trackId: 't', type: 'play', timestamp: 'yesterday' }] })), 400);
    expect(JSON.stringify(wrongTime.error)).toMatch(/timestamp/);
    await expectClientError(await events(JSON.stringify({ events: [{ userId: 'user-1', trackId: 'no-such-track', type: 'play' }] })), 404);
  });

  it('an event stamped in year 9999 → 400 saying the clock limit (was accepted)', async () => {
    for (const timestamp of ['9999-12-31T23:59:59Z', 253402300799000]) {
      const error = await expectClientError(await events(JSON.stringify({ events: [{ userId: 'user-1', trackId: 't', type: 'play', timestamp }] })), 400, 'INVALID_INPUT');
      expect(JSON.stringify(error.error.details)).toMatch(/body\.events\.0\.timestamp.*more than 1 hour ahead of the server clock/);
    }
  });

  it('query parameters of the wrong type → 400', async () => {
    for (const query of ['limit=abc', 'limit=0', 'limit=100000', 'shelves=nope', 'daypart=midnight-snack', 'explicit=maybe', 'limit=1&limit=2']) {
      await expectClientError(await fetch(`${home.url}/v1/users/user-1/home?${query}`), 400);
    }
  });

  it('unknown, unicode and over-long user ids → a cold-start page or a clear 4xx, never 500', async () => {
    const ids = ['nobody-here', encodeURIComponent('مستخدم'), encodeURIComponent('user\u200b-1'), encodeURIComponent('🎧'), encodeURIComponent('e\u0301'), 'x'.repeat(500)];
    for (const id of ids) {
      const response = await fetch(`${home.url}/v1/users/${id}/home?limit=3`);
      const text = await response.text();
      expect(response.status, `${id}: ${text}`).toBeLessThan(500);
      if (response.status === 200) expect((JSON.parse(text) as { shelves: unknown[] }).shelves.length, id).toBeGreaterThan(0);
      else await expectClientError(new Response(text, { status: response.status }), response.status);
    }
  });

  // Express's router throws URIError for a path parameter that is not valid UTF-8; service-kit maps it to 400.
  it('a path parameter that is not valid UTF-8 (%ED%A0%80) → 400, not 500', async () => {
    await expectClientError(await fetch(`${home.url}/v1/users/%ED%A0%80/home`), 400);
  });
});

// Search runs in-process (the same createApp, service-kit middleware and engine) over the
// search-index fixture: its cases need the fixture's known names (Beyoncé…), which a published
// test bundle does not have.
describe('search: queries', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // The schema may require a bundle URI; nothing is loaded from it here (the engine is given).
    const config = parseConfig(searchConfigSchema, { PORT: '0', NODE_ENV: 'development', RATE_LIMIT_PER_SECOND: '0', MIXTAPE_BUNDLE: 'file:///nonexistent/bundles' });
    const context = createServiceContext({ name: 'search', version: 'test', config, logger: createLogger({ name: 'search', level: 'silent' }) });
    const engine = createSearchFixtureEngine();
    context.readiness.markReady();
    server = createServer(createSearchApp({ context, engine: () => engine }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
  });
  const search = (query: string) => fetch(`${url}/v1/search?${query}`);
  const titles = async (response: Response) => {
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return (JSON.parse(text) as { results: Array<{ title?: string; name?: string }> }).results.map((r) => r.title ?? r.name ?? '');
  };

  it('finds Beyoncé typed with a combining accent (NFD), without the accent, and in upper case', async () => {
    for (const q of ['Beyonce\u0301', 'beyonce', 'BEYONCÉ']) {
      expect((await titles(await search(`q=${encodeURIComponent(q)}&types=artist`))).join('|'), q).toMatch(/Beyoncé/);
    }
  });

  // Zero-width characters pasted inside a word are dropped by search-index's normalization.
  it('zero-width characters inside a word do not break the match', async () => {
    expect((await titles(await search(`q=${encodeURIComponent('Bey\u200bon\u200dcé')}&types=artist`))).join('|')).toMatch(/Beyoncé/);
  });

  it.each(UNICODE_TEXT)('query with %s → 200 or a clear 400', async (_case, q) => {
    const response = await search(`q=${encodeURIComponent(q)}`);
    if (response.status === 400) await expectClientError(response, 400);
    else expect(response.status, await response.text()).toBe(200);
  });

  it('a lone surrogate (invalid UTF-8 %ED%A0%80) and control characters → 200 or a clear 400', async () => {
    for (const q of ['%ED%A0%80', 'love%ED%A0%80song', '%00', 'a%07b', '%FF%FE']) {
      const response = await search(`q=${q}`);
      if (response.status === 400) await expectClientError(response, 400);
      else expect(response.status, `${q}: ${await response.text()}`).toBe(200);
    }
  });

  it('wrong types → 400: missing q, q as an array or object, bad limit/offset/types, over-long q', async () => {
    for (const query of ['', 'q[]=a&q[]=b', 'q[a]=b', 'q=love&limit=abc', 'q=love&limit=1e9', 'q=love&offset=-1', 'q=love&types=planet', `q=${'a'.repeat(5000)}`, 'q=%20%20']) {
      await expectClientError(await search(query), 400);
    }
  });

  it('a JSON body on a GET route is ignored, malformed JSON on any POST is a 400', async () => {
    await expectClientError(await post(`${url}/v1/search`, '{"q":'), 400, 'MALFORMED_JSON');
  });
});
