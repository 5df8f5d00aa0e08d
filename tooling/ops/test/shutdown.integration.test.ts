// SIGTERM under load on a real playlists process: every request in flight when the signal
// arrives completes (201, persisted), new connections are refused, the process exits 0.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authHeaders } from '../src/index';
import { usePlaylistsWithFakeLlm } from './playlists-process';

const IN_FLIGHT = 40;

describe('graceful shutdown under load', () => {
  const setup = usePlaylistsWithFakeLlm('sigterm', {
    // Every request waits on the (held) model, so all of them are in flight at SIGTERM.
    MIXTAPE_LLM_MAX_RETRIES: '0',
    MIXTAPE_LLM_TIMEOUT_MS: '30000',
    SHUTDOWN_TIMEOUT_MS: '20000',
  });

  it('drains every in-flight request, persists each playlist, then exits 0', async () => {
    setup.llm.hold();
    const requests = Array.from({ length: IN_FLIGHT }, (_, i) =>
      fetch(`${setup.playlists.url}/v1/playlists`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders },
        body: JSON.stringify({ prompt: `late night drive number ${i}`, length: 6 }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { id?: string; fallbackReason?: string } })),
    );
    // Wait until the service has every request in hand (each is waiting on the model).
    const deadline = Date.now() + 30_000;
    while (setup.llm.pending() < IN_FLIGHT && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(setup.llm.pending()).toBe(IN_FLIGHT);

    setup.playlists.child.kill('SIGTERM');
    await setup.playlists.waitForOutput((text) => text.includes('"msg":"shutdown started: not ready"'), 10_000, 'the shutdown to begin');
    const started = setup.playlists.output().split('\n').find((line) => line.includes('"msg":"shutdown started: not ready"'))!;
    expect((JSON.parse(started) as { inFlight: number }).inFlight).toBe(IN_FLIGHT);
    // Draining: readiness is off and the listener is closing, but the 40 requests are still running.
    const refused = await fetch(`${setup.playlists.url}/v1/playlists`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders }, body: '{"prompt":"too late"}' }).then(
      (response) => response.status,
      () => 'connection refused',
    );
    expect([503, 'connection refused']).toContain(refused);

    setup.llm.release();
    const results = await Promise.all(requests);
    expect(results.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(IN_FLIGHT);
    expect(results.every((r) => r.body.fallbackReason !== undefined)).toBe(true);

    expect(await setup.playlists.exited).toBe(0);
    expect(setup.playlists.output()).toContain('server closed: in-flight requests drained');
    // Persisted before the 201: every id is in the store file.
    const stored = await readFile(join(setup.work, 'playlists', 'playlists.jsonl'), 'utf8');
    for (const { body } of results) expect(stored).toContain(`"${body.id!}"`);
  });
});
