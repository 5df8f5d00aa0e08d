import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERACTION_TYPE_CODE } from '../interactions';
import { readSnapshot } from '../snapshot';
import { ImportError } from './rejects';
import { importDataset, importToSnapshot } from './index';
import { popularityCountedFromInteractions } from './popularity';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);
const root = await mkdtemp(join(tmpdir(), 'mixtape-import-'));
afterAll(() => rm(root, { recursive: true, force: true }));

type Imported = Awaited<ReturnType<typeof importDataset>>;
const counts = (result: Imported) => ({
  tracks: result.store.trackCount,
  artists: result.store.artistCount,
  users: result.interactions.userCount,
  interactions: result.interactions.length,
});

async function expectImportFailure(promise: Promise<unknown>, pattern: RegExp): Promise<ImportError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportError);
  expect((error as ImportError).message).toMatch(pattern);
  return error as ImportError;
}

describe('TidyTuesday-style CSV', () => {
  it('reads quoted fields, merges playlists and maps playlists to pseudo-users', async () => {
    const result = await importDataset('tidytuesday', fixture('tidytuesday-small.csv'));
    expect(counts(result)).toEqual({ tracks: 3, artists: 2, users: 2, interactions: 4 });
    const track = result.store.getTrack('t1')!;
    expect(track.title).toBe('Song, With Comma');
    expect(track.genres).toEqual(['pop', 'rock']);
    expect(track.subgenres).toEqual(['dance pop', 'hard rock']);
    expect(result.store.getAlbum('al1')!.title).toBe('Album, One');
    expect(result.store.getTrack('t2')!.releaseDate).toBe('2012');
    expect(result.interactions.getInteraction(0, result.store)).toMatchObject({ userId: 'playlist:pl1', type: 'playlist_add', context: 'pl1' });
    expect(result.extras['user.names']).toEqual(['Pop Mix', 'Rock Mix']);
  });

  it('fails on a bad number with file, line, field and expectation, and writes nothing', async () => {
    const out = join(root, 'bad-number');
    const error = await expectImportFailure(
      importToSnapshot('tidytuesday', fixture('bad-number.csv'), out),
      /bad-number\.csv:3: field "danceability": expected a number between 0 and 1, got "abc"/,
    );
    expect(error.reject).toMatchObject({ line: 3, field: 'danceability' });
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a repeated track_id naming another song (its playlist add would point at the first one) and writes nothing', async () => {
    const csv = await readFile(fixture('tidytuesday-small.csv'), 'utf8');
    const [header, first, ...rest] = csv.trimEnd().split('\n');
    const id = first!.split(',')[0]!;
    const other = rest.find((line) => !line.startsWith(`${id},`))!;
    const broken = join(root, 'tidy-broken-id.csv');
    await writeFile(broken, [header, first, `${id}${other.slice(other.indexOf(','))}`].join('\n') + '\n');
    const out = join(root, 'tidy-broken-id');
    await expectImportFailure(importToSnapshot('tidytuesday', broken, out), /tidy-broken-id\.csv:3: field "track_id": expected one song per id \(t1 is first Song, With Comma — Band A\), got "Second — Band B"/);
    expect(existsSync(out)).toBe(false);
  });

  it('skips invalid rows on request and writes a rejects report', async () => {
    const out = join(root, 'skipped');
    const { result } = await importToSnapshot('tidytuesday', fixture('bad-number.csv'), out, { skipInvalid: true });
    expect(result.store.trackCount).toBe(2);
    expect(result.rejectedCount).toBe(1);
    const rejects = (await readFile(join(out, 'rejects.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(rejects).toEqual([expect.objectContaining({ line: 3, field: 'danceability', expected: 'a number between 0 and 1', value: 'abc' })]);
    expect((await readSnapshot(out)).metadata.details).toMatchObject({ rejectedCount: 1 });
  });

  it('fails on a missing column even when skipping invalid rows', async () => {
    const out = join(root, 'missing-column');
    await expectImportFailure(
      importToSnapshot('tidytuesday', fixture('missing-column.csv'), out, { skipInvalid: true }),
      /missing-column\.csv:1: field "track_popularity": expected a header with column "track_popularity"/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('reports a broken quote at the line where the record starts', async () => {
    const out = join(root, 'broken-quote');
    await expectImportFailure(importToSnapshot('tidytuesday', fixture('broken-quote.csv'), out), /broken-quote\.csv:3: .*closing double quote/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('Spotify 2024 CSV', () => {
  it('trims space padding and splits featured artists', async () => {
    const result = await importDataset('spotify-2024', fixture('spotify-2024-padded.csv'));
    expect(result.store.trackCount).toBe(2);
    const track = result.store.getTrack('k1')!;
    expect(track.title).toBe('Die With A Smile');
    expect(track.artistIds).toEqual(['artist:lady gaga', 'artist:bruno mars']);
    expect(track.features?.tempo).toBeCloseTo(157.969, 3);
    expect(result.store.getAlbum('alb2')!.title).toBe('HIT ME HARD');
  });

  it('keeps a comma inside an artist name the file always credits as one ("Tyler, The Creator")', async () => {
    const [header, row] = (await readFile(fixture('spotify-2024-padded.csv'), 'utf8')).split('\n');
    const credits = ['Tyler, The Creator', 'Tyler, The Creator, Kali Uchis', 'Tyler, The Creator, ScHoolboy Q', 'Lady Gaga, Bruno Mars', 'Bruno Mars'];
    const rows = credits.map((credit, i) => row!.replace('"Lady Gaga, Bruno Mars"', `"${credit}"`).replace(' k1 ', ` t${i} `));
    const file = join(root, 'spotify-2024-comma-names.csv');
    await writeFile(file, [header, ...rows].join('\n'));
    const result = await importDataset('spotify-2024', file);
    const names = (id: string): string[] => result.store.getTrack(id)!.artistIds.map((artist) => result.store.getArtist(artist)!.name);
    expect(names('t0')).toEqual(['Tyler, The Creator']);
    expect(names('t1')).toEqual(['Tyler, The Creator', 'Kali Uchis']);
    expect(names('t3')).toEqual(['Lady Gaga', 'Bruno Mars']);
  });
});

/** A folder of an events import: catalog.<ext> and events.<ext> with the given text. */
async function eventsFolder(name: string, catalog: string, events: string, ext: 'csv' | 'jsonl' = 'csv'): Promise<string> {
  const folder = join(root, name);
  await mkdir(folder);
  await writeFile(join(folder, `catalog.${ext}`), catalog);
  await writeFile(join(folder, `events.${ext}`), events);
  return folder;
}

describe('MPD slices', () => {
  it('reads a folder of slices: playlists become users, URIs become ids', async () => {
    const result = await importDataset('mpd', fixture('mpd'));
    expect(counts(result)).toEqual({ tracks: 2, artists: 2, users: 2, interactions: 3 });
    expect(result.store.getTrack('spotify:track:a')!.popularity).toBe(100); // in both playlists
    expect(result.interactions.getInteraction(0, result.store).timestamp).toBe(1493424000 * 1000);
    // playlist names by user index: what the learned text model and `mixtape eval --task semantic-search` read
    expect(result.extras['user.names']).toEqual(['Throwbacks', 'Gym']);
  });

  it('gives each track its artist\'s enriched genres (Spotify genres are artists\')', async () => {
    const genres = join(root, 'artist-genres.json');
    await writeFile(genres, JSON.stringify({ artists: [{ artist_name: 'Britney Spears', artist_uri: 'spotify:artist:26dSoYclwsYLMAKD3tpOr4', genres: ['dance pop', 'pop'] }] }));
    const result = await importDataset('mpd', fixture('mpd'), { genreEnrichment: genres });
    expect(result.store.getArtist('spotify:artist:26dSoYclwsYLMAKD3tpOr4')!.genres).toEqual(['dance pop', 'pop']);
    expect(result.store.getTrack('spotify:track:a')!.genres).toEqual(['dance pop', 'pop']);
    expect(result.store.getTrack('spotify:track:b')!.genres).toEqual([]);
  });

  it('reads slices that leave out the optional fields (no name, modified_at, album, duration or artist URI)', async () => {
    const folder = join(root, 'mpd-sparse');
    await mkdir(folder);
    const track = (uri: string, name: string, artist: string, extra: Record<string, unknown> = {}) => ({ track_uri: uri, track_name: name, artist_name: artist, ...extra });
    const playlists = [
      { pid: 0, tracks: [track('spotify:track:x', 'Song X', 'Sigur Rós', { pos: 0 }), track('spotify:track:y', 'Song Y', 'Sigur Rós', { pos: 1, duration_ms: null, album_name: 'Ágætis byrjun' })] },
      { pid: 1, name: 'with album', modified_at: 1493424000, tracks: [track('spotify:track:z', 'Song Z', 'Björk', { album_uri: 'spotify:album:1', album_name: 'Debut', artist_uri: 'spotify:artist:b', duration_ms: 200000 })] },
    ];
    await writeFile(join(folder, 'mpd.slice.0-1.json'), JSON.stringify({ playlists }));
    const result = await importDataset('mpd', folder);
    expect(counts(result)).toEqual({ tracks: 3, artists: 2, users: 2, interactions: 3 });
    expect(result.store.getTrack('spotify:track:x')).toMatchObject({ durationMs: 0, artistIds: ['mpd-artist:sigur ros'] });
    // an album without a URI is keyed by its artist and folded name
    expect(result.store.getTrack('spotify:track:y')!.albumId).toBe('mpd-album:mpd-artist:sigur ros:agaetis byrjun');
    expect(result.store.getTrack('spotify:track:x')!.albumId).toBeUndefined();
    expect(result.store.getTrack('spotify:track:z')).toMatchObject({ albumId: 'spotify:album:1', durationMs: 200000, artistIds: ['spotify:artist:b'] });
    expect(result.extras['user.names']).toEqual(['', 'with album']);
  });

  it('keeps one artist for a name seen with and without artist_uri, in either order and across slices', async () => {
    const folder = join(root, 'mpd-mixed-uri');
    await mkdir(folder);
    const track = (uri: string, artist: string, artistUri?: string) => ({ track_uri: uri, track_name: uri, artist_name: artist, ...(artistUri ? { artist_uri: artistUri } : {}) });
    await writeFile(join(folder, 'mpd.slice.0-0.json'), JSON.stringify({ playlists: [{ pid: 0, tracks: [track('t:1', 'Björk'), track('t:2', 'Bjork', 'spotify:artist:b'), track('t:3', 'Sigur Rós', 'spotify:artist:s')] }] }));
    await writeFile(join(folder, 'mpd.slice.1-1.json'), JSON.stringify({ playlists: [{ pid: 1, tracks: [track('t:4', 'Sigur Ros'), track('t:5', 'björk', 'spotify:artist:b'), track('t:6', 'Other', 'spotify:artist:o')] }] }));
    const result = await importDataset('mpd', folder);
    expect(counts(result)).toMatchObject({ tracks: 6, artists: 3 });
    const artistOf = (id: string) => result.store.getTrack(id)!.artistIds;
    expect(artistOf('t:2')).toEqual(artistOf('t:1'));
    expect(artistOf('t:5')).toEqual(artistOf('t:1'));
    expect(artistOf('t:4')).toEqual(['spotify:artist:s']);
  });

  it('fails on a truncated slice and writes nothing', async () => {
    const out = join(root, 'mpd-truncated');
    await expectImportFailure(importToSnapshot('mpd', fixture('mpd-truncated'), out), /mpd\.slice\.0-0\.json:\d+: field "\*": expected complete JSON \(the file looks truncated\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('names the JSON path of a bad field', async () => {
    await expectImportFailure(importDataset('mpd', fixture('mpd-bad-field')), /mpd\.slice\.2-2\.json:1: field "playlists\[0\]\.tracks\[0\]\.duration_ms": expected a non-negative integer, got "\\"long\\""/);
    const skipped = await importDataset('mpd', fixture('mpd-bad-field'), { skipInvalid: true });
    expect(skipped.interactions.userCount).toBe(2);
    expect(skipped.rejectedCount).toBe(1);
  });
});

describe('Last.fm HetRec folder', () => {
  it('names the missing file of an incomplete folder (not a bare ENOENT) and writes nothing', async () => {
    const out = join(root, 'lastfm-incomplete');
    await expectImportFailure(importToSnapshot('lastfm-hetrec', fixture('mpd'), out), /mpd\/artists\.dat:0: field "\*": expected a readable file, got "it does not exist"/);
    expect(existsSync(out)).toBe(false);
  });
  it('keeps genre tags and drops tags about the listener ("seen live", "favorites", "<3", "my fav songs")', async () => {
    const folder = join(root, 'lastfm-tags');
    await mkdir(folder);
    const tsv = (rows: string[][]) => rows.map((row) => row.join('\t')).join('\n') + '\n';
    await writeFile(join(folder, 'artists.dat'), tsv([['id', 'name', 'url', 'pictureURL'], ['1', 'Portishead', '', ''], ['2', 'Fan Club', '', '']]));
    await writeFile(join(folder, 'user_artists.dat'), tsv([['userID', 'artistID', 'weight'], ['10', '1', '50'], ['11', '1', '7'], ['10', '2', '3']]));
    const tags = ['trip-hop', 'seen live', 'favorites', '<3', 'my fav songs', 'female vocalists', 'Ultimate Favourite'];
    await writeFile(join(folder, 'tags.dat'), tsv([['tagID', 'tagValue'], ...tags.map((tag, i) => [String(i + 1), tag])]));
    const tagged = [['userID', 'artistID', 'tagID', 'day', 'month', 'year']];
    // Portishead: every tag three times; Fan Club: only listener tags
    for (const user of ['10', '11', '12']) for (let i = 1; i <= tags.length; i++) tagged.push([user, '1', String(i), '1', '1', '2009']);
    for (const tag of ['2', '3', '7']) tagged.push(['10', '2', tag, '1', '1', '2009'], ['11', '2', tag, '1', '1', '2009']);
    await writeFile(join(folder, 'user_taggedartists.dat'), tsv(tagged));
    const result = await importDataset('lastfm-hetrec', folder);
    expect(result.store.getTrack('lastfm:track:1')!.genres).toEqual(['female vocalists', 'trip-hop']);
    expect(result.store.getTrack('lastfm:track:2')!.genres).toEqual([]);
    // --genres: the artist's enriched genres reach its stand-in track too (as MPD tracks get their artist's)
    const enrichment = join(root, 'lastfm-artist-genres.json');
    await writeFile(enrichment, JSON.stringify({ artists: [{ artist_name: 'Portishead', artist_uri: 'spotify:artist:6liAMWkVf5LH7YR9yfFy1Y', genres: ['bristol sound'] }] }));
    const enriched = await importDataset('lastfm-hetrec', folder, { genreEnrichment: enrichment });
    expect(enriched.store.getArtist('lastfm:artist:1')!.genres).toEqual(['female vocalists', 'trip-hop', 'bristol sound']);
    expect(enriched.store.getTrack('lastfm:track:1')!.genres).toEqual(enriched.store.getArtist('lastfm:artist:1')!.genres);
  });
});

describe('generic events + catalog', () => {
  it('reads a CSV catalog and JSONL events with camelCase or snake_case keys', async () => {
    const result = await importDataset('events', fixture('events-ok'));
    expect(result.store.trackCount).toBe(2);
    expect(result.store.getTrack('s1')!.artistIds).toEqual(['artist:band a', 'artist:guest b']);
    expect(result.store.getTrack('s2')!.explicit).toBe(true);
    expect(result.store.getTrack('s1')!.genres).toEqual(['indie', 'rock']);
    expect(result.interactions.length).toBe(3);
    expect(result.interactions.getInteraction(0, result.store)).toEqual({
      userId: 'u1', trackId: 's1', timestamp: Date.parse('2024-05-01T10:00:00Z'), type: 'play', msPlayed: 180000, context: 'home',
    });
  });

  it('names the audio features a catalog row has when it lacks others (all 11 or none), not only "expected a number"', async () => {
    const folder = await eventsFolder('events-partial-features', 'track_id,title,artist_name,energy,tempo\ns1,One,Band,0.8,120\n', 'user_id,track_id,timestamp,type\nu1,s1,1700000000000,play\n');
    await expectImportFailure(
      importToSnapshot('events', folder, join(root, 'events-partial-features-out')),
      /catalog\.csv:2: field "danceability": expected all 11 audio features \(danceability, energy, .*\) or none; this row has energy, tempo, got ""/,
    );
  });

  it('reads a log of epoch seconds as seconds (as milliseconds every event would be in January 1970), and says so', async () => {
    const folder = await eventsFolder('events-epoch-seconds', 'track_id,title,artist_name\ns1,One,Band\ns2,Two,Band\n', 'user_id,track_id,timestamp,type\nu1,s1,1700000000,play\nu1,s2,1700000185,play\n');
    const seconds = await importDataset('events', folder);
    expect(Array.from(seconds.interactions.columns.timestamp)).toEqual([1_700_000_000_000, 1_700_000_185_000]);
    expect(seconds.details.timestamps).toMatch(/^epoch seconds/);
    await writeFile(join(folder, 'events.csv'), 'user_id,track_id,timestamp,type\nu1,s1,1700000000000,play\nu1,s2,1700000185000,play\n');
    const millis = await importDataset('events', folder);
    expect(Array.from(millis.interactions.columns.timestamp)).toEqual([1_700_000_000_000, 1_700_000_185_000]);
    expect(millis.details.timestamps).toBeUndefined();
    // ordinals (positions) are neither: kept as they are
    await writeFile(join(folder, 'events.csv'), 'user_id,track_id,timestamp,type\nu1,s1,1,play\nu1,s2,2,play\n');
    expect(Array.from((await importDataset('events', folder)).interactions.columns.timestamp)).toEqual([1, 2]);
  });

  it('reads semicolon- and tab-separated files (spreadsheet exports) with their decimal commas', async () => {
    const folder = await eventsFolder('events-semicolons', '\uFEFFtrack_id;title;artist_name;energy\r\ns1;"One; two";Band;\r\ns2;Two;Band;\r\n', 'user_id\ttrack_id\ttimestamp\ttype\nu1\ts1\t1700000000000\tplay\nu1\ts2\t1700000185000\tplay\n');
    const read = await importDataset('events', folder);
    expect(read.store.columns.trackTitles).toEqual(['One; two', 'Two']);
    expect(read.interactions.length).toBe(2);
    const features = 'danceability;energy;valence;acousticness;instrumentalness;speechiness;liveness;tempo;loudness;key;mode';
    await writeFile(join(folder, 'catalog.csv'), `track_id;title;artist_name;duration_ms;popularity;${features}\ns1;One;Band;200000;0,5;0,7;0,463;0,5;0,1;0;0,05;0,1;120,5;-6,25;5;1\ns2;Two;Band;;;;;;;;;;;;;\n`);
    const decimals = await importDataset('events', folder);
    expect(decimals.store.columns.trackPopularity[0]).toBeCloseTo(0.5, 6);
    expect(decimals.store.audioFeatures(0)).toMatchObject({ energy: expect.closeTo(0.463, 6), tempo: 120.5, loudness: -6.25, key: 5 });
    expect(decimals.details.decimalCommas).toMatch(/^9 catalog values with a decimal comma \("0,5"\) read as decimals: the file separates fields with ";"/);
  });

  it('says what a decimal comma needs in a comma-separated file, and not for a thousands separator', async () => {
    const folder = await eventsFolder('events-decimal-comma', 'track_id,title,artist_name,duration_ms,popularity\ns1,One,Band,200000,"0,5"\n', 'user_id,track_id,timestamp,type\nu1,s1,1700000000000,play\n');
    await expectImportFailure(importDataset('events', folder), /catalog\.csv:2: field "popularity": .* \(this looks like a decimal comma: save the file with "\." as the decimal separator\), got "0,5"/);
    await writeFile(join(folder, 'catalog.csv'), 'track_id,title,artist_name,duration_ms\ns1,One,Band,"215,000"\n');
    await expectImportFailure(importDataset('events', folder), /catalog\.csv:2: field "duration_ms": expected an integer >= 0, got "215,000"/);
  });

  it('reads JSON Lines that start with a byte-order mark and end lines with CRLF (Windows tools)', async () => {
    const folder = await eventsFolder(
      'events-jsonl-bom',
      '\uFEFF{"track_id":"s1","title":"One","artist_name":"Band"}\r\n{"track_id":"s2","title":"Two","artist_name":"Band"}\r\n',
      '\uFEFF{"user_id":"u1","track_id":"s1","timestamp":1714565000000,"type":"play"}\r\n\r\n',
      'jsonl',
    );
    const read = await importDataset('events', folder);
    expect(read.store.columns.trackTitles).toEqual(['One', 'Two']);
    expect(read.interactions.length).toBe(1);
  });

  it('reads a listening log without a type column as plays, and says so', async () => {
    const folder = await eventsFolder('events-untyped', 'track_id,title,artist_name\ns1,One,Band\n', 'user_id,track_id,timestamp\nu1,s1,1714565000000\nu1,s1,1714565300000\n');
    const read = await importDataset('events', folder);
    expect(Array.from(read.interactions.columns.type)).toEqual([INTERACTION_TYPE_CODE.play, INTERACTION_TYPE_CODE.play]);
    expect(read.details.types).toBe('2 events without a type, read as plays');
    // a type column with an empty or unknown value is still refused
    await writeFile(join(folder, 'events.csv'), 'user_id,track_id,timestamp,type\nu1,s1,1714565000000,\n');
    await expectImportFailure(importDataset('events', folder), /events\.csv:2: field "type": expected a non-empty value/);
  });

  it('says how to import a listening log without times (user and track only): number its rows (new-user walk-through, session 12)', async () => {
    const folder = await eventsFolder('events-no-time', 'track_id,title,artist_name\ns1,One,Band\ns2,Two,Band\n', 'user_id,track_id\nu1,s1\nu1,s2\n');
    await expectImportFailure(
      importDataset('events', folder),
      /events\.csv:1: field "timestamp": expected a header with column "timestamp" \(a log without times: number its rows 1, 2, 3… in listening order — read as order, not clock time\), got "user_id,track_id"/,
    );
    await rm(join(folder, 'events.csv'));
    await writeFile(join(folder, 'events.jsonl'), '{"user_id":"u1","track_id":"s1"}\n');
    await expectImportFailure(importDataset('events', folder), /events\.jsonl:1: field "timestamp": expected a value \(a log without times: number its rows 1, 2, 3… in listening order/);
    // what the hint says works: the numbers are kept as the order
    await writeFile(join(folder, 'events.jsonl'), '{"user_id":"u1","track_id":"s2","timestamp":1}\n{"user_id":"u1","track_id":"s1","timestamp":2}\n');
    const numbered = await importDataset('events', folder);
    expect(Array.from(numbered.interactions.columns.timestamp)).toEqual([1, 2]);
    expect(numbered.interactions.getInteraction(0, numbered.store).trackId).toBe('s2');
  });

  it('reads an ISO date-time without a zone as UTC, whatever the machine\'s time zone', async () => {
    const folder = await eventsFolder('events-zoneless', 'track_id,title,artist_name\ns1,One,Band\n', 'user_id,track_id,timestamp,type\nu1,s1,2024-05-01 12:00:00,play\nu1,s1,2024-05-01T12:05,play\nu1,s1,2024-05-01T14:10:00+02:00,play\n');
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const read = await importDataset('events', folder);
      expect(Array.from(read.interactions.columns.timestamp)).toEqual([Date.UTC(2024, 4, 1, 12), Date.UTC(2024, 4, 1, 12, 5), Date.UTC(2024, 4, 1, 12, 10)]);
      // a 12-hour clock is not ISO 8601: refused with the expected form, never read in local time
      await writeFile(join(folder, 'events.csv'), 'user_id,track_id,timestamp,type\nu1,s1,2024-05-01 12:00:00 PM,play\n');
      await expectImportFailure(importDataset('events', folder), /events\.csv:2: field "timestamp": expected epoch milliseconds or an ISO 8601 date-time \(YYYY-MM-DD.*\), got "2024-05-01 12:00:00 PM"/);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('names a --catalog file that does not exist', async () => {
    const out = join(root, 'missing-catalog');
    await expectImportFailure(importToSnapshot('events', join(fixture('events-ok'), 'events.jsonl'), out, { catalog: join(root, 'nope.jsonl') }), /nope\.jsonl:0: field "\*": expected a readable file, got "it does not exist"/);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an event whose track is not in the catalog', async () => {
    const out = join(root, 'unknown-track');
    await expectImportFailure(importToSnapshot('events', fixture('events-unknown-track'), out), /events\.csv:4: field "track_id": expected a track id present in the catalog .*, got "nope"/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('where popularity came from (details.popularityFrom)', () => {
  it('importers that count it from the events say so, and the snapshot keeps it; a Spotify export keeps its own figure', async () => {
    const mpd = await importDataset('mpd', fixture('mpd'));
    expect(mpd.details.popularityFrom).toBe('interactions');
    expect(popularityCountedFromInteractions(mpd)).toBe(true);
    const out = join(root, 'mpd-popularity');
    const { metadata } = await importToSnapshot('mpd', fixture('mpd'), out);
    expect(popularityCountedFromInteractions((await readSnapshot(out)).metadata)).toBe(true);
    expect(metadata.details.popularityFrom).toBe('interactions');
    const spotify = await importDataset('tidytuesday', fixture('tidytuesday-small.csv'));
    expect(spotify.details.popularityFrom).toBeUndefined();
    expect(popularityCountedFromInteractions(spotify)).toBe(false);
  });

  it('snapshots from before the key: known counting importers by source; the key wins when present', () => {
    for (const source of ['mpd', 'lastfm-hetrec', 'lastfm-scrobbles', 'sasrec']) expect(popularityCountedFromInteractions({ source, details: {} })).toBe(true);
    for (const source of ['tidytuesday', 'spotify-2024', 'events', 'synthetic']) expect(popularityCountedFromInteractions({ source })).toBe(false);
    expect(popularityCountedFromInteractions({ source: 'mpd', details: { popularityFrom: 'catalog' } })).toBe(false);
    expect(popularityCountedFromInteractions({ source: 'events', details: { popularityFrom: 'interactions' } })).toBe(true);
  });
});
