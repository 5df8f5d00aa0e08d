import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPlan, PLAN_SCHEMA_VERSION } from '@mixtape/llm';
import { describe, expect, it } from 'vitest';
import type { StoredPlaylistVersion } from './store';
import { decodeCursor, openFilePlaylistStore, PLAYLIST_STORE_FILE, PlaylistStoreError } from './store';

const directory = () => mkdtempSync(join(tmpdir(), 'playlist-store-'));
const lines = (dir: string) => readFileSync(join(dir, PLAYLIST_STORE_FILE), 'utf8').trimEnd().split('\n');

function version(playlistId: string, number: number, extra: Partial<StoredPlaylistVersion> = {}): StoredPlaylistVersion {
  return {
    playlistId,
    version: number,
    parentVersion: number === 1 ? null : number - 1,
    prompt: `prompt ${playlistId} v${number}`,
    plan: createEmptyPlan(),
    planner: 'offline',
    trackIds: ['t1', 't2'],
    createdAt: number,
    title: `title ${playlistId} ${number}`,
    description: 'd',
    tracks: [
      { trackId: 't1', title: 'One', artists: ['A'], note: 'n' },
      { trackId: 't2', title: 'Two', artists: ['B'], note: 'n' },
    ],
    bundleVersion: 'v1',
    ...extra,
  };
}

