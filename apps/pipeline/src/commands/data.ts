// `mixtape data`: generate a synthetic dataset, import real formats, print dataset stats.
// Progress goes to stderr so `--json` output on stdout stays machine-readable.
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { formatProgress, type ProgressEvent } from '@mixtape/base';
import {
  IMPORT_FORMATS,
  INTERACTION_TYPES,
  SYNTHETIC_DEFAULTS,
  exportMpdSlices,
  generateSynthetic,
  importToSnapshot,
  isImportFormat,
  readSnapshot,
  readSnapshotMetadata,
  tasteToExtras,
  sequenceToExtras,
  writeSnapshot,
} from '@mixtape/catalog';
import type { SyntheticOptions } from '@mixtape/catalog';
import { INTEGER_TEXT, integerFlag, processIo } from './command-kit';
import type { CommandIo } from './command-kit';


function nonNegativeInteger(flag: string) {
  return (value: string): number => {
    const number = INTEGER_TEXT.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(number) || number < 0 || number > 0xffffffff) throw new Error(`${flag} must be an integer from 0 to 4294967295 in decimal digits, got "${value}"`);
    return number;
  };
}

interface GenerateOptions {
  out: string;
  seed: number;
  tracks: number;
  users: number;
  artists?: number;
  interactions?: number;
  referenceDate: string;
  overwrite?: boolean;
  quiet?: boolean;
}

/**
 * An importer's readings of an ambiguous input (epoch seconds, no type column, repeated scrobbles, decimal commas) and
 * what it left out (now-playing entries, 01 Jan 1970 placeholder dates) that `data import` prints — the catalog README
 * promises the left-out rows are said, not only kept in metadata.json.
 */
const SAID_DETAILS = ['types', 'timestamps', 'decimalCommas', 'duplicates', 'nowPlaying', 'placeholderDates', 'loved'] as const;

interface ImportCommandOptions {
  format: string;
  input: string;
  out: string;
  catalog?: string;
  genres?: string;
  user?: string;
  skipInvalid?: boolean;
  overwrite?: boolean;
  quiet?: boolean;
}

/** Generates the synthetic dataset (with its ground-truth taste and session structure) and writes it as a snapshot. */
export async function writeSyntheticDataset(out: string, options: SyntheticOptions, write: { overwrite?: boolean } = {}) {
  const dataset = generateSynthetic(options);
  return writeSnapshot(
    out,
    { store: dataset.store, interactions: dataset.interactions, source: 'synthetic', details: dataset.details, extras: { ...tasteToExtras(dataset.taste), ...sequenceToExtras(dataset.sequence) } },
    write,
  );
}

