import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeExperiment, readoutToJson } from '@mixtape/experiments';
import { syntheticExperimentLog } from '@mixtape/experiments/testing';
import { createReadoutStore } from './readouts';
import { createConsoleServer } from './server';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixtape-console-readouts-'));
  const log = syntheticExperimentLog({ users: 600, seed: 4, variants: { control: { weight: 1 }, treatment: { weight: 1, effect: 1.2 } } });
  const readout = analyzeExperiment(log, { experiment: 'test', definition: log.config.experiments[0] });
  await writeFile(join(dir, 'older.json'), readoutToJson({ ...readout, experiment: 'older' }));
  await utimes(join(dir, 'older.json'), new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
  await writeFile(join(dir, 'test.json'), readoutToJson(readout));
  await writeFile(join(dir, 'simulation.json'), '{"aa": {}}\n');
  await writeFile(join(dir, 'broken.json'), '{');
  server = createConsoleServer({ services: { home: 'http://127.0.0.1:9', search: 'http://127.0.0.1:9', playlists: 'http://127.0.0.1:9' }, staticDir: dir, readouts: createReadoutStore(dir) });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

describe('experiment readouts', () => {
  it('lists readouts newest first, skipping JSON that is not a readout', async () => {
    const answer = await fetch(`${base}/api/experiments/readouts`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { configured: boolean; readouts: { name: string; experiment: string; verdict: string }[] };
    expect(body.configured).toBe(true);
    expect(body.readouts.map((r) => r.name)).toEqual(['test', 'older']);
    expect(body.readouts[0]).toMatchObject({ experiment: 'test', verdict: 'ship' });
  });

  it('serves one readout and renders its CI plot from the JSON', async () => {
    const readout = (await (await fetch(`${base}/api/experiments/readouts/test`)).json()) as { metrics: unknown[]; decision: { verdict: string } };
    expect(readout.decision.verdict).toBe('ship');
    expect(readout.metrics.length).toBeGreaterThan(0);
    const plot = await fetch(`${base}/api/experiments/readouts/test/plot.svg`);
    expect(plot.headers.get('content-type')).toBe('image/svg+xml');
    expect(plot.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await plot.text()).toMatch(/^<svg[\s\S]*plays per user[\s\S]*<\/svg>\n$/);
  });

  it('refuses bad names, unknown readouts, non-readouts and writes', async () => {
    expect((await fetch(`${base}/api/experiments/readouts/..%2Fsecret`)).status).toBe(400);
    expect((await fetch(`${base}/api/experiments/readouts/missing`)).status).toBe(404);
    const broken = await fetch(`${base}/api/experiments/readouts/broken`);
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('READOUT_INVALID');
    expect((await fetch(`${base}/api/experiments/readouts/simulation/plot.svg`)).status).toBe(422);
    expect((await fetch(`${base}/api/experiments/readouts/test/other`)).status).toBe(404);
    expect((await fetch(`${base}/api/experiments/readouts`, { method: 'POST' })).status).toBe(405);
  });

  it('says when no readout directory is configured', async () => {
    const store = createReadoutStore(undefined);
    expect(await store.list()).toEqual([]);
    await expect(store.get('x')).rejects.toThrow(/CONSOLE_EXPERIMENT_RESULTS/);
  });
});
