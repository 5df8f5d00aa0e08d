// A Last.fm scrobble export: one listener's (or several listeners') play history, with names
// only — no ids, no catalog. Two forms a user brings:
//  - CSV as export tools write it: without a header, four columns `artist, album, track, date`
//    ("14 Nov 2023 22:16", UTC — the lastfm-to-csv form), or with a header naming artist, track and
//    a time column (`uts` epoch seconds, `utc_time`, `date`, `timestamp`, …; album, mbids and a
//    user column optional — the form of other exporters). Comma, tab or semicolon separated.
//  - JSON pages of the API's `user.getRecentTracks` (`{"recenttracks":{"track":[…],"@attr":{"user"}}}`),
//    one page per file, an array of pages, an array of tracks, or JSON Lines of pages; `extended=1`
//    pages too. The "now playing" entry (no date) is left out and counted; `loved: "1"` adds one save.
// The catalog is made from the names: an artist per folded name (`artist:<identityKey>`, as the
// events importer keys artists without ids), a track per artist + folded title
// (`lastfm:<artist key>/<title key>`: "Airbag" and "AIRBAG" are one track, "Airbag (Live)" another),
// an album per artist + folded album name; the first spelling seen is the one shown. Popularity is
// the log-scaled scrobble count. The listener is the `user` column, the page's `@attr.user`, the
// `user` option (`--user`) — which overrides both — or else the file name without its extension
// (lastfm-to-csv names the file after the user). The same scrobble twice (same listener, track and
// second: overlapping API pages) is kept once and counted (at minute resolution — lastfm-to-csv's
// dates — two real plays in one minute merge too, and the count says so). A time before 2002 or
// after tomorrow is refused (an 8-digit date or a millisecond value read as seconds); 1970-01-01
// 00:00 — Last.fm's placeholder for a scrobble without a time — is left out and counted.
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ProgressTracker, parseEventTimestamp } from '@mixtape/base';
import { identityKey } from '@mixtape/language';
import { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { CsvParser, type CsvRecord } from '../internal/csv';
import { ImportError, RejectSink, RowRejection, unreadableFile } from './rejects';
import { importSignal, type ImportOptions, type ImportResult } from './import-options';
import { POPULARITY_FROM_INTERACTIONS } from './popularity';
import { loadGenreEnrichment, parseJson } from './genre-enrichment';
import { NamedTrackCatalog } from './named-track';
import { forEachLine } from './read-lines';

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);
const JSON_EXTENSIONS = new Set(['.json']);
const JSON_LINES_EXTENSIONS = new Set(['.jsonl', '.ndjson']);

/** What a scrobble's time may look like, for the "expected …" of an error. */
export const SCROBBLE_TIME_FORMS =
  'a Last.fm date ("14 Nov 2023 22:16" or "14 Nov 2023, 22:16", UTC), epoch seconds ("1700000160", the API\'s uts) or an ISO 8601 date-time';

const HEADERLESS_FORM = 'no header and 4 columns artist, album, track, date (the lastfm-to-csv form), or a header naming artist, track and a time column (uts, utc_time, date or timestamp)';

/** What a header's missing column may be called, for its error (a few of HEADER_FIELDS' names). */
const COLUMN_NAMES: Record<'artist' | 'track' | 'time', string> = {
  artist: 'an artist column: artist or artist_name',
  track: 'a track column: track, title, name or song',
  time: 'a time column: uts, utc_time, date or timestamp',
};

/** Audioscrobbler (Last.fm's scrobbling) started in 2002: an earlier time is no real scrobble. */
const FIRST_SCROBBLE_MS = Date.UTC(2002, 0, 1);
const DAY_MS = 86_400_000;

/**
 * Why a parsed scrobble time cannot be a real play, or undefined when it can: before 2002 (an
 * 8-digit date read as seconds) or after tomorrow (a 12-digit millisecond value read as seconds).
 * 0 — uts "0", "01 Jan 1970 00:00", Last.fm's placeholder for a scrobble sent without a time — is
 * not asked here: the caller leaves it out and counts it rather than refusing the file.
 */
