import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InteractionLogBuilder } from '@mixtape/catalog';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetError, datasetFromInteractionLog, loadEvalDataset } from './data';

const dirs: string[] = [];
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-eval-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** A Last.fm HetRec folder: each file's header, then the given tab-separated rows. */
function lastfmFolder(rows: { artists: string[]; tags?: string[]; taggedArtists?: string[]; userArtists: string[] }): Promise<string> {
  const file = (header: string, lines: string[] = []) => [header, ...lines].map((line) => `${line}\n`).join('');
  return folder({
    'artists.dat': file('id\tname\turl\tpictureURL', rows.artists),
    'tags.dat': file('tagID\ttagValue', rows.tags),
    'user_taggedartists.dat': file('userID\tartistID\ttagID\tday\tmonth\tyear', rows.taggedArtists),
    'user_artists.dat': file('userID\tartistID\tweight', rows.userArtists),
  });
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadEvalDataset', () => {
  it('imports a raw Last.fm HetRec folder through the catalog importer', async () => {
    const dir = await lastfmFolder({
      artists: ['51\tDuran Duran\tu\tp', '52\tMorcheeba\tu\tp'],
      tags: ['1\tpop'],
      taggedArtists: ['2\t51\t1\t1\t1\t2009'],
      userArtists: ['2\t51\t13883', '2\t52\t11690', '3\t51\t5'],
    });
    const data = await loadEvalDataset(dir);
    expect(data.name).toBe('lastfm-hetrec2k');
    expect(data.numRows).toBe(2);
    expect(data.numItems).toBe(2);
    expect(data.row.length).toBe(3);
    expect(Array.from(data.weight).sort((a, b) => a - b)).toEqual([5, 11690, 13883]);
  });

  it('passes on the importer’s precise error for bad input', async () => {
    const dir = await lastfmFolder({ artists: ['51\tDuran Duran\tu\tp'], userArtists: ['2\t51\tlots'] });
    await expect(loadEvalDataset(dir)).rejects.toThrow(/user_artists\.dat.*2.*weight/);
  });

  it('imports a raw MPD slice folder: playlists are rows, tracks in playlist order', async () => {
    const track = (n: number) => ({
      pos: n, track_uri: `spotify:track:t${n}`, track_name: `Track ${n}`, artist_name: `Artist ${n % 3}`,
      artist_uri: `spotify:artist:a${n % 3}`, album_name: `Album ${n}`, album_uri: `spotify:album:b${n}`, duration_ms: 200000,
    });
    const playlists = [
      { pid: 0, name: 'one', tracks: [3, 1, 2].map(track) },
      { pid: 1, name: 'two', tracks: [2, 4].map(track) },
    ];
    const dir = await folder({ 'mpd.slice.0-1.json': JSON.stringify({ playlists }) });
    const data = await loadEvalDataset(dir);
    expect(data.name).toBe('mpd');
    expect(data.numRows).toBe(2);
    expect(data.numItems).toBe(4);
    expect(data.row.length).toBe(5);
    // the first playlist's rows come in position order: t3, t1, t2
    const first = Array.from(data.item.subarray(0, 3));
    expect(new Set(first).size).toBe(3);
    expect(Array.from(data.time.subarray(0, 3))).toEqual([...data.time.subarray(0, 3)].sort((a, b) => a - b));
    expect(data.itemArtist).toBeDefined();
  });

  it('says what a dataset directory should contain', async () => {
    const dir = await folder({ 'readme.txt': 'nothing here' });
    await expect(loadEvalDataset(dir)).rejects.toBeInstanceOf(DatasetError);
    await expect(loadEvalDataset(dir)).rejects.toThrow(/metadata\.json .* user_artists\.dat/);
  });
});

describe('datasetFromInteractionLog', () => {
  it('groups by user or by context and drops skips', () => {
    const builder = new InteractionLogBuilder();
    const u = builder.userIndex('u1');
    builder.push({ userIndex: u, trackIndex: 3, timestamp: 10, type: 'play', context: 'p1' });
    builder.push({ userIndex: u, trackIndex: 4, timestamp: 20, type: 'skip', context: 'p1' });
    builder.push({ userIndex: u, trackIndex: 5, timestamp: 30, type: 'playlist_add', context: 'p2' });
    const log = builder.build();
    const byUser = datasetFromInteractionLog(log, undefined, { name: 't', source: 'test' });
    expect(byUser.numRows).toBe(1);
    expect(Array.from(byUser.item)).toEqual([3, 5]);
    const byContext = datasetFromInteractionLog(log, undefined, { name: 't', source: 'test', rowsBy: 'context' });
    expect(byContext.rowKind).toBe('playlists');
    expect(byContext.numRows).toBe(2);
    expect(Array.from(byContext.row)).toEqual([0, 1]);
    expect(byContext.numItems).toBe(6);
  });
});
