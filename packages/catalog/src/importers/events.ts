// Generic listening data: an event log (CSV or JSON Lines) plus the catalog it refers to (CSV
// or JSON Lines). Column/key names are matched case-insensitively, with or without
// underscores, plus a few aliases (see FIELD_ALIASES). Catalog rows:
//   track_id, title, artist_name (several: "A|B" or an array), [artist_id], [album_id],
//   [album_title], [release_date], [duration_ms], [popularity 0..100], [explicit],
//   [genres "a|b"], [subgenres], [the 11 audio features: all or none]
// Event rows: user_id, track_id, timestamp (epoch ms or ISO 8601; without a zone: UTC), type (play | skip | complete
//   | save | playlist_add; without a type column every row is a play), [ms_played], [context]. A file whose every timestamp is a number in
//   [1e9, 1e10) holds epoch seconds (2001–2286; as milliseconds they would all fall in January–April
//   1970): they are read × 1000, and details.timestamps says so.
// An event whose track_id is not in the catalog is rejected.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { identityKey } from '@mixtape/language';
import { CatalogBuilder } from '../catalog-columns';
import { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { AUDIO_FEATURES, AUDIO_FEATURE_RANGES, INTERACTION_TYPES } from '../model';
import type { AudioFeatures, InteractionType } from '../model';
import { EVENT_TIMESTAMP_FORMS, ProgressTracker, parseEventTimestamp } from '@mixtape/base';
import { parseReleaseDate } from '../dates';
import { ImportError, RejectSink, RowRejection } from './rejects';
import { importSignal, type ImportOptions, type ImportResult } from './import-options';
import type { CsvRow } from './csv-row';
import { parseNumber, type NumberRule } from './parse-number';
import { readDelimited } from './read-delimited';
import { readJsonLines } from './read-json-lines';
import { loadGenreEnrichment } from './genre-enrichment';

const FIELD_ALIASES: Record<string, string> = {
  trackid: 'track_id', id: 'track_id', track: 'track_id',
  title: 'title', trackname: 'title', name: 'title',
  artistname: 'artist_name', artist: 'artist_name', artists: 'artist_name', artistnames: 'artist_name',
  artistid: 'artist_id', artistids: 'artist_id',
  albumid: 'album_id', albumtitle: 'album_title', albumname: 'album_title', album: 'album_title',
  releasedate: 'release_date', albumreleasedate: 'release_date',
  durationms: 'duration_ms', popularity: 'popularity', explicit: 'explicit', genres: 'genres', subgenres: 'subgenres',
  userid: 'user_id', user: 'user_id',
  timestamp: 'timestamp', ts: 'timestamp', time: 'timestamp',
  type: 'type', event: 'type', eventtype: 'type',
  msplayed: 'ms_played', context: 'context',
};
for (const feature of AUDIO_FEATURES) FIELD_ALIASES[feature] = feature;

/** Canonical field name for a header or JSON key: case-insensitive, underscores and spaces ignored. */
export function canonicalField(name: string): string {
  return FIELD_ALIASES[name.toLowerCase().replace(/[\s_-]/g, '')] ?? name;
}

/** A delimited file's separator (see headerDelimiter), or undefined for JSON Lines. */
async function rowDelimiter(path: string): Promise<string | undefined> {
  return /\.(jsonl|ndjson|json)$/i.test(path) ? undefined : headerDelimiter(path);
}

/**
 * A listening log without times (only user and track) is a shape users bring: numbered rows are read as listening
 * order (times before 2000 are undated, as TidyTuesday's playlist positions), so the error says how to give one.
 */
const NO_TIMESTAMP_HINT = 'a log without times: number its rows 1, 2, 3… in listening order — read as order, not clock time';

async function readRows(path: string, delimiter: string | undefined, required: readonly string[], common: { signal: AbortSignal; sink: RejectSink; onLines?: (rows: number) => void }, onRow: (row: CsvRow) => void): Promise<number> {
  if (delimiter === undefined) return readJsonLines(path, { ...common, normalizeKey: canonicalField, onRow });
  return readDelimited(path, { ...common, delimiter, required, missingHints: { timestamp: NO_TIMESTAMP_HINT }, normalizeHeader: canonicalField, onRow });
}

/**
 * The separator the header uses: a comma, or — in a header without one — a tab or a semicolon
 * (spreadsheets in many locales save "CSV" with semicolons). Every required column name is plain
 * words, so a header line names its separator.
 */
async function headerDelimiter(path: string): Promise<string> {
  const file = await open(path).catch(() => undefined);
  if (!file) return ','; // readDelimited reports the unreadable file
  try {
    const buffer = Buffer.alloc(64 << 10);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const text = buffer.toString('utf8', 0, bytesRead);
    const end = text.indexOf('\n');
    const header = end < 0 ? text : text.slice(0, end);
    if (header.includes(',')) return ',';
    if (header.includes('\t')) return '\t';
    return header.includes(';') ? ';' : ',';
  } finally {
    await file.close();
  }
}

async function resolveInputs(input: string, catalog: string | undefined): Promise<{ events: string; catalog: string }> {
  const info = await stat(input).catch((error: unknown) => {
    throw new ImportError({ file: input, line: 0, field: '*', expected: 'an existing events file or folder' }, { cause: error });
  });
  if (!info.isDirectory()) {
    if (!catalog) throw new ImportError({ file: input, line: 0, field: 'catalog', expected: 'a catalog file (--catalog) for the events' });
    return { events: input, catalog };
  }
  const names = await readdir(input);
  const find = (stem: string): string | undefined => names.find((name) => new RegExp(`^${stem}\\.(csv|jsonl|ndjson)$`, 'i').test(name));
  const events = find('events');
  const catalogFile = catalog ?? (find('catalog') ? join(input, find('catalog')!) : undefined);
  if (!events || !catalogFile)
    throw new ImportError({ file: input, line: 0, field: '*', expected: 'a folder with events.(csv|jsonl) and catalog.(csv|jsonl)' });
  return { events: join(input, events), catalog: catalogFile };
}

export async function importEvents(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  const signal = importSignal(options);
  const sink = new RejectSink(options.skipInvalid ?? false);
  const paths = await resolveInputs(input, options.catalog);
  const enrichment = options.genreEnrichment ? await loadGenreEnrichment(options.genreEnrichment, signal) : undefined;

  // ---- catalog
  const catalogProgress = new ProgressTracker('read catalog', 'rows', undefined, options.onProgress);
  const builder = new CatalogBuilder({ validate: true });
  let enriched = 0;
  const catalogDelimiter = await rowDelimiter(paths.catalog);
  // in a ";"- or tab-separated file "0,5" is a decimal comma (parseNumber)
  const decimalComma = catalogDelimiter === ';' || catalogDelimiter === '\t';
  let decimalCommas = 0;
  const number = (row: CsvRow, field: string, rule: NumberRule): number => {
    const value = parseNumber(row.text(field), field, rule, decimalComma);
    if (decimalComma && row.text(field).includes(',')) decimalCommas++;
    return value;
  };
  const catalogRows = await readRows(paths.catalog, catalogDelimiter, ['track_id', 'title', 'artist_name'], { signal, sink, onLines: (rows) => catalogProgress.update(rows) }, (row) => {
    const trackId = row.requiredText('track_id');
    if (builder.trackIndex(trackId) >= 0) throw new RowRejection('track_id', 'a unique track id', trackId);
    const title = row.requiredText('title');
    const artistNames = row.list('artist_name');
    if (artistNames.length === 0) throw new RowRejection('artist_name', 'at least one artist name', '');
    const givenArtistIds = row.list('artist_id');
    if (givenArtistIds.length > 0 && givenArtistIds.length !== artistNames.length)
      throw new RowRejection('artist_id', `${artistNames.length} artist ids (one per artist_name)`, row.text('artist_id'));
    const releaseText = row.text('release_date');
    if (releaseText !== '' && !parseReleaseDate(releaseText)) throw new RowRejection('release_date', 'a date YYYY, YYYY-MM or YYYY-MM-DD', releaseText);
    const durationMs = row.text('duration_ms') === '' ? 0 : number(row, 'duration_ms', { min: 0, integer: true });
    const popularity = row.text('popularity') === '' ? 0 : number(row, 'popularity', { min: 0, max: 100 });
    const explicitText = row.text('explicit').toLowerCase();
    if (!['', 'true', 'false', '1', '0'].includes(explicitText)) throw new RowRejection('explicit', 'true, false, 1 or 0', row.text('explicit'));
    let features: AudioFeatures | undefined;
    const given = AUDIO_FEATURES.filter((name) => row.text(name) !== '');
    if (given.length > 0) {
      // a track's features are all or nothing (hasFeatures); name what is there, not just the first gap
      const missing = AUDIO_FEATURES.find((name) => row.text(name) === '');
      if (missing) throw new RowRejection(missing, `all ${AUDIO_FEATURES.length} audio features (${AUDIO_FEATURES.join(', ')}) or none; this row has ${given.join(', ')}`, '');
      const values: Record<string, number> = {};
      for (const name of AUDIO_FEATURES) values[name] = number(row, name, AUDIO_FEATURE_RANGES[name]);
      features = values as AudioFeatures;
    }
    const albumTitle = row.text('album_title');
    let albumId = row.text('album_id');
    if (albumId !== '' && albumTitle === '' && builder.albumIndex(albumId) < 0) throw new RowRejection('album_title', 'a title for a new album_id', '');
    // all checks passed: now mutate the catalog
    const artistIds = artistNames.map((name, k) => {
      const id = givenArtistIds[k] ?? `artist:${identityKey(name)}`;
      if (builder.artistIndex(id) < 0) {
        const genres = enrichment?.lookup(name);
        if (genres) enriched++;
        builder.addArtist({ id, name, genres: genres ? [...genres] : [] });
      }
      return id;
    });
    if (albumId === '' && albumTitle !== '') albumId = `album:${artistIds[0]}:${identityKey(albumTitle)}`;
    if (albumId !== '' && builder.albumIndex(albumId) < 0)
      builder.addAlbum({ id: albumId, title: albumTitle, artistId: artistIds[0]!, releaseDate: releaseText || undefined });
    builder.addTrack({
      id: trackId,
      title,
      artistIds,
      albumId: albumId || undefined,
      durationMs,
      explicit: explicitText === 'true' || explicitText === '1',
      popularity,
      releaseDate: releaseText || undefined,
      genres: row.list('genres'),
      subgenres: row.list('subgenres'),
      features,
    });
  });
  catalogProgress.finish(catalogRows);
  const store = new CatalogStore(builder.build());

  // ---- events
  const eventProgress = new ProgressTracker('read events', 'rows', undefined, options.onProgress);
  const log = new InteractionLogBuilder();
  const numeric = { count: 0, min: Infinity, max: -Infinity };
  let untyped = 0;
  const eventDelimiter = await rowDelimiter(paths.events);
  const eventRows = await readRows(paths.events, eventDelimiter, ['user_id', 'track_id', 'timestamp'], { signal, sink, onLines: (rows) => eventProgress.update(rows) }, (row) => {
    const userId = row.requiredText('user_id');
    const trackId = row.requiredText('track_id');
    const track = store.trackIndex(trackId);
    if (track < 0) throw new RowRejection('track_id', `a track id present in the catalog (${paths.catalog})`, trackId);
    // a JSON Lines row without the key at all (CSV: the header check says it)
    if (!row.has('timestamp')) throw new RowRejection('timestamp', `a value (${NO_TIMESTAMP_HINT})`, undefined);
    const timestampText = row.requiredText('timestamp');
    const timestamp = parseTimestamp(timestampText);
    // a listening log (ListenBrainz, scrobbles joined to a catalog) has no type: each row is a play
    if (!row.has('type')) untyped++;
    const type = row.has('type') ? row.requiredText('type').toLowerCase() : 'play';
    if (!(INTERACTION_TYPES as readonly string[]).includes(type)) throw new RowRejection('type', INTERACTION_TYPES.join(' | '), row.text('type'));
    const msPlayed = row.text('ms_played') === '' ? 0 : parseNumber(row.text('ms_played'), 'ms_played', { min: 0, integer: true }, eventDelimiter === ';' || eventDelimiter === '\t');
    const context = row.text('context');
    if (/^\d+$/.test(timestampText)) {
      numeric.count++;
      numeric.min = Math.min(numeric.min, timestamp);
      numeric.max = Math.max(numeric.max, timestamp);
    }
    log.pushEncoded(log.userIndex(userId), track, timestamp, INTERACTION_TYPE_CODE[type as InteractionType], msPlayed, 1, context === '' ? -1 : log.contextIndex(context));
  });
  eventProgress.finish(eventRows);
  const interactions = log.build();
  const seconds = numeric.count > 0 && numeric.count === interactions.length && numeric.min >= EPOCH_SECONDS.min && numeric.max < EPOCH_SECONDS.max;
  if (seconds) interactions.columns.timestamp.forEach((value, i, times) => (times[i] = value * 1000));
  return {
    store,
    interactions,
    source: 'events',
    details: {
      catalog: paths.catalog,
      events: paths.events,
      catalogRows,
      eventRows,
      genreEnrichment: options.genreEnrichment ? { path: options.genreEnrichment, artistsMatched: enriched } : undefined,
      ...(untyped > 0 ? { types: `${untyped.toLocaleString('en')} events without a type, read as plays` } : {}),
      ...(decimalCommas > 0 ? { decimalCommas: `${decimalCommas} catalog values with a decimal comma ("0,5") read as decimals: the file separates fields with "${catalogDelimiter === ';' ? ';' : 'tab'}"` } : {}),
      ...(seconds ? { timestamps: 'epoch seconds (every timestamp in [1e9, 1e10): 2001–2286 as seconds, January–April 1970 as milliseconds), read × 1000' } : {}),
      rejected: sink.count,
    },
    extras: {},
    rejects: sink.rejects,
    rejectedCount: sink.count,
  };
}

/** Numeric timestamps that are epoch seconds when all of them fall here (as milliseconds: January–April 1970). */
const EPOCH_SECONDS = { min: 1e9, max: 1e10 };

function parseTimestamp(text: string): number {
  const ms = parseEventTimestamp(text);
  if (Number.isNaN(ms) || ms < 0) throw new RowRejection('timestamp', EVENT_TIMESTAMP_FORMS, text);
  return ms;
}