function implausibleTime(ms: number, now: number): string | undefined {
  if (ms >= FIRST_SCROBBLE_MS && ms <= now + DAY_MS) return undefined;
  const date = new Date(ms);
  const when = Number.isFinite(date.getTime()) ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'beyond any date';
  return `a scrobble time from 2002 (Audioscrobbler's start) to tomorrow — digits are epoch seconds (10 digits, the API's uts) or milliseconds (13); this one reads as ${when}`;
}

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, sept: 8, oct: 9, nov: 10, dec: 11,
  january: 0, february: 1, march: 2, april: 3, june: 5, july: 6, august: 7, september: 8, october: 9, november: 10, december: 11,
};

/**
 * Milliseconds since the epoch of a scrobble time, or NaN. Digits are epoch seconds (the API's
 * `uts`; 13 or more digits: milliseconds, as some tools write them). Last.fm's own words
 * ("14 Nov 2023 22:16", "14 Nov 2023, 22:16", seconds optional) are English and UTC whatever the
 * listener's locale: the API writes them so. Otherwise the ISO 8601 forms of parseEventTimestamp.
 */
export function parseScrobbleTime(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return trimmed.length >= 13 ? Number(trimmed) : Number(trimmed) * 1000;
  const words = /^(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (words) {
    const [, day, monthName, year, hour, minute, second] = words;
    const month = MONTHS[monthName!.toLowerCase()];
    if (month === undefined) return Number.NaN;
    const ms = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second ?? 0));
    // Date.UTC rolls 31 Feb over to March: a date that does not exist is refused
    const check = new Date(ms);
    if (check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return Number.NaN;
    return ms;
  }
  return parseEventTimestamp(trimmed);
}

/** Header names (folded: lower case, no spaces, underscores or dashes) → the field they hold. */
const HEADER_FIELDS: Record<string, ScrobbleField> = {
  artist: 'artist', artistname: 'artist', artists: 'artist',
  album: 'album', albumname: 'album', albumtitle: 'album', release: 'album',
  track: 'track', trackname: 'track', title: 'track', name: 'track', song: 'track', songname: 'track', tracktitle: 'track',
  uts: 'seconds', unixtime: 'seconds', timestamputs: 'seconds', dateuts: 'seconds',
  utctime: 'time', date: 'time', timestamp: 'time', time: 'time', datetime: 'time', playedat: 'time', scrobbletime: 'time', isotime: 'time', scrobbledat: 'time', listenedat: 'time',
  user: 'user', username: 'user', userid: 'user',
  loved: 'loved',
};
type ScrobbleField = 'artist' | 'album' | 'track' | 'seconds' | 'time' | 'user' | 'loved';

function headerField(name: string): ScrobbleField | undefined {
  return HEADER_FIELDS[name.trim().toLowerCase().replace(/[\s_-]/g, '')];
}

interface Scrobble {
  artist: string;
  album: string;
  track: string;
  time: number;
  user: string;
  loved: boolean;
}

async function inputFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch((error: unknown) => {
    throw unreadableFile(input, error) ?? error;
  });
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input)).filter((name) => {
    const extension = extname(name).toLowerCase();
    return CSV_EXTENSIONS.has(extension) || JSON_EXTENSIONS.has(extension) || JSON_LINES_EXTENSIONS.has(extension);
  });
  if (names.length === 0) throw new ImportError({ file: input, line: 0, field: '*', expected: 'a folder with Last.fm scrobble exports (.csv, .tsv, .json, .jsonl)', value: 'none found' });
  return names.sort().map((name) => join(input, name));
}

/** The listener of a file without one: its name without the extension ("rj.csv" → "rj"). */
function fileUser(file: string): string {
  return basename(file, extname(file));
}

