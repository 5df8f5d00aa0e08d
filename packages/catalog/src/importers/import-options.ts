// What every importer takes and returns, and the cancellation every importer honours.
import type { Logger, ProgressCallback } from '@mixtape/base';
import type { CatalogStore } from '../catalog-store';
import type { InteractionLog } from '../interactions';
import type { SnapshotExtras } from '../snapshot';
import type { Reject } from './rejects';

export interface ImportOptions {
  /** default false: the first bad row fails the import and nothing is written */
  skipInvalid?: boolean;
  /** mpd-artist-genres-style file or folder: artist genres by name (and Spotify URI) */
  genreEnrichment?: string;
  /** events format only: the catalog file (CSV or JSON Lines) the events refer to */
  catalog?: string;
  /** lastfm-scrobbles only: the listener of every scrobble (default: the export's user, or the file name) */
  user?: string;
  onProgress?: ProgressCallback;
  logger?: Logger;
  signal?: AbortSignal;
  /** default 30 minutes */
  timeoutMs?: number;
}

export interface ImportResult {
  store: CatalogStore;
  interactions: InteractionLog;
  source: string;
  /** what was read and how it was mapped (goes to snapshot metadata) */
  details: Record<string, unknown>;
  extras: SnapshotExtras;
  /** rejected rows (skipInvalid only), at most MAX_KEPT_REJECTS kept; rejectedCount counts all */
  rejects: Reject[];
  rejectedCount: number;
}

/** The caller's signal, bounded by the import timeout (default 30 minutes). */
export function importSignal(options: ImportOptions): AbortSignal {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 1_800_000);
  return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
}
