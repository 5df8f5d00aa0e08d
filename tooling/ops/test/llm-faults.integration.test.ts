// The LLM endpoint misbehaving under a real playlists process: hanging, answering 429/500,
// answering garbage. Each request still gets a playlist from the catalog (the offline planner
// takes over, and the answer says why), persisted before the 201.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authHeaders } from '../src/index';
import type { FakeLlmMode } from './fake-llm';
import { usePlaylistsWithFakeLlm } from './playlists-process';

describe('playlists when the LLM misbehaves', () => {
  const setup = usePlaylistsWithFakeLlm('llm-faults', {
    MIXTAPE_LLM_API_KEY: 'sk-fake-key-for-llm-fault-tests',
    MIXTAPE_LLM_MAX_RETRIES: '1',
    MIXTAPE_LLM_TIMEOUT_MS: '400',
  });

  const cases: Array<[string, FakeLlmMode]> = [
    ['hangs (past MIXTAPE_LLM_TIMEOUT_MS)', { kind: 'hang' }],
    ['answers 429 with Retry-After', { kind: 'status', status: 429, retryAfter: '1' }],
    ['answers 500', { kind: 'status', status: 500 }],
    ['answers 200 with HTML', { kind: 'garbage', body: '<html>bad gateway</html>', contentType: 'text/html' }],
    ['answers 200 with truncated JSON', { kind: 'garbage', body: '{"choices":[{"message":{"content":"{\\"seeds' }],
    ['answers a completion whose content is not a plan', { kind: 'garbage', body: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Sure! Here are some songs: 1. Wonderwall' }, finish_reason: 'stop' }] }) }],
    ['answers a plan with the wrong types', { kind: 'garbage', body: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ filters: 'all of them', length: 'many' }) }, finish_reason: 'stop' }] }) }],
  ];

  it.each(cases)('LLM %s → 201 with catalog tracks from the offline planner, persisted', async (_case, mode) => {
    setup.llm.setMode(mode);
    const calls = setup.llm.authorizations.length;
    const response = await fetch(`${setup.playlists.url}/v1/playlists`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders },
      body: JSON.stringify({ prompt: 'sunny indie pop for a picnic', length: 8 }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(201);
    const body = JSON.parse(text) as { id: string; planner: string; fallbackReason?: string; tracks: Array<{ trackId: string }> };
    expect(setup.llm.authorizations.length).toBeGreaterThan(calls); // the model was asked
    expect(body.planner).toMatch(/fallback|offline/);
    expect(body.fallbackReason).toMatch(/\S/);
    // The internal endpoint and whatever it answered stay in the log, out of the response.
    expect(body.fallbackReason).not.toContain(new URL(setup.llm.baseUrl).host);
    expect(body.fallbackReason).not.toMatch(/<html>|bad gateway|Wonderwall|chat\/completions/i);
    expect(body.tracks.length).toBeGreaterThan(0);
    expect(await readFile(join(setup.work, 'playlists', 'playlists.jsonl'), 'utf8')).toContain(`"${body.id}"`);
  });
});