export async function importLastfmScrobbles(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  const signal = importSignal(options);
  const sink = new RejectSink(options.skipInvalid ?? false);
  if (options.user !== undefined && options.user.trim() === '')
    throw new ImportError({ file: input, line: 0, field: 'user', expected: 'a non-empty listener name', value: options.user });
  const files = await inputFiles(input);
  // a scrobble export names artists only: --genres gives them (and their tracks) genres by name, as for MPD slices
  const enrichment = options.genreEnrichment ? await loadGenreEnrichment(options.genreEnrichment, signal) : undefined;
  const progress = new ProgressTracker('read scrobbles', 'files', files.length, options.onProgress);

  const catalog = new NamedTrackCatalog(enrichment, 1 << 12);
  const log = new InteractionLogBuilder(1 << 16);
  const PLAY = INTERACTION_TYPE_CODE.play;
  const SAVE = INTERACTION_TYPE_CODE.save;
  // one save per listener and loved track, at its latest scrobble
  const lovedAt = new Map<string, { user: number; track: number; time: number }>();
  let nowPlaying = 0;
  let scrobbles = 0;
  // scrobbles dated 1970-01-01 00:00 (Last.fm's placeholder): left out, counted, the first few named
  const placeholders = { count: 0, where: [] as string[] };
  const times: TimeCheck = {
    now: Date.now(),
    placeholder: (where) => {
      placeholders.count++;
      if (placeholders.where.length < 3) placeholders.where.push(where);
    },
  };
  const forms = new Set<string>();

  const add = (scrobble: Scrobble): void => {
    const artistKey = identityKey(scrobble.artist);
    const artistId = `artist:${artistKey}`;
    const track = catalog.add({
      id: `lastfm:${artistKey}/${identityKey(scrobble.track)}`,
      title: scrobble.track,
      artistId,
      artistName: scrobble.artist,
      ...(scrobble.album !== '' ? { album: { id: `album:${artistId}:${identityKey(scrobble.album)}`, title: scrobble.album } } : {}),
      durationMs: 0,
    });
    const user = log.userIndex(scrobble.user);
    log.pushEncoded(user, track, scrobble.time, PLAY, 0, 1, -1);
    scrobbles++;
    if (scrobble.loved) {
      const key = `${user}\u0000${track}`;
      const seen = lovedAt.get(key);
      if (!seen || seen.time < scrobble.time) lovedAt.set(key, { user, track, time: scrobble.time });
    }
  };

  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    signal.throwIfAborted();
    const extension = extname(file).toLowerCase();
    try {
      if (JSON_EXTENSIONS.has(extension) || JSON_LINES_EXTENSIONS.has(extension)) {
        forms.add('user.getRecentTracks JSON');
        nowPlaying += await readJsonPages(file, JSON_LINES_EXTENSIONS.has(extension), options.user, signal, sink, add, times);
      } else {
        forms.add(await readScrobbleCsv(file, options.user, signal, sink, add, times));
      }
    } catch (error) {
      throw unreadableFile(file, error) ?? error;
    }
    progress.update(f + 1);
  }
  progress.finish(files.length);
  for (const { user, track, time } of lovedAt.values()) log.pushEncoded(user, track, time, SAVE, 0, 1, -1);

  const store = new CatalogStore(catalog.build());
  let interactions = log.build();
  const { mask, duplicates, wholeMinute } = duplicateScrobbles(interactions.columns);
  if (duplicates > 0) interactions = interactions.select(mask);
  if (interactions.length === 0) {
    const undated = [nowPlaying > 0 ? `${nowPlaying} now-playing entries (no date)` : '', placeholders.count > 0 ? `${placeholders.count} dated 01 Jan 1970 (no time)` : ''].filter((part) => part !== '');
    throw new ImportError({ file: input, line: 0, field: '*', expected: 'at least one scrobble with a date', value: undated.length > 0 ? `only ${undated.join(' and ')}` : 'none' });
  }
  return {
    store,
    interactions,
    source: 'lastfm-scrobbles',
    details: {
      files: files.map((file) => basename(file)),
      forms: [...forms],
      scrobbles: scrobbles - duplicates,
      listeners: log.userCount,
      ...(duplicates > 0
        ? {
            duplicates:
              `${duplicates.toLocaleString('en')} scrobbles repeated (same listener, track and time: overlapping pages) kept once` +
              (wholeMinute > 0
                ? `; ${wholeMinute.toLocaleString('en')} of them at a whole minute — a date without seconds (lastfm-to-csv's "14 Nov 2023 22:16") cannot tell a repeated page from two real plays of the track in one minute, so such plays are merged too`
                : ''),
          }
        : {}),
      ...(nowPlaying > 0 ? { nowPlaying: `${nowPlaying} "now playing" entries without a date left out` } : {}),
      ...(placeholders.count > 0
        ? { placeholderDates: `${placeholders.count.toLocaleString('en')} scrobbles dated 01 Jan 1970 00:00 (uts 0: Last.fm's placeholder for a scrobble sent without a time) left out — ${placeholders.where.join(', ')}${placeholders.count > placeholders.where.length ? ', …' : ''}` }
        : {}),
      ...(lovedAt.size > 0 ? { loved: `${lovedAt.size} loved tracks, each one save at its latest scrobble` } : {}),
      catalog: 'made from the names: artist per folded name, track per artist + folded title, album per artist + folded album; no durations or audio features; genres only from --genres',
      genreEnrichment: options.genreEnrichment ? { path: options.genreEnrichment, artistsMatched: catalog.enrichedArtists } : undefined,
      popularity: 'log-scaled scrobble count',
      ...POPULARITY_FROM_INTERACTIONS,
      times: 'scrobble times (UTC)',
      rejected: sink.count,
    },
    extras: {},
    rejects: sink.rejects,
    rejectedCount: sink.count,
  };
}

