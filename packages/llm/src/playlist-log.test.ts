import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmptyPlan } from './plan';
import { PLAYLIST_LOG_FILE, readPlaylistLog } from './playlist-log';

const version = (playlistId: string, extra: Record<string, unknown> = {}) => ({
  kind: 'version',
  record: { playlistId, version: 1, parentVersion: null, prompt: 'chill pop', plan: createEmptyPlan(), planner: 'offline', trackIds: ['t1', 't2'], userId: 'u1', createdAt: 1, title: 'Chill Pop', description: '', tracks: [], bundleVersion: 'v1', ...extra },
});
const feedback = { kind: 'feedback', record: { playlistId: 'p1', version: 1, trackId: 't1', signal: 'like', userId: 'u1', createdAt: 2 } };

describe('readPlaylistLog', () => {
  it('reads versions and feedback from a store directory, skipping a torn last line', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'playlist-log-'));
    writeFileSync(join(directory, PLAYLIST_LOG_FILE), `${JSON.stringify(version('p1'))}\n${JSON.stringify(feedback)}\n{"kind":"feedb`);
    const log = await readPlaylistLog(directory);
    expect(log.versions).toHaveLength(1);
    expect(log.versions[0]).toMatchObject({ playlistId: 'p1', prompt: 'chill pop', trackIds: ['t1', 't2'], userId: 'u1' });
    expect(log.feedback).toEqual([feedback.record]);
    expect(log.tornLastLine).toBe(true);
  });

  it('names the file, line and field of a bad line, and a missing store', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'playlist-log-'));
    const file = join(directory, PLAYLIST_LOG_FILE);
    writeFileSync(file, `${JSON.stringify(version('p1', { trackIds: 'nope' }))}\n${JSON.stringify(feedback)}\n`);
    await expect(readPlaylistLog(file)).rejects.toThrow(new RegExp(`${PLAYLIST_LOG_FILE}:1: record.trackIds: `));
    await expect(readPlaylistLog(join(directory, 'missing'))).rejects.toThrow(/no such file or directory \(expected a playlist store directory/);
  });
});
