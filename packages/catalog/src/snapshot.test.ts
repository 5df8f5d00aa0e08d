import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSynthetic, tasteFromExtras, tasteToExtras } from './synthetic/generate';
import { readSnapshot, readSnapshotMetadata, SnapshotError, writeSnapshot } from './snapshot';

const root = await mkdtemp(join(tmpdir(), 'mixtape-snapshot-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('snapshots', () => {
  const dataset = generateSynthetic({ seed: 7, tracks: 2_000, users: 200, interactions: 20_000 });

  it('round-trips catalog, interactions and ground-truth taste', async () => {
    const dir = join(root, 'roundtrip');
    await writeSnapshot(dir, { store: dataset.store, interactions: dataset.interactions, source: 'synthetic', details: dataset.details, extras: tasteToExtras(dataset.taste) });
    const snapshot = await readSnapshot(dir);
    expect(snapshot.metadata.counts).toEqual({ tracks: 2_000, artists: 200, albums: dataset.store.albumCount, genres: dataset.store.genreCount, users: 200, interactions: 20_000 });
    expect(snapshot.metadata.details).toMatchObject({ seed: 7, referenceDate: '2026-11-01' });
    expect(snapshot.store.toCatalog()).toEqual(dataset.store.toCatalog());
    expect(snapshot.interactions.columns.timestamp).toEqual(dataset.interactions.columns.timestamp);
    expect(snapshot.interactions.columns.track).toEqual(dataset.interactions.columns.track);
    expect(snapshot.interactions.columns.userIds).toEqual(dataset.interactions.columns.userIds);
    expect(tasteFromExtras(snapshot.extras)?.genreWeights).toEqual(dataset.taste.genreWeights);
    // nothing but the snapshot files is left behind
    expect((await readdir(root)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('refuses to overwrite an existing directory unless asked', async () => {
    const dir = join(root, 'existing');
    const input = { store: dataset.store, interactions: dataset.interactions, source: 'synthetic' };
    await writeSnapshot(dir, input);
    await expect(writeSnapshot(dir, input)).rejects.toThrow(/already exists/);
    await writeSnapshot(dir, input, { overwrite: true });
    expect((await readSnapshotMetadata(dir)).counts.tracks).toBe(2_000);
  });

  it('detects a truncated column file and a foreign schema version', async () => {
    const dir = join(root, 'damaged');
    await writeSnapshot(dir, { store: dataset.store, interactions: dataset.interactions, source: 'synthetic' });
    const file = join(dir, 'interactions.bin');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 100));
    await expect(readSnapshot(dir)).rejects.toThrow(/interactions\.bin: .* bytes on disk/);
    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    await writeFile(join(dir, 'metadata.json'), JSON.stringify({ ...metadata, schemaVersion: 99 }));
    await expect(readSnapshot(dir)).rejects.toThrow(SnapshotError);
    await expect(readSnapshot(join(root, 'nope'))).rejects.toThrow(/is .* a dataset directory\? \(make one from raw data with `mixtape data import --format FORMAT --input .*nope --out DIR`/);
  });

  it('writes nothing when aborted', async () => {
    const dir = join(root, 'aborted');
    const controller = new AbortController();
    controller.abort();
    await expect(writeSnapshot(dir, { store: dataset.store, interactions: dataset.interactions, source: 'synthetic' }, { signal: controller.signal })).rejects.toThrow();
    expect((await readdir(root)).some((name) => name.startsWith('aborted') || name.includes('aborted.tmp'))).toBe(false);
  });
});