/**
 * Rows (sorted by listener, time) that repeat an earlier row's listener, time, track and type;
 * `wholeMinute` counts those at a time on a whole minute (a date without seconds, where two real
 * plays in one minute look the same as a repeated page).
 */
function duplicateScrobbles(columns: { user: Int32Array; track: Int32Array; timestamp: Float64Array; type: Uint8Array }): { mask: Uint8Array; duplicates: number; wholeMinute: number } {
  const { user, track, timestamp, type } = columns;
  const mask = new Uint8Array(user.length).fill(1);
  let duplicates = 0;
  let wholeMinute = 0;
  let start = 0;
  for (let i = 1; i <= user.length; i++) {
    if (i < user.length && user[i] === user[start] && timestamp[i] === timestamp[start]) continue;
    // rows [start, i) share a listener and a time: usually one, a few for iPod-style batches
    for (let a = start + 1; a < i; a++)
      for (let b = start; b < a; b++)
        if (mask[b] && track[a] === track[b] && type[a] === type[b]) {
          mask[a] = 0;
          duplicates++;
          if (timestamp[a]! % 60_000 === 0) wholeMinute++;
          break;
        }
    start = i;
  }
  return { mask, duplicates, wholeMinute };
}

interface TimeCheck {
  now: number;
  /** a scrobble dated 0 (1970-01-01 00:00) at `where` ("file:line") was left out */
  placeholder(where: string): void;
}

/** The time to keep, or undefined for Last.fm's 1970 placeholder (counted); throws RowRejection for an impossible one. */
function checkedTime(time: number, field: string, shown: string, times: TimeCheck, where: string): number | undefined {
  if (time === 0) {
    times.placeholder(where);
    return undefined;
  }
  const problem = implausibleTime(time, times.now);
  if (problem) throw new RowRejection(field, problem, shown);
  return time;
}

// ---- CSV

function sniffDelimiter(firstLine: string): string {
  // the separator that splits the first line into the most plausible record: a known header, or 4 columns
  for (const delimiter of [',', '\t', ';']) {
    const fields = splitLine(firstLine, delimiter);
    if (fields.filter((field) => headerField(field) !== undefined).length >= 2) return delimiter;
  }
  for (const delimiter of ['\t', ',', ';']) if (splitLine(firstLine, delimiter).length === 4) return delimiter;
  return ',';
}