describe('file playlist store', () => {
  it('persists concurrent appends in call order, each durable before it resolves (group commit)', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir });
    await store.appendVersion(version('pl_a', 1));
    const writes = Array.from({ length: 50 }, (_unused, index) =>
      store.appendFeedback({ playlistId: 'pl_a', version: 1, trackId: `t${index}`, signal: index % 2 === 0 ? 'like' : 'skip', createdAt: index }),
    );
    await Promise.all(writes);
    expect(store.feedback('pl_a').map((record) => record.trackId)).toEqual(Array.from({ length: 50 }, (_unused, index) => `t${index}`));
    const written = lines(dir);
    expect(written).toHaveLength(51);
    expect(written.slice(1).map((line) => (JSON.parse(line) as { record: { trackId: string } }).record.trackId)).toEqual(Array.from({ length: 50 }, (_unused, index) => `t${index}`));
    await store.close();
    const reopened = await openFilePlaylistStore({ directory: dir });
    expect(reopened.feedback('pl_a')).toHaveLength(50);
    expect(await reopened.getVersion('pl_a')).toEqual(version('pl_a', 1));
    await reopened.close();
    await expect(store.appendVersion(version('pl_z', 1))).rejects.toThrow('the store is closed');
  });

  it('refuses a version number that does not follow the last one, without writing it', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir });
    await store.appendVersion(version('pl_b', 1));
    await expect(store.appendVersion(version('pl_b', 1))).rejects.toMatchObject({ code: 'VERSION_CONFLICT', message: 'playlist pl_b: version 1 after version 1' });
    expect(lines(dir)).toHaveLength(1);
    await store.close();
  });

  it('stores 200 identical likes once (was 200 lines), also when they arrive at the same time', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir });
    await store.appendVersion(version('pl_c', 1));
    const like = { playlistId: 'pl_c', version: 1, trackId: 't1', signal: 'like' as const, createdAt: 5 };
    const results = await Promise.all(Array.from({ length: 100 }, (_unused, index) => store.appendFeedback({ ...like, createdAt: 5 + index })));
    for (let index = 0; index < 100; index++) expect((await store.appendFeedback({ ...like, createdAt: 1000 + index })).stored).toBe(false);
    expect(results.filter((result) => result.stored)).toHaveLength(1);
    // Duplicates answer with the record that was kept.
    expect(results.every((result) => result.record.createdAt === 5)).toBe(true);
    // A different signal, track or version is different feedback.
    expect((await store.appendFeedback({ ...like, signal: 'save' })).stored).toBe(true);
    expect((await store.appendFeedback({ ...like, trackId: 't2' })).stored).toBe(true);
    expect((await store.appendFeedback({ playlistId: 'pl_c', version: 1, signal: 'like', createdAt: 9 })).stored).toBe(true);
    expect(lines(dir)).toHaveLength(1 + 4);
    expect(store.stats().feedback).toBe(4);
    await store.close();
  });

  it('loads a file written before deduplication with each repeat counted once', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir });
    await store.appendVersion(version('pl_d', 1));
    await store.close();
    const repeat = JSON.stringify({ kind: 'feedback', record: { playlistId: 'pl_d', version: 1, trackId: 't1', signal: 'like', createdAt: 1 } });
    appendFileSync(join(dir, PLAYLIST_STORE_FILE), `${repeat}\n${repeat}\n${repeat}\n`);
    const reopened = await openFilePlaylistStore({ directory: dir });
    expect(reopened.feedback('pl_d')).toHaveLength(1);
    await reopened.close();
  });

  it('caps versions per playlist: the next one is refused with VERSION_LIMIT_REACHED and nothing is written', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir, maxVersionsPerPlaylist: 3 });
    for (let number = 1; number <= 3; number++) await store.appendVersion(version('pl_e', number));
    const refused = await store.appendVersion(version('pl_e', 4)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlaylistStoreError);
    expect(refused).toMatchObject({ code: 'VERSION_LIMIT_REACHED', details: { playlistId: 'pl_e', maxVersions: 3 } });
    expect((refused as Error).message).toMatch(/has reached the limit of 3 versions; create a new playlist/);
    expect(lines(dir)).toHaveLength(3);
    await store.appendVersion(version('pl_other', 1));
    await store.close();
    // A lowered cap does not make history unreadable.
    const reopened = await openFilePlaylistStore({ directory: dir, maxVersionsPerPlaylist: 2 });
    expect(reopened.versionNumbers('pl_e')).toEqual([1, 2, 3]);
    await reopened.close();
  });

  it('keeps only the LRU of versions parsed in memory and reads the rest back from disk, identical', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir, cachedVersions: 10, fsync: false });
    const written: StoredPlaylistVersion[] = [];
    for (let playlist = 0; playlist < 200; playlist++) {
      for (let number = 1; number <= 3; number++) {
        const record = version(`pl_${playlist}`, number, { prompt: `ünïcode ✓ ${playlist}/${number}`, userId: `u${playlist % 7}` });
        written.push(record);
        await store.appendVersion(record);
      }
    }
    expect(store.stats()).toMatchObject({ playlists: 200, versions: 600, cachedVersions: 10 });
    for (const record of [written[0]!, written[299]!, written[599]!]) {
      expect(await store.getVersion(record.playlistId, record.version)).toEqual(record);
    }
    expect(await store.getVersion('pl_5')).toEqual(written[5 * 3 + 2]);
    expect(await store.getVersion('pl_5', 9)).toBeUndefined();
    expect(await store.getVersion('pl_nope')).toBeUndefined();
    expect(await store.readVersions('pl_7')).toEqual(written.slice(21, 24));
    expect(store.stats().cachedVersions).toBe(10);
    await store.close();
    const reopened = await openFilePlaylistStore({ directory: dir, cachedVersions: 10 });
    expect(reopened.stats()).toMatchObject({ playlists: 200, versions: 600, cachedVersions: 0 });
    expect(await reopened.getVersion('pl_123', 2)).toEqual(written[123 * 3 + 1]);
    await reopened.close();
  });

  it('remembers idempotency keys across a restart', async () => {
    const dir = directory();
    const store = await openFilePlaylistStore({ directory: dir });
    await store.appendVersion(version('pl_f', 1), { principal: 'key:abc', key: 'req-1', fingerprint: 'fp-1' });
    expect(store.findIdempotentWrite('key:abc', 'req-1')).toEqual({ playlistId: 'pl_f', version: 1, fingerprint: 'fp-1' });
    expect(store.findIdempotentWrite('key:other', 'req-1')).toBeUndefined();
    await store.close();
    const reopened = await openFilePlaylistStore({ directory: dir });
    expect(reopened.findIdempotentWrite('key:abc', 'req-1')).toEqual({ playlistId: 'pl_f', version: 1, fingerprint: 'fp-1' });
    await reopened.close();
  });

  it('pages playlists in creation order with opaque cursors, filtered by listener and time', async () => {
    const store = await openFilePlaylistStore({ directory: directory(), fsync: false });
    for (let playlist = 0; playlist < 25; playlist++) {
      await store.appendVersion(version(`pl_${playlist}`, 1, { userId: playlist % 2 === 0 ? 'even' : 'odd', createdAt: 1000 + playlist }));
    }
    const first = store.playlistPage({ limit: 10 });
    expect(first.playlistIds).toEqual(Array.from({ length: 10 }, (_unused, index) => `pl_${index}`));
    const second = store.playlistPage({ limit: 10, cursor: first.nextCursor! });
    const third = store.playlistPage({ limit: 10, cursor: second.nextCursor! });
    expect([...second.playlistIds, ...third.playlistIds]).toEqual(Array.from({ length: 15 }, (_unused, index) => `pl_${index + 10}`));
    expect(third.nextCursor).toBeUndefined();
    expect(store.playlistPage({ limit: 100, userId: 'odd' }).playlistIds).toHaveLength(12);
    expect(store.playlistPage({ limit: 100, since: 1020, until: 1023 }).playlistIds).toEqual(['pl_20', 'pl_21', 'pl_22']);
    expect(() => decodeCursor('../etc')).toThrow(/not one this service issued/);
    await store.close();
  });

  it('reads versions stored with a schema-1 plan, upgraded to the current schema', async () => {
    const dir = directory();
    const { liveness: _liveness, mode: _mode, ...oldFeatures } = createEmptyPlan().features;
    const { trackMinutes: _minutes, unavailable: _unavailable, rationale: _rationale, ...rest } = createEmptyPlan();
    const oldPlan = { ...rest, features: { ...oldFeatures, energy: { min: 0, max: 0.4 } }, schemaVersion: 1 };
    const record = { playlistId: 'pl_old', version: 1, parentVersion: null, prompt: 'calm', plan: oldPlan, planner: 'offline', trackIds: [], createdAt: 1, title: 't', description: 'd', tracks: [], bundleVersion: 'v1' };
    writeFileSync(join(dir, PLAYLIST_STORE_FILE), `${JSON.stringify({ kind: 'version', record })}\n`);
    const store = await openFilePlaylistStore({ directory: dir });
    const stored = await store.getVersion('pl_old');
    expect(stored?.plan.schemaVersion).toBe(PLAN_SCHEMA_VERSION);
    expect(stored?.plan.features.energy).toEqual({ min: 0, max: 0.4 });
    expect(stored?.plan.unavailable).toEqual({ genres: [], artists: [] });
    expect(stored?.plan.trackMinutes).toBeNull();
    await store.close();
  });
});
