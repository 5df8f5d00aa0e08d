// Secrets never reach the logs: a real playlists process with API keys and an LLM key, at
// debug level, receiving requests that carry keys in every place a client puts them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServiceProcess } from '../src/index';
import { usePlaylistsWithFakeLlm } from './playlists-process';

const API_KEY_A = 'mk_live_A7c9Qe2Lr8Tz5Wn3Vb6Y';
const API_KEY_B = 'mk_live_B4h1Jd8Ks2Xp9Cm5Fq7U';
const LLM_KEY = 'sk-proj-Zx8Wv7Ut6Sr5Qp4On3Ml2Kj1';
const WRONG_KEY = 'mk_guess_G0o1d2T3r4y5N6o7P8e9';
const COOKIE = 'session=c00kieS3cretV4lue99';
const QUERY_SECRET = 'qs_T0ken_in_the_URL_777';
const SECRETS = [API_KEY_A, API_KEY_B, LLM_KEY, WRONG_KEY, 'c00kieS3cretV4lue99', QUERY_SECRET];

describe('secrets stay out of the logs', () => {
  const setup = usePlaylistsWithFakeLlm('secrets', {
    LOG_LEVEL: 'trace',
    MIXTAPE_API_KEYS: `${API_KEY_A},${API_KEY_B}`,
    MIXTAPE_LLM_API_KEY: LLM_KEY,
    MIXTAPE_LLM_MAX_RETRIES: '1',
  });

  it('keys in Authorization, X-API-Key, cookies, query strings and the LLM call are never printed', async () => {
    const json = { 'content-type': 'application/json' };
    const created = await fetch(`${setup.playlists.url}/v1/playlists?api_key=${QUERY_SECRET}&token=${QUERY_SECRET}`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${API_KEY_A}`, cookie: COOKIE },
      body: JSON.stringify({ prompt: 'mellow acoustic morning', length: 5 }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // Security headers on every answer; no CORS headers unless CORS_ORIGINS is configured.
    expect(created.headers.get('x-content-type-options')).toBe('nosniff');
    expect(created.headers.get('x-frame-options')).toBe('DENY');
    expect(created.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${setup.playlists.url}/v1/playlists`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    // Protected endpoints: right key (both header styles), wrong key, no key.
    const feedback = (headers: Record<string, string>) =>
      fetch(`${setup.playlists.url}/v1/playlists/${id}/feedback`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ signal: 'like' }) });
    expect((await feedback({ authorization: `Bearer ${API_KEY_A}` })).status).toBeLessThan(300);
    expect((await feedback({ 'x-api-key': API_KEY_B })).status).toBeLessThan(300);
    expect((await feedback({ authorization: `Bearer ${WRONG_KEY}` })).status).toBe(401);
    expect((await feedback({})).status).toBe(401);
    expect((await fetch(`${setup.playlists.url}/v1/preferences/export?format=dpo`, { headers: { 'x-api-key': API_KEY_B } })).status).toBe(200);
    expect((await fetch(`${setup.playlists.url}/v1/preferences/export?format=dpo&apiKey=${WRONG_KEY}`)).status).toBe(401);

    expect(await setup.playlists.stop()).toBe(0);
    const output = setup.playlists.output();
    // The keys were really in use: the model got the LLM key, the service logged the requests.
    expect(setup.llm.authorizations).toContain(`Bearer ${LLM_KEY}`);
    expect(output.match(/"msg":"request completed"/g)?.length ?? 0).toBeGreaterThanOrEqual(7);
    expect(output).toMatch(/"statusCode":401/);
    for (const secret of SECRETS) expect(output, `log output contains ${secret}`).not.toContain(secret);
  });

  it('a bad config prints every problem without echoing secret values, and exits 1', async () => {
    const broken = await startServiceProcess('playlists', {
      MIXTAPE_API_KEYS: `${API_KEY_A},short-key`,
      MIXTAPE_LLM_API_KEY: LLM_KEY,
      MIXTAPE_LLM_BASE_URL: 'not a url',
      MIXTAPE_LLM_TIMEOUT_MS: 'soon',
      PLAYLISTS_DATA_DIR: join(setup.work, 'broken'),
    });
    expect(await broken.exited).toBe(1);
    const output = broken.output();
    expect(output).toMatch(/MIXTAPE_API_KEYS/);
    expect(output).toMatch(/MIXTAPE_LLM_BASE_URL/);
    expect(output).toMatch(/MIXTAPE_LLM_TIMEOUT_MS/);
    for (const secret of [API_KEY_A, 'short-key', LLM_KEY]) expect(output, `config error output contains ${secret}`).not.toContain(secret);
  });
});
