// Importer registry: one entry point per format, plus import-and-write for the CLI.
import { writeSnapshot } from '../snapshot';
import type { SnapshotMetadata, WriteSnapshotOptions } from '../snapshot';
import { formatReject } from './rejects';
import type { ImportOptions, ImportResult } from './import-options';
import { importEvents } from './events';
import { importLastfmHetrec } from './lastfm';
import { importLastfmScrobbles } from './lastfm-scrobbles';
import { importMpd } from './mpd';
import { importSasrec } from './sasrec';
import { importSpotify2024, importTidyTuesday } from './spotify-csv';

export const IMPORT_FORMATS = ['tidytuesday', 'spotify-2024', 'mpd', 'lastfm-hetrec', 'lastfm-scrobbles', 'events', 'sasrec'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

const IMPORTERS: Record<ImportFormat, (input: string, options: ImportOptions) => Promise<ImportResult>> = {
  tidytuesday: importTidyTuesday,
  'spotify-2024': importSpotify2024,
  mpd: importMpd,
  'lastfm-hetrec': importLastfmHetrec,
  'lastfm-scrobbles': importLastfmScrobbles,
  events: importEvents,
  sasrec: importSasrec,
};

/** Reads a dataset in a known format into a CatalogStore and an InteractionLog (nothing is written). */
export function importDataset(format: ImportFormat, input: string, options: ImportOptions = {}): Promise<ImportResult> {
  return IMPORTERS[format](input, options);
}

export const REJECTS_FILE = 'rejects.jsonl';

/**
 * Imports and writes a snapshot directory atomically. In strict mode the first bad row throws
 * an ImportError before anything touches the disk; with skipInvalid the snapshot also holds
 * rejects.jsonl, one JSON reject per line (file, line, field, expected, value, message).
 */
export async function importToSnapshot(
  format: ImportFormat,
  input: string,
  outDir: string,
  options: ImportOptions & Pick<WriteSnapshotOptions, 'overwrite'> = {},
): Promise<{ result: ImportResult; metadata: SnapshotMetadata }> {
  const result = await importDataset(format, input, options);
  const files: Record<string, string> = {};
  if (result.rejects.length > 0)
    files[REJECTS_FILE] = `${result.rejects.map((reject) => JSON.stringify({ ...reject, message: formatReject(reject) })).join('\n')}\n`;
  const metadata = await writeSnapshot(
    outDir,
    {
      store: result.store,
      interactions: result.interactions,
      source: result.source,
      details: { ...result.details, rejectedCount: result.rejectedCount, rejectsFile: result.rejects.length > 0 ? REJECTS_FILE : undefined },
      extras: result.extras,
      files,
    },
    { overwrite: options.overwrite, signal: options.signal, timeoutMs: options.timeoutMs },
  );
  return { result, metadata };
}