function splitLine(line: string, delimiter: string): string[] {
  let fields: string[] = [];
  const parser = new CsvParser({ delimiter });
  const take = (record: CsvRecord): void => {
    if (fields.length === 0) fields = record.fields;
  };
  parser.push(line, take);
  parser.end(take);
  return fields;
}

async function firstLineOf(file: string): Promise<string> {
  const handle = await open(file);
  let text: string;
  try {
    const buffer = Buffer.alloc(64 << 10);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    text = buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).replace(/^\uFEFF/, '').replace(/\r$/, '');
}

/** Reads one CSV export; returns which form it was (for the details). */
async function readScrobbleCsv(file: string, userOption: string | undefined, signal: AbortSignal, sink: RejectSink, add: (scrobble: Scrobble) => void, times: TimeCheck): Promise<string> {
  const delimiter = sniffDelimiter(await firstLineOf(file));
  const parser = new CsvParser({ delimiter, trim: false });
  let columns: Partial<Record<ScrobbleField, number>> | undefined;
  // the header's own spellings, so an error names a column as the file does ("timestamp", "date_uts")
  let header: string[] = [];
  let headerless = false;
  let expectedFields = 4;
  const defaultUser = userOption ?? fileUser(file);
  const handle = (record: CsvRecord): void => {
    const fields = record.fields;
    if (columns === undefined && !headerless) {
      if (fields[0]?.charCodeAt(0) === 0xfeff) fields[0] = fields[0].slice(1);
      if (fields.length === 1 && fields[0] === '') return; // blank first line
      const named = fields.map(headerField);
      // a header names at least two known columns and holds no time ("Date,Love,Name,14 Nov 2023 22:16" is a scrobble)
      if (named.filter((field) => field !== undefined).length >= 2 && !fields.some((field) => Number.isFinite(parseScrobbleTime(field)))) {
        columns = {};
        named.forEach((field, index) => {
          // uts and utc_time both present (one exporter writes both): the first of each kind wins
          if (field !== undefined && columns![field] === undefined) columns![field] = index;
        });
        const missing = (['artist', 'track'] as const).find((field) => columns![field] === undefined) ?? (columns.seconds === undefined && columns.time === undefined ? 'time' : undefined);
        if (missing) throw new ImportError({ file, line: record.line, field: missing, expected: `a header with ${COLUMN_NAMES[missing]}`, value: fields.join(delimiter) });
        expectedFields = fields.length;
        header = fields.map((field) => field.trim());
        return;
      }
      headerless = true;
    }
    if (record.error) {
      sink.reject({ file, line: record.line, field: '*', expected: record.error });
      return;
    }
    if (fields.length === 1 && fields[0] === '') return; // a blank line
    if (fields.length !== expectedFields) {
      sink.reject({
        file, line: record.line, field: '*',
        expected: headerless
          ? '4 fields: artist, album, track, date, as lastfm-to-csv writes them without a header (or a header naming artist, track and a time column: uts, utc_time, date or timestamp)'
          : `${expectedFields} fields, as the header`,
        value: `${fields.length} fields: ${fields.join(delimiter)}`,
      });
      return;
    }
    try {
      const at = (field: ScrobbleField, headerlessIndex: number | undefined): string => {
        const index = columns ? columns[field] : headerlessIndex;
        return index === undefined ? '' : (fields[index] ?? '').trim();
      };
      // a field as the file names it: the header's spelling, or lastfm-to-csv's column name
      const nameOf = (field: ScrobbleField, headerlessName: string): string => (columns ? (header[columns[field] ?? -1] ?? field) : headerlessName);
      const artist = at('artist', 0);
      if (artist === '') throw new RowRejection(nameOf('artist', 'artist'), 'an artist name', '');
      const track = at('track', 2);
      if (track === '') throw new RowRejection(nameOf('track', 'track'), 'a track name', '');
      const secondsText = at('seconds', undefined);
      const timeField = columns ? nameOf(secondsText !== '' || columns.time === undefined ? 'seconds' : 'time', 'date') : 'date';
      const timeText = secondsText !== '' ? secondsText : at('time', 3);
      const parsed = secondsText !== '' && !/^\d+$/.test(secondsText) ? Number.NaN : parseScrobbleTime(timeText);
      if (!Number.isFinite(parsed) || parsed < 0) throw new RowRejection(timeField, secondsText !== '' ? 'epoch seconds' : SCROBBLE_TIME_FORMS, timeText);
      const time = checkedTime(parsed, timeField, timeText, times, `${basename(file)}:${record.line}`);
      if (time === undefined) return;
      const loved = at('loved', undefined).toLowerCase();
      add({ artist, album: at('album', 1), track, time, user: userOption ?? (at('user', undefined) || defaultUser), loved: loved === '1' || loved === 'true' });
    } catch (error) {
      if (!(error instanceof RowRejection)) throw error;
      sink.reject({ file, line: record.line, field: error.field, expected: error.expected, value: error.value });
    }
  };
  let any = false;
  for await (const chunk of createReadStream(file, { signal, encoding: 'utf8', highWaterMark: 1 << 20 })) {
    any = true;
    parser.push(chunk as string, handle);
  }
  parser.end(handle);
  if (!any || (!headerless && columns === undefined)) throw new ImportError({ file, line: 1, field: '*', expected: `scrobble rows: ${HEADERLESS_FORM}`, value: '' });
  return headerless ? 'CSV without a header (artist, album, track, date)' : 'CSV with a header';
}

