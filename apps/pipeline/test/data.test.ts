import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerDataCommand } from '../src/commands/data';

const root = await mkdtemp(join(tmpdir(), 'mixtape-data-cli-'));
afterAll(() => rm(root, { recursive: true, force: true }));
const fixtures = fileURLToPath(new URL('../../../packages/catalog/test/fixtures/', import.meta.url));

async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('mixtape').exitOverride();
  registerDataCommand(program, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  await program.parseAsync(['node', 'mixtape', ...args]);
  return { stdout, stderr };
}

describe('mixtape data', () => {
  it('generates a dataset and reports its counts as JSON', async () => {
    const out = join(root, 'synthetic');
    await run('data', 'generate', '--out', out, '--seed', '3', '--tracks', '2000', '--users', '100', '--quiet');
    const { stdout } = await run('data', 'stats', out, '--json');
    const counts = JSON.parse(stdout);
    expect(Object.keys(counts)).toEqual(['tracks', 'artists', 'albums', 'users', 'interactions', 'genres']);
    expect(counts).toMatchObject({ tracks: 2000, artists: 200, users: 100, interactions: 20_000 });
    const human = await run('data', 'stats', out);
    expect(human.stdout).toMatch(/tracks +2,000/);
    expect(human.stdout).toMatch(/source +synthetic/);
  });

  it('imports a fixture and refuses bad input without creating the output directory', async () => {
    const out = join(root, 'tidy');
    const { stdout } = await run('data', 'import', '--format', 'tidytuesday', '--input', join(fixtures, 'tidytuesday-small.csv'), '--out', out, '--quiet');
    expect(stdout).toMatch(/3 tracks/);
    const bad = join(root, 'bad');
    await expect(run('data', 'import', '--format', 'tidytuesday', '--input', join(fixtures, 'bad-number.csv'), '--out', bad)).rejects.toThrow(
      /bad-number\.csv:3: field "danceability"/,
    );
    expect(existsSync(bad)).toBe(false);
  });

  it('says when it read the timestamps as epoch seconds', async () => {
    const input = join(root, 'epoch-seconds');
    await mkdir(input);
    await writeFile(join(input, 'catalog.csv'), 'track_id,title,artist_name\ns1,One,Band\n');
    await writeFile(join(input, 'events.csv'), 'user_id,track_id,timestamp,type\nu1,s1,1700000000,play\n');
    const { stdout } = await run('data', 'import', '--format', 'events', '--input', input, '--out', join(root, 'epoch-seconds-out'), '--quiet');
    expect(stdout).toMatch(/1 interactions in [\d.]+s; timestamps: epoch seconds .* read × 1000\n$/);
  });

  it('imports a Last.fm scrobble export, says what it left out, and keeps --user to that format', async () => {
    const input = join(root, 'scrobbles');
    await mkdir(input);
    const page = (uts: number, nowPlaying = false) => ({
      name: 'Roads', artist: { '#text': 'Portishead' }, album: { '#text': 'Dummy' },
      ...(nowPlaying ? { '@attr': { nowplaying: 'true' } } : { date: { uts: String(uts), '#text': '' } }),
    });
    await writeFile(join(input, 'p1.json'), JSON.stringify({ recenttracks: { track: [page(0, true), page(1_700_000_600), page(1_700_000_000)], '@attr': { user: 'rj' } } }));
    await writeFile(join(input, 'p2.json'), JSON.stringify({ recenttracks: { track: [page(1_700_000_000)], '@attr': { user: 'rj' } } }));
    const { stdout } = await run('data', 'import', '--format', 'lastfm-scrobbles', '--input', input, '--out', join(root, 'scrobbles-out'), '--quiet');
    expect(stdout).toMatch(/1 tracks.* 2 interactions in [\d.]+s; duplicates: 1 scrobbles repeated .*; nowPlaying: 1 "now playing" entries without a date left out\n$/);
    const named = await run('data', 'import', '--format', 'lastfm-scrobbles', '--user', 'me', '--input', input, '--out', join(root, 'scrobbles-me'), '--quiet');
    expect(named.stdout).toMatch(/1 users/);
    await expect(run('data', 'import', '--format', 'events', '--user', 'me', '--input', input, '--out', join(root, 'x'))).rejects.toThrow(
      /--user: only for --format lastfm-scrobbles \(got --format events\)/,
    );
  });

  it('says which scrobbles it left out for a 01 Jan 1970 placeholder date, and the decimal commas it read (new-user walk-through, session 12)', async () => {
    const input = join(root, 'placeholder');
    await mkdir(input);
    await writeFile(join(input, 'bob.csv'), 'uts,utc_time,artist,album,track\n1700000000,"14 Nov 2023, 22:13",Massive Attack,Mezzanine,Teardrop\n0,"01 Jan 1970, 00:00",Portishead,Dummy,Roads\n');
    const { stdout } = await run('data', 'import', '--format', 'lastfm-scrobbles', '--input', input, '--out', join(root, 'placeholder-out'), '--quiet');
    expect(stdout).toMatch(/1 interactions in [\d.]+s; placeholderDates: 1 scrobbles dated 01 Jan 1970 00:00 .* left out — bob\.csv:3\n$/);
    const semicolons = join(root, 'semicolons');
    await mkdir(semicolons);
    await writeFile(join(semicolons, 'catalog.csv'), 'track_id;title;artist_name;popularity\ns1;One;Band;0,5\n');
    await writeFile(join(semicolons, 'events.csv'), 'user_id;track_id;timestamp\nu1;s1;2024-05-01T12:00:00Z\n');
    const read = await run('data', 'import', '--format', 'events', '--input', semicolons, '--out', join(root, 'semicolons-out'), '--quiet');
    expect(read.stdout).toMatch(/; decimalCommas: 1 catalog values with a decimal comma \("0,5"\) read as decimals: the file separates fields with ";"/);
  });

  it('rejects an unknown format', async () => {
    await expect(run('data', 'import', '--format', 'xml', '--input', 'x', '--out', join(root, 'x'))).rejects.toThrow(/Allowed choices/);
  });
});
