// A new user's whole path on the smallest real dataset (the Kaggle 2024 CSVs in
// ../shared/data/spotify-playlists-2024-popularity: 4,495 tracks, 115 playlists), through the
// `mixtape` CLI and the HTTP APIs exactly as the READMEs show them: data import → build (small
// settings) to file:// → bundle show → Home, Search and Playlists started on that bundle as real
// processes → one documented request each (plus events, Up next, radio, suggest). Bad input on
// the way fails with file:line and writes nothing. docs/results/real-data-walkthrough.md has the
// same walk on every dataset, by hand.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readSnapshot } from '@mixtape/catalog';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, startServiceProcess } from '../src/index';
import type { ServiceProcess } from '../src/index';
import { findWorkspaceRoot } from '../src/workspace';

const root = findWorkspaceRoot();
const data = join(root, '..', 'shared', 'data', 'spotify-playlists-2024-popularity');
// ../shared/data sits beside the repository in CI; only a bare checkout elsewhere skips this.
const skip = skipUnlessAvailable({ suite: 'real-data walkthrough (CLI → bundle → services)', needs: `the real dataset at ${data}`, available: existsSync(data), fix: 'check the repository out beside ../shared (CI does)' });

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `mixtape …` as a user runs it (the CLI's own entry point from source), one BLAS thread. */
function mixtape(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', join(root, 'apps', 'pipeline', 'src', 'main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ok = (run: CliRun): CliRun => {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
};

async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as T };
}

interface Item {
  trackId: string;
  title: string;
}

