import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError } from './rejects';
import { importDataset, importToSnapshot } from './index';
import { parseScrobbleTime } from './lastfm-scrobbles';

const root = await mkdtemp(join(tmpdir(), 'mixtape-scrobbles-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(root, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<ImportError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportError);
  return error as ImportError;
}

/** A lastfm-to-csv export: no header, artist, album, track, "DD Mon YYYY HH:MM" (UTC), newest first. */
const LASTFM_TO_CSV = [
  'Radiohead,OK Computer,Airbag,14 Nov 2023 22:16',
  '"Crosby, Stills & Nash",Crosby Stills & Nash,Suite: Judy Blue Eyes,14 Nov 2023 22:10',
  'RADIOHEAD,OK Computer,AIRBAG,13 Nov 2023 08:05',
  'Sigur Rós,,Hoppípolla,01 Jan 2023 00:00',
  'a-ha,Hunting High and Low,Take On Me,02 Feb 2022 23:59',
].join('\n');

/** A user.getRecentTracks page as the API returns it (the now-playing entry first, without a date). */
function apiPage(user: string, tracks: { artist: string; album: string; name: string; uts?: number; nowPlaying?: boolean; loved?: boolean }[], extended = false) {
  return {
    recenttracks: {
      track: tracks.map((track) => ({
        artist: extended ? { name: track.artist, mbid: '', url: 'https://www.last.fm/music/x' } : { mbid: '', '#text': track.artist },
        streamable: '0',
        image: [{ size: 'small', '#text': '' }],
        mbid: '',
        album: { mbid: '', '#text': track.album },
        name: track.name,
        url: 'https://www.last.fm/music/x/_/y',
        ...(track.nowPlaying ? { '@attr': { nowplaying: 'true' } } : {}),
        ...(track.uts !== undefined ? { date: { uts: String(track.uts), '#text': new Date(track.uts * 1000).toUTCString() } } : {}),
        ...(extended ? { loved: track.loved ? '1' : '0' } : {}),
      })),
      '@attr': { user, totalPages: '2', page: '1', perPage: '50', total: '99' },
    },
  };
}

describe('parseScrobbleTime', () => {
  it("reads Last.fm's words as UTC, uts as seconds, and ISO 8601", () => {
    expect(parseScrobbleTime('14 Nov 2023 22:16')).toBe(Date.UTC(2023, 10, 14, 22, 16));
    expect(parseScrobbleTime('14 Nov 2023, 22:16')).toBe(Date.UTC(2023, 10, 14, 22, 16));
    expect(parseScrobbleTime('1 September 2021 07:05:09')).toBe(Date.UTC(2021, 8, 1, 7, 5, 9));
    expect(parseScrobbleTime('1700000160')).toBe(1_700_000_160_000);
    expect(parseScrobbleTime('1700000160000')).toBe(1_700_000_160_000);
    expect(parseScrobbleTime('2023-11-14T22:16:00+01:00')).toBe(Date.UTC(2023, 10, 14, 21, 16));
  });

  it('refuses dates that do not exist and other words', () => {
    for (const text of ['31 Feb 2023 10:00', '14 Nov 2023 25:00', '14 Foo 2023 22:16', 'yesterday', '11/14/2023 22:16', ''])
      expect(parseScrobbleTime(text), text).toBeNaN();
  });
});

describe('importLastfmScrobbles: CSV', () => {
  it('reads a header-less lastfm-to-csv export: names become a catalog, the file name the listener', async () => {
    const path = await file('rj.csv', `${LASTFM_TO_CSV}\n`);
    const { store, interactions, source, details } = await importDataset('lastfm-scrobbles', path);
    expect(source).toBe('lastfm-scrobbles');
    expect(interactions.userCount).toBe(1);
    expect(interactions.userId(0)).toBe('rj');
    expect(interactions.length).toBe(5);
    // "AIRBAG" by "RADIOHEAD" is the same track as "Airbag" by "Radiohead": first spelling shown
    expect(store.trackCount).toBe(4);
    const airbag = store.getTrack('lastfm:radiohead/airbag')!;
    expect(airbag.title).toBe('Airbag');
    expect(store.getArtist(airbag.artistIds[0]!)!.name).toBe('Radiohead');
    expect(store.getAlbum(airbag.albumId!)!.title).toBe('OK Computer');
    // a quoted comma stays in the name; an empty album is no album; hyphens and accents kept as written
    expect(store.getArtist('artist:crosby stills and nash')!.name).toBe('Crosby, Stills & Nash');
    expect(store.getTrack('lastfm:sigur ros/hoppipolla')!.albumId).toBeUndefined();
    expect(store.getTrack('lastfm:a ha/take on me')!.title).toBe('Take On Me');
    // times are UTC, sorted oldest first; the most played track is the most popular
    const times = Array.from(interactions.columns.timestamp);
    expect(times[0]).toBe(Date.UTC(2022, 1, 2, 23, 59));
    expect(times.at(-1)).toBe(Date.UTC(2023, 10, 14, 22, 16));
    expect(store.popularityRank(store.trackIndex('lastfm:radiohead/airbag'))).toBe(0);
    expect(details.forms).toEqual(['CSV without a header (artist, album, track, date)']);
  });

  it('reads a headed export (uts, utc_time, artist, mbids, album, track) with semicolons, a user column and a BOM', async () => {
    const rows = [
      '\uFEFFuts;utc_time;artist;artist_mbid;album;album_mbid;track;track_mbid;user',
      '1700000160;14 Nov 2023, 22:16;Radiohead;a74b1b7f;OK Computer;;Airbag;;alice',
      '1700000460;14 Nov 2023, 22:21;Radiohead;a74b1b7f;OK Computer;;Paranoid Android;;bob',
    ];
    const path = await file('headed.csv', `${rows.join('\r\n')}\r\n`);
    const { store, interactions } = await importDataset('lastfm-scrobbles', path);
    expect(store.trackCount).toBe(2);
    expect([interactions.userId(0), interactions.userId(1)].sort()).toEqual(['alice', 'bob']);
    expect(Array.from(interactions.columns.timestamp).sort()).toEqual([1_700_000_160_000, 1_700_000_460_000]);
  });

  it('says file, line, field and the expected form for a bad row, and writes nothing', async () => {
    const path = await file('bad-date.csv', `${LASTFM_TO_CSV}\nMuse,Absolution,Hysteria,last tuesday\n`);
    const out = join(root, 'out-bad-date');
    const error = await failure(importToSnapshot('lastfm-scrobbles', path, out));
    expect(error.message).toMatch(/bad-date\.csv:6: field "date": expected a Last\.fm date \("14 Nov 2023 22:16".*UTC\), epoch seconds.*got "last tuesday"/);
    expect(existsSync(out)).toBe(false);

    const short = await failure(importDataset('lastfm-scrobbles', await file('three.csv', 'Muse,Hysteria,14 Nov 2023 22:16\n')));
    expect(short.message).toMatch(/three\.csv:1: field "\*": expected 4 fields: artist, album, track, date, as lastfm-to-csv writes them without a header .*got "3 fields: Muse,Hysteria,14 Nov 2023 22:16"/);

    const noArtist = await failure(importDataset('lastfm-scrobbles', await file('no-artist.csv', ',Album,Track,14 Nov 2023 22:16\n')));
    expect(noArtist.message).toMatch(/no-artist\.csv:1: field "artist": expected an artist name/);

    const header = await failure(importDataset('lastfm-scrobbles', await file('no-time.csv', 'artist,album,track\nMuse,Absolution,Hysteria\n')));
    expect(header.message).toMatch(/no-time\.csv:1: field "time": expected a header with a time column: uts, utc_time, date or timestamp, got "artist,album,track"$/);
    const noTrack = await failure(importDataset('lastfm-scrobbles', await file('no-track.csv', 'artist,album,uts\nMuse,Absolution,1700000160\n')));
    expect(noTrack.message).toMatch(/no-track\.csv:1: field "track": expected a header with a track column: track, title, name or song, got/);

    const empty = await failure(importDataset('lastfm-scrobbles', await file('empty.csv', '')));
    expect(empty.message).toMatch(/empty\.csv:1: field "\*": expected scrobble rows/);
  });

  it('gives artists and their tracks genres from --genres by name (a scrobble export names no genres)', async () => {
    const path = await file('genres/rj.csv', `${LASTFM_TO_CSV}\n`);
    const genres = await file('genres-file.json', JSON.stringify({ artists: [{ artist_name: 'Radiohead', artist_uri: 'spotify:artist:x', genres: ['art rock', 'alternative rock'] }, { artist_name: 'a-ha', genres: ['new wave'] }] }));
    const { store, details } = await importDataset('lastfm-scrobbles', path, { genreEnrichment: genres });
    expect(store.getArtist('artist:radiohead')!.genres).toEqual(['art rock', 'alternative rock']);
    expect(store.getTrack('lastfm:radiohead/airbag')!.genres).toEqual(['art rock', 'alternative rock']);
    expect(store.getTrack('lastfm:a ha/take on me')!.genres).toEqual(['new wave']);
    expect(store.getTrack('lastfm:sigur ros/hoppipolla')!.genres).toEqual([]);
    expect(details.genreEnrichment).toEqual({ path: genres, artistsMatched: 2 });
  });

  it('refuses times no scrobble can have (before 2002, after tomorrow), naming the column as the header does', async () => {
    // an 8-digit compact date in the date column read as seconds is 1970-08-23
    const compact = await failure(importDataset('lastfm-scrobbles', await file('compact.csv', `${LASTFM_TO_CSV}\nMuse,Absolution,Hysteria,20231114\n`)));
    expect(compact.message).toMatch(/compact\.csv:6: field "date": expected a scrobble time from 2002 \(Audioscrobbler's start\) to tomorrow — digits are epoch seconds \(10 digits, the API's uts\) or milliseconds \(13\); this one reads as 1970-08-23 \d\d:\d\d UTC, got "20231114"/);
    // a 12-digit millisecond value in a uts column read as seconds is in the year 7357
    const millis = await failure(importDataset('lastfm-scrobbles', await file('millis.csv', 'Date_UTS,artist,track\n170000016000,Muse,Hysteria\n')));
    expect(millis.message).toMatch(/millis\.csv:2: field "Date_UTS": expected a scrobble time from 2002 .* reads as 7357-/);
    // the header's spelling of a time column, not "date"
    const played = await failure(importDataset('lastfm-scrobbles', await file('played.csv', 'played_at,artist,track\nlast tuesday,Muse,Hysteria\n')));
    expect(played.message).toMatch(/played\.csv:2: field "played_at": expected a Last\.fm date/);
    const noName = await failure(importDataset('lastfm-scrobbles', await file('no-name.csv', 'uts,Artist_Name,Song\n1700000160,Muse,\n')));
    expect(noName.message).toMatch(/no-name\.csv:2: field "Song": expected a track name/);
  });

  it("leaves out and counts Last.fm's 1970 placeholder (uts 0, 01 Jan 1970 00:00), saying where", async () => {
    const path = await file('placeholder.csv', `${LASTFM_TO_CSV}\nMuse,Absolution,Hysteria,01 Jan 1970 00:00\n`);
    const { interactions, details } = await importDataset('lastfm-scrobbles', path);
    expect(interactions.length).toBe(5);
    expect(Math.min(...interactions.columns.timestamp)).toBe(Date.UTC(2022, 1, 2, 23, 59));
    expect(details.placeholderDates).toBe("1 scrobbles dated 01 Jan 1970 00:00 (uts 0: Last.fm's placeholder for a scrobble sent without a time) left out — placeholder.csv:6");
    const page = apiPage('rj', [
      { artist: 'Muse', album: 'Absolution', name: 'Hysteria', uts: 0 },
      { artist: 'Muse', album: 'Absolution', name: 'Time Is Running Out', uts: 1_700_000_160 },
    ]);
    const json = await importDataset('lastfm-scrobbles', await file('placeholder.json', JSON.stringify(page)));
    expect(json.interactions.length).toBe(1);
    expect(json.details.placeholderDates).toMatch(/^1 scrobbles dated 01 Jan 1970 .* left out — placeholder\.json:1 recenttracks\.track\[0\]\.date$/);
    const only = await failure(importDataset('lastfm-scrobbles', await file('only-1970.csv', 'Muse,Absolution,Hysteria,01 Jan 1970 00:00\n')));
    expect(only.message).toMatch(/expected at least one scrobble with a date, got "only 1 dated 01 Jan 1970 \(no time\)"/);
  });

  it('says that a repeat at minute resolution may be two real plays', async () => {
    const path = await file('repeat.csv', `${LASTFM_TO_CSV}\nRadiohead,OK Computer,Airbag,14 Nov 2023 22:16\n`);
    const { interactions, details } = await importDataset('lastfm-scrobbles', path);
    expect(interactions.length).toBe(5);
    expect(details.duplicates).toMatch(/^1 scrobbles repeated .* kept once; 1 of them at a whole minute — a date without seconds .* two real plays of the track in one minute, so such plays are merged too$/);
  });

  it('skips bad rows with --skip-invalid and keeps the rest', async () => {
    const path = await file('mixed.csv', `${LASTFM_TO_CSV}\nMuse,Absolution,Hysteria,31 Feb 2023 10:00\n`);
    const result = await importDataset('lastfm-scrobbles', path, { skipInvalid: true });
    expect(result.interactions.length).toBe(5);
    expect(result.rejects).toEqual([expect.objectContaining({ line: 6, field: 'date', value: '31 Feb 2023 10:00' })]);
  });
});

describe('importLastfmScrobbles: user.getRecentTracks JSON', () => {
  it('reads a folder of pages: the page user, one track object, now-playing left out, overlapping pages kept once', async () => {
    const dir = join(root, 'pages');
    const base = 1_700_000_000;
    await file('pages/page-1.json', JSON.stringify(apiPage('rj', [
      { artist: 'Björk', album: 'Homogenic', name: 'Jóga', nowPlaying: true },
      { artist: 'Björk', album: 'Homogenic', name: 'Jóga', uts: base + 600 },
      { artist: 'Björk', album: 'Homogenic', name: 'Hunter', uts: base + 300 },
    ])));
    // page 2 fetched after a new scrobble: its first entry repeats page 1's last
    await file('pages/page-2.json', JSON.stringify(apiPage('rj', [
      { artist: 'Björk', album: 'Homogenic', name: 'Hunter', uts: base + 300 },
      { artist: 'Portishead', album: 'Dummy', name: 'Roads', uts: base },
    ])));
    const single = apiPage('rj', [{ artist: 'Portishead', album: 'Dummy', name: 'Glory Box', uts: base - 300 }]);
    (single.recenttracks as { track: unknown }).track = single.recenttracks.track[0];
    await file('pages/page-3.json', JSON.stringify(single));
    const { store, interactions, details } = await importDataset('lastfm-scrobbles', dir);
    expect(interactions.userCount).toBe(1);
    expect(interactions.userId(0)).toBe('rj');
    expect(interactions.length).toBe(4);
    expect(store.trackCount).toBe(4);
    expect(details.duplicates).toMatch(/^1 scrobbles repeated/);
    expect(details.nowPlaying).toMatch(/^1 "now playing"/);
    expect(Array.from(interactions.columns.timestamp)).toEqual([base - 300, base, base + 300, base + 600].map((s) => s * 1000));
  });

  it('reads an array of extended=1 pages: loved tracks become one save each; --user overrides the page user', async () => {
    const pages = [
      apiPage('someone', [{ artist: 'Daft Punk', album: 'Discovery', name: 'One More Time', uts: 1_600_000_600, loved: true }], true),
      apiPage('someone', [{ artist: 'Daft Punk', album: 'Discovery', name: 'One More Time', uts: 1_600_000_000, loved: true }], true),
    ];
    const path = await file('extended.json', JSON.stringify(pages, null, 2));
    const { interactions } = await importDataset('lastfm-scrobbles', path, { user: 'me' });
    expect(interactions.userId(0)).toBe('me');
    const types = Array.from(interactions.columns.type);
    expect(types.filter((type) => type === 3)).toHaveLength(1); // one save
    expect(interactions.columns.timestamp[types.indexOf(3)]).toBe(1_600_000_600_000);
  });

  it('names the JSON path of a bad track, a saved API error and a truncated page', async () => {
    const page = apiPage('rj', [
      { artist: 'A', album: '', name: 'B', uts: 1_700_000_000 },
      { artist: '', album: '', name: 'C', uts: 1_700_000_100 },
    ]);
    const bad = await failure(importDataset('lastfm-scrobbles', await file('bad-artist.json', JSON.stringify(page))));
    expect(bad.message).toMatch(/bad-artist\.json:1: field "recenttracks\.track\[1\]\.artist": expected an artist/);

    const noDate = apiPage('rj', [{ artist: 'A', album: '', name: 'B' }]);
    const dateError = await failure(importDataset('lastfm-scrobbles', await file('no-date.json', JSON.stringify(noDate))));
    expect(dateError.message).toMatch(/field "recenttracks\.track\[0\]\.date": expected a date .*only the "now playing" entry has none, got "missing"/);

    const apiError = await failure(importDataset('lastfm-scrobbles', await file('private.json', '{"error":17,"message":"Login: User required to be logged in"}')));
    expect(apiError.message).toMatch(/private\.json:1: field "\*": expected a user\.getRecentTracks page, got "the API's error 17: Login: User required to be logged in"/);

    const text = JSON.stringify(page);
    const truncated = await failure(importDataset('lastfm-scrobbles', await file('cut.json', text.slice(0, text.length / 2))));
    expect(truncated.message).toMatch(/cut\.json:1: field "\*": expected complete JSON \(the file looks truncated\)/);

    const other = await failure(importDataset('lastfm-scrobbles', await file('other.json', '{"toptracks":{"track":[]}}')));
    expect(other.message).toMatch(/expected a user\.getRecentTracks page .*got "an object with keys toptracks"/);
  });

  it('reads JSON Lines of pages and refuses an export holding only the now-playing entry', async () => {
    const lines = [apiPage('x', [{ artist: 'A', album: '', name: 'B', uts: 1_700_000_000 }]), apiPage('x', [{ artist: 'A', album: '', name: 'C', uts: 1_700_000_100 }])];
    const { interactions } = await importDataset('lastfm-scrobbles', await file('pages.jsonl', lines.map((line) => JSON.stringify(line)).join('\n')));
    expect(interactions.length).toBe(2);

    const onlyNow = await failure(importDataset('lastfm-scrobbles', await file('now.json', JSON.stringify(apiPage('x', [{ artist: 'A', album: '', name: 'B', nowPlaying: true }])))));
    expect(onlyNow.message).toMatch(/field "\*": expected at least one scrobble with a date, got "only 1 now-playing entries \(no date\)"/);
  });

  it('says what a folder without exports and a missing file are', async () => {
    await mkdir(join(root, 'nothing'), { recursive: true });
    await writeFile(join(root, 'nothing', 'readme.md'), 'hi');
    expect((await failure(importDataset('lastfm-scrobbles', join(root, 'nothing')))).message).toMatch(/expected a folder with Last\.fm scrobble exports \(\.csv, \.tsv, \.json, \.jsonl\), got "none found"/);
    expect((await failure(importDataset('lastfm-scrobbles', join(root, 'missing.csv')))).message).toMatch(/missing\.csv:0: field "\*": expected a readable file, got "it does not exist"/);
  });
});