// ---- JSON (user.getRecentTracks pages)

/** Reads one JSON (or JSON Lines) file of pages; returns how many "now playing" entries were left out. */
async function readJsonPages(file: string, lines: boolean, userOption: string | undefined, signal: AbortSignal, sink: RejectSink, add: (scrobble: Scrobble) => void, times: TimeCheck): Promise<number> {
  let nowPlaying = 0;
  const readValue = (value: unknown, line: number, path: string): void => {
    nowPlaying += readPageOrTracks(value, { file, line, path, user: userOption, fallbackUser: fileUser(file), sink, add, times });
  };
  if (lines) {
    let lineNumber = 0;
    await forEachLine(file, { signal }, (raw) => {
      lineNumber++;
      const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = parseJson(text, file, lineNumber);
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        sink.reject(error.reject);
        return;
      }
      readValue(value, lineNumber, '');
    });
    return nowPlaying;
  }
  const source = (await readFile(file, { encoding: 'utf8', signal })).replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = parseJson(source, file, 1);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    sink.reject(error.reject); // strict: throws; skip-invalid: the file is skipped
    return 0;
  }
  readValue(json, 1, '');
  return nowPlaying;
}

interface PageContext {
  file: string;
  line: number;
  path: string;
  user: string | undefined;
  fallbackUser: string;
  sink: RejectSink;
  add: (scrobble: Scrobble) => void;
  times: TimeCheck;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const join2 = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

/** A page, an array of pages or of tracks; returns the "now playing" entries skipped. */
function readPageOrTracks(value: unknown, context: PageContext): number {
  const { file, line, path, sink } = context;
  if (Array.isArray(value)) {
    let skipped = 0;
    value.forEach((item, index) => (skipped += readPageOrTracks(item, { ...context, path: join2(path, index) })));
    return skipped;
  }
  if (!isObject(value)) {
    sink.reject({ file, line, field: path || '*', expected: 'a user.getRecentTracks page ({"recenttracks": {"track": [...]}}), an array of them, or an array of tracks', value: JSON.stringify(value)?.slice(0, 80) });
    return 0;
  }
  if ('error' in value && 'message' in value) {
    // a saved API error instead of a page ("User not found", "Login required": a private profile)
    sink.reject({ file, line, field: path || '*', expected: 'a user.getRecentTracks page', value: `the API's error ${String(value.error)}: ${String(value.message)}` });
    return 0;
  }
  if ('name' in value && 'artist' in value) return readTrack(value, context, context.user ?? context.fallbackUser);
  const page = isObject(value.recenttracks) ? value.recenttracks : undefined;
  if (!page) {
    sink.reject({ file, line, field: path || '*', expected: 'a user.getRecentTracks page ({"recenttracks": {"track": [...]}}) or a track ({"name", "artist", "date"})', value: `an object with keys ${Object.keys(value).slice(0, 6).join(', ') || '(none)'}` });
    return 0;
  }
  const attr = isObject(page['@attr']) ? page['@attr'] : {};
  const user = context.user ?? (typeof attr.user === 'string' && attr.user !== '' ? attr.user : context.fallbackUser);
  const base = join2(path, 'recenttracks');
  // the API writes a page of one track as an object, not an array of one
  const tracks = page.track === undefined ? [] : Array.isArray(page.track) ? page.track : [page.track];
  let skipped = 0;
  const trackPath = join2(base, 'track');
  tracks.forEach((track, index) => (skipped += readTrack(track, { ...context, path: Array.isArray(page.track) ? join2(trackPath, index) : trackPath }, user)));
  return skipped;
}

/** The text of a name field: a string, `{"#text": …}` (the API) or `{"name": …}` (extended=1). */
function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (isObject(value)) {
    if (typeof value['#text'] === 'string') return value['#text'].trim();
    if (typeof value.name === 'string') return value.name.trim();
  }
  return undefined;
}