describe.skipIf(skip)('real-data walkthrough: spotify-2024 through the CLI and the three services', () => {
  let work: string;
  let bundleUri: string;
  let services: { home: ServiceProcess; search: ServiceProcess; playlists: ServiceProcess };
  /** every service process that started (afterAll stops them all) */
  const started: ServiceProcess[] = [];
  let store: Awaited<ReturnType<typeof readSnapshot>>['store'];
  let listener: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mixtape-walkthrough-'));
    bundleUri = pathToFileURL(join(work, 'bundles')).href;
  });
  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    await rm(work, { recursive: true, force: true });
  });

  it('imports the CSV folder; a truncated copy fails at its file and line and writes nothing', async () => {
    const truncated = join(work, 'truncated');
    await mkdir(truncated);
    const csv = await readFile(join(data, 'high_popularity_spotify_data.csv'), 'utf8');
    await writeFile(join(truncated, 'high_popularity_spotify_data.csv'), csv.slice(0, Math.floor(csv.length / 2)));
    const refused = await mixtape(['data', 'import', '--format', 'spotify-2024', '--input', truncated, '--out', join(work, 'refused'), '--quiet']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/high_popularity_spotify_data\.csv:\d+: field "\*": expected 29 fields, got "\d+ fields"/);
    expect(existsSync(join(work, 'refused'))).toBe(false);

    const imported = ok(await mixtape(['data', 'import', '--format', 'spotify-2024', '--input', data, '--out', join(work, 'data'), '--quiet']));
    expect(imported.stdout).toMatch(/wrote .*data: 4495 tracks, .* 115 users, 4831 interactions/);
    const snapshot = await readSnapshot(join(work, 'data'));
    store = snapshot.store;
    listener = snapshot.interactions.userId(0);
  }, 60_000);

  it('builds a small bundle to file://, shows it, and the three services start on it', async () => {
    // small settings: a minute of CPU, not the default's several
    const built = ok(
      await mixtape([
        'build', '--data', join(work, 'data'), '--out', bundleUri, '--dim', '16', '--epochs', '1', '--threads', '1',
        '--set', 'sequenceModel.epochs=1', '--set', 'sequenceModel.dim=16', '--set', 'sequenceModel.negatives=256', '--set', 'sequenceModel.validationRows=50',
        '--set', 'homeRanker.retrainItemVectors=false', '--set', 'homeRanker.folds=1',
      ]),
    );
    const version = /bundle (\S+) published to/.exec(built.stdout)?.[1];
    expect(version, built.stdout).toBeDefined();
    const shown = ok(await mixtape(['bundle', 'show', bundleUri]));
    expect(shown.stdout).toContain(`${version}  (LATEST)`);
    for (const file of ['dataset/catalog.bin', 'models/ranker.json', 'search/index.bin', 'models/sequence.bin']) expect(shown.stdout).toContain(file);
    // Spotify's own popularity figure, not one counted from these events: the ranker reads the catalog's
    expect(shown.stdout).toContain('popularity   the catalog’s popularity (the spotify-2024 data’s own figure, not counted from its events)');

    const env = (name: string) => ({ MIXTAPE_BUNDLE: bundleUri, MIXTAPE_CACHE_DIR: join(work, 'cache', name), MIXTAPE_BUNDLE_POLL_MS: '0', PLAYLISTS_DATA_DIR: join(work, 'playlists') });
    const starts = await Promise.allSettled([startServiceProcess('home', env('home')), startServiceProcess('search', env('search')), startServiceProcess('playlists', env('playlists'))]);
    // whatever started is stopped in afterAll, even when another service failed to start
    for (const start of starts) if (start.status === 'fulfilled') started.push(start.value);
    const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
    if (failed) throw failed.reason;
    const [home, search, playlists] = started;
    services = { home: home!, search: search!, playlists: playlists! };
    await Promise.all(Object.values(services).map((service) => service.waitUntilReady(90_000)));
    for (const service of Object.values(services)) {
      const ready = await getJson<{ detail: { bundle: { version: string } } }>(`${service.url}/readyz`);
      expect(ready.body.detail.bundle.version).toBe(version);
    }
  }, 240_000);

  it('Home: a listener of the dataset gets a personal page; events, Up next and radio answer', async () => {
    const page = await getJson<{ coldStart: boolean; shelves: { title: string; items: (Item & { reason: string })[] }[] }>(`${services.home.url}/v1/users/${encodeURIComponent(listener)}/home`);
    expect(page.status).toBe(200);
    expect(page.body.coldStart).toBe(false);
    const items = page.body.shelves.flatMap((shelf) => shelf.items);
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) expect(store.trackIndex(item.trackId), item.trackId).toBeGreaterThanOrEqual(0);
    // the 2024 CSV has no event times: no shelf may claim one
    for (const item of items) expect(item.reason).not.toMatch(/months ago/);

    const played = store.trackId(store.mostPopular(1)[0]!);
    const events = await getJson<{ accepted: number }>(`${services.home.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders },
      body: JSON.stringify({ events: [{ userId: listener, trackId: played, type: 'play', msPlayed: 30_000 }] }),
    });
    expect(events).toMatchObject({ status: 202, body: { accepted: 1 } });
    const next = await getJson<{ continuesFrom: Item; items: Item[] }>(`${services.home.url}/v1/users/${encodeURIComponent(listener)}/next?limit=5`);
    expect(next.status).toBe(200);
    expect(next.body.continuesFrom.trackId).toBe(played);
    expect(next.body.items).toHaveLength(5);
    const radio = await getJson<{ seed: Item; items: Item[] }>(`${services.home.url}/v1/radio?seedTrackId=${encodeURIComponent(played)}&limit=5`);
    expect(radio.status).toBe(200);
    expect(radio.body.items).toHaveLength(5);

    const bad = await getJson<{ error: { code: string; message: string } }>(`${services.home.url}/v1/users/${encodeURIComponent(listener)}/home?limit=abc`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', message: 'Invalid query: query.limit: Invalid input: expected number, got "abc"' } } });
    const unknown = await getJson<{ error: { code: string } }>(`${services.home.url}/v1/users/nobody-at-all/next`);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_USER' } } });
  }, 60_000);

  it('Search: the most popular title finds its track; typeahead completes a prefix', async () => {
    const track = store.mostPopular(1)[0]!;
    const title = store.trackTitle(track);
    const found = await getJson<{ results: { type: string; id: string }[] }>(`${services.search.url}/v1/search?q=${encodeURIComponent(title)}&limit=5`);
    expect(found.status).toBe(200);
    expect(found.body.results.find((result) => result.type === 'track')?.id).toBe(store.trackId(track));
    const suggest = await getJson<{ results: { name: string }[] }>(`${services.search.url}/v1/suggest?q=${encodeURIComponent(title.slice(0, 5))}`);
    expect(suggest.status).toBe(200);
    expect(suggest.body.results.length).toBeGreaterThan(0);
  });

  it('Playlists: a prompt becomes a playlist of catalog tracks, each with a note', async () => {
    const created = await getJson<{ id: string; tracks: (Item & { note: string })[] }>(`${services.playlists.url}/v1/playlists`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders },
      body: JSON.stringify({ prompt: 'upbeat pop for a workout', length: 8, userId: listener }),
    });
    expect(created.status).toBe(201);
    expect(created.body.tracks).toHaveLength(8);
    for (const track of created.body.tracks) {
      expect(store.trackIndex(track.trackId)).toBeGreaterThanOrEqual(0);
      expect(track.note.length).toBeGreaterThan(0);
    }
  });
});
