import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPlan, PLAN_SCHEMA_VERSION } from '@mixtape/llm';
import { describe, expect, it } from 'vitest';
import { openFilePlaylistStore, PLAYLIST_STORE_FILE } from './store';

describe('file playlist store', () => {
  it('persists concurrent appends in call order, each durable before it resolves (group commit)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'playlist-store-'));
    const store = await openFilePlaylistStore({ directory });
    const writes = Array.from({ length: 50 }, (_unused, index) =>
      store.appendFeedback({ playlistId: 'pl_a', version: 1, trackId: `t${index}`, signal: index % 2 === 0 ? 'like' : 'skip', createdAt: index }),
    );
    await Promise.all(writes);
    expect(store.allFeedback().map((record) => record.trackId)).toEqual(Array.from({ length: 50 }, (_unused, index) => `t${index}`));
    const lines = readFileSync(join(directory, PLAYLIST_STORE_FILE), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(lines.map((line) => (JSON.parse(line) as { record: { trackId: string } }).record.trackId)).toEqual(Array.from({ length: 50 }, (_unused, index) => `t${index}`));
    await store.close();
    const reopened = await openFilePlaylistStore({ directory });
    expect(reopened.allFeedback()).toHaveLength(50);
    await reopened.close();
    await expect(store.appendFeedback({ playlistId: 'pl_a', version: 1, signal: 'like', createdAt: 99 })).rejects.toThrow('the store is closed');
  });

  it('refuses a version number that does not follow the last one, without writing it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'playlist-store-'));
    const store = await openFilePlaylistStore({ directory });
    const version = {
      playlistId: 'pl_b',
      version: 1,
      parentVersion: null,
      prompt: 'p',
      plan: createEmptyPlan(),
      planner: 'offline',
      trackIds: [],
      createdAt: 1,
      title: 't',
      description: 'd',
      tracks: [],
      bundleVersion: 'v1',
    };
    await store.appendVersion(version);
    await expect(store.appendVersion(version)).rejects.toThrow('version 1 after version 1');
    expect(readFileSync(join(directory, PLAYLIST_STORE_FILE), 'utf8').trimEnd().split('\n')).toHaveLength(1);
    await store.close();
  });

  it('reads versions stored with a schema-1 plan, upgraded to the current schema', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'playlist-store-'));
    const { liveness: _liveness, mode: _mode, ...oldFeatures } = createEmptyPlan().features;
    const { trackMinutes: _minutes, unavailable: _unavailable, rationale: _rationale, ...rest } = createEmptyPlan();
    const oldPlan = { ...rest, features: { ...oldFeatures, energy: { min: 0, max: 0.4 } }, schemaVersion: 1 };
    const record = { playlistId: 'pl_old', version: 1, parentVersion: null, prompt: 'calm', plan: oldPlan, planner: 'offline', trackIds: [], createdAt: 1, title: 't', description: 'd', tracks: [], bundleVersion: 'v1' };
    writeFileSync(join(directory, PLAYLIST_STORE_FILE), `${JSON.stringify({ kind: 'version', record })}\n`);
    const store = await openFilePlaylistStore({ directory });
    const [stored] = store.allVersions();
    expect(stored?.plan.schemaVersion).toBe(PLAN_SCHEMA_VERSION);
    expect(stored?.plan.features.energy).toEqual({ min: 0, max: 0.4 });
    expect(stored?.plan.unavailable).toEqual({ genres: [], artists: [] });
    expect(stored?.plan.trackMinutes).toBeNull();
    await store.close();
  });
});