function readTrack(value: unknown, context: PageContext, user: string): number {
  const { file, line, path, sink } = context;
  const at = (field: string): string => join2(path, field);
  try {
    if (!isObject(value)) throw new RowRejection(path || '*', 'a track object', JSON.stringify(value)?.slice(0, 80));
    const attr = isObject(value['@attr']) ? value['@attr'] : {};
    if (attr.nowplaying === 'true' || attr.nowplaying === true) return 1;
    const track = nameOf(value.name);
    if (!track) throw new RowRejection(at('name'), 'a track name', value.name === undefined ? 'missing' : JSON.stringify(value.name));
    const artist = nameOf(value.artist);
    if (!artist) throw new RowRejection(at('artist'), 'an artist ({"#text": name} or a name)', value.artist === undefined ? 'missing' : JSON.stringify(value.artist));
    const album = value.album === undefined || value.album === null ? '' : nameOf(value.album);
    if (album === undefined) throw new RowRejection(at('album'), 'an album ({"#text": name} or a name)', JSON.stringify(value.album));
    const date = value.date;
    let time = Number.NaN;
    let shown = '';
    if (isObject(date)) {
      shown = typeof date.uts === 'string' || typeof date.uts === 'number' ? String(date.uts) : typeof date['#text'] === 'string' ? date['#text'] : JSON.stringify(date);
      time = typeof date.uts === 'string' || typeof date.uts === 'number' ? (/^\d+$/.test(String(date.uts)) ? Number(date.uts) * 1000 : Number.NaN) : parseScrobbleTime(shown);
    } else if (typeof date === 'string' || typeof date === 'number') {
      shown = String(date);
      time = parseScrobbleTime(shown);
    } else if (date === undefined) {
      throw new RowRejection(at('date'), `a date ({"uts": "1700000160"}); only the "now playing" entry has none`, 'missing');
    }
    if (!Number.isFinite(time) || time < 0) throw new RowRejection(at('date'), `{"uts": epoch seconds} or ${SCROBBLE_TIME_FORMS}`, shown);
    const kept = checkedTime(time, at('date'), shown, context.times, `${basename(file)}:${line} ${at('date')}`);
    if (kept === undefined) return 0;
    const loved = value.loved === '1' || value.loved === 1 || value.loved === true;
    context.add({ artist, album, track, time: kept, user, loved });
    return 0;
  } catch (error) {
    if (!(error instanceof RowRejection)) throw error;
    sink.reject({ file, line, field: error.field, expected: error.expected, value: error.value });
    return 0;
  }
}