export function registerDataCommand(program: Command, io: CommandIo = processIo): Command {
  const data = program.command('data').description('datasets: generate synthetic data, import real formats, inspect a dataset directory');
  const progress = (quiet: boolean | undefined) => (quiet ? undefined : (event: ProgressEvent) => io.stderr(`${formatProgress(event)}\n`));

  data
    .command('generate')
    .description('generate the deterministic synthetic dataset (same seed → byte-identical files)')
    .requiredOption('--out <dir>', 'dataset directory to create')
    .option('--seed <n>', 'random seed', nonNegativeInteger('--seed'), SYNTHETIC_DEFAULTS.seed)
    .option('--tracks <n>', 'number of tracks', integerFlag('--tracks'), SYNTHETIC_DEFAULTS.tracks)
    .option('--users <n>', 'number of users', integerFlag('--users'), SYNTHETIC_DEFAULTS.users)
    .option('--artists <n>', 'number of artists (default tracks / 10)', integerFlag('--artists'))
    .option('--interactions <n>', `number of events (default ${SYNTHETIC_DEFAULTS.interactionsPerUser} per user)`, integerFlag('--interactions'))
    .option('--reference-date <date>', 'the dataset\'s "today" (YYYY-MM-DD): history ends here, new releases are relative to it', SYNTHETIC_DEFAULTS.referenceDate)
    .option('--overwrite', 'replace an existing dataset directory')
    .option('--quiet', 'no progress lines')
    .action(async (options: GenerateOptions) => {
      const started = Date.now();
      const out = resolve(options.out);
      const metadata = await writeSyntheticDataset(out, { ...options, onProgress: progress(options.quiet) }, { overwrite: options.overwrite });
      io.stdout(`wrote ${out}: ${describeCounts(metadata.counts)} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    });

  data
    .command('import')
    .description('import a real dataset; strict by default (the first bad row fails and nothing is written)')
    .addOption(new Option('--format <format>', 'input format').choices([...IMPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--input <path>', 'input file or folder')
    .requiredOption('--out <dir>', 'dataset directory to create')
    .option('--catalog <path>', 'events format: the catalog CSV/JSONL (default: catalog.* beside events.* in the --input folder)')
    .option('--genres <path>', 'enrich artist genres by name from mpd-artist-genres-style JSON files')
    .option('--user <name>', "lastfm-scrobbles: the listener of every scrobble (default: the export's user, or the file name)")
    .option('--skip-invalid', 'skip bad rows and write them to <out>/rejects.jsonl instead of failing')
    .option('--overwrite', 'replace an existing dataset directory')
    .option('--quiet', 'no progress lines')
    .action(async (options: ImportCommandOptions) => {
      if (!isImportFormat(options.format)) throw new Error(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
      if (options.user !== undefined && options.format !== 'lastfm-scrobbles') throw new Error(`--user: only for --format lastfm-scrobbles (got --format ${options.format})`);
      const started = Date.now();
      const out = resolve(options.out);
      const { result, metadata } = await importToSnapshot(options.format, resolve(options.input), out, {
        skipInvalid: options.skipInvalid,
        catalog: options.catalog ? resolve(options.catalog) : undefined,
        genreEnrichment: options.genres ? resolve(options.genres) : undefined,
        user: options.user,
        overwrite: options.overwrite,
        onProgress: progress(options.quiet),
      });
      const rejected = result.rejectedCount > 0 ? `; ${result.rejectedCount} rows rejected (see ${resolve(out, 'rejects.jsonl')})` : '';
      // an importer's reading of an ambiguous input (e.g. epoch seconds) is said, not only stored
      const timestamps = SAID_DETAILS.map((key) => (typeof result.details[key] === 'string' ? `; ${key}: ${result.details[key]}` : '')).join('');
      io.stdout(`wrote ${out}: ${describeCounts(metadata.counts)} in ${((Date.now() - started) / 1000).toFixed(1)}s${rejected}${timestamps}\n`);
    });

  data
    .command('export-mpd')
    .description("write a dataset's playlists (each listener's playlist adds, in order) as Million Playlist Dataset slices, readable by --format mpd and by `mixtape eval`")
    .requiredOption('--data <dir>', 'dataset directory (e.g. an imported TidyTuesday snapshot)')
    .requiredOption('--out <dir>', 'folder for the mpd.slice.*.json files')
    .option('--min-tracks <n>', 'leave out playlists with fewer tracks', integerFlag('--min-tracks'), 1)
    .action(async (options: { data: string; out: string; minTracks: number }) => {
      const snapshot = await readSnapshot(resolve(options.data));
      const names = snapshot.extras['user.names'];
      const result = await exportMpdSlices(snapshot.store, snapshot.interactions, resolve(options.out), {
        minTracks: options.minTracks,
        names: Array.isArray(names) ? names : undefined,
      });
      if (result.playlists === 0) throw new Error(`${options.data}: no playlists to export (no listener has playlist_add events)`);
      io.stdout(`wrote ${result.files.length} slice file(s) to ${resolve(options.out)}: ${result.playlists} playlists, ${result.tracks} playlist tracks\n`);
    });

  data
    .command('stats')
    .description('counts of a dataset directory')
    .argument('<dir>', 'dataset directory')
    .option('--json', 'print {"tracks","artists","albums","users","interactions","genres"} as JSON')
    .action(async (dir: string, options: { json?: boolean }) => {
      const path = resolve(dir);
      if (options.json) {
        const { counts } = await readSnapshotMetadata(path);
        const { tracks, artists, albums, users, interactions, genres } = counts;
        io.stdout(`${JSON.stringify({ tracks, artists, albums, users, interactions, genres })}\n`);
        return;
      }
      const snapshot = await readSnapshot(path);
      const { counts, source, schemaVersion } = snapshot.metadata;
      const typeCounts = new Array<number>(INTERACTION_TYPES.length).fill(0);
      const types = snapshot.interactions.columns.type;
      for (let i = 0; i < types.length; i++) typeCounts[types[i]!]!++;
      const lines = [
        `dataset   ${path}`,
        `source    ${source} (schema v${schemaVersion})`,
        `tracks    ${counts.tracks.toLocaleString('en-US')}`,
        `artists   ${counts.artists.toLocaleString('en-US')}`,
        `albums    ${counts.albums.toLocaleString('en-US')}`,
        `genres    ${counts.genres.toLocaleString('en-US')}`,
        `users     ${counts.users.toLocaleString('en-US')}`,
        `events    ${counts.interactions.toLocaleString('en-US')} (${INTERACTION_TYPES.map((type, code) => `${type} ${typeCounts[code]!.toLocaleString('en-US')}`).join(', ')})`,
      ];
      const popular = snapshot.store.mostPopular(3);
      if (popular.length > 0)
        lines.push(`top       ${Array.from(popular, (t) => `${snapshot.store.trackTitle(t)} — ${snapshot.store.artistName(snapshot.store.trackPrimaryArtist[t]!)}`).join('; ')}`);
      io.stdout(`${lines.join('\n')}\n`);
    });

  return data;
}

function describeCounts(counts: { tracks: number; artists: number; albums: number; users: number; interactions: number; genres: number }): string {
  return `${counts.tracks} tracks, ${counts.artists} artists, ${counts.albums} albums, ${counts.genres} genres, ${counts.users} users, ${counts.interactions} interactions`;
}
