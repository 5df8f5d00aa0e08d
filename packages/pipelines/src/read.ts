// The consuming side, one code path for both producers: reads an aggregation output directory
// into typed arrays indexed by the dataset's track / artist / user positions, refusing outputs
// that name ids the dataset does not have.
import type { CatalogStore, InteractionLog } from '@mixtape/catalog';
import {
  readManifest,
  readRecords,
  type AggregatesManifest,
  type ArtistPopularityRecord,
  type DeadLetterRecord,
  type ItemPopularityRecord,
  type NeighbourRecord,
  type SessionRecord,
} from './files';

export interface Aggregates {
  manifest: AggregatesManifest;
  /** per track index */
  itemPlays: Float64Array;
  itemSkips: Float64Array;
  itemListeners: Int32Array;
  /** per artist index */
  artistPlays: Float64Array;
  artistListeners: Int32Array;
  /** co-occurrence top-K as CSR over track indices, most first */
  neighbours: { offsets: Int32Array; items: Int32Array; counts: Int32Array };
  /** item2vec's corpus: sessions ordered by user index, then start time */
  sessions: { items: Int32Array; offsets: Int32Array; sequenceUser: Int32Array };
}

export interface ReadAggregatesOptions {
  store: CatalogStore;
  log: InteractionLog;
}

function lookup(kind: string, id: string, index: number, where: string): number {
  if (index < 0) throw new Error(`${where}: ${kind} "${id}" is not in the dataset (pipeline output and dataset disagree)`);
  return index;
}

export async function readAggregates(directory: string, { store, log }: ReadAggregatesOptions): Promise<Aggregates> {
  const manifest = await readManifest(directory);
  const itemPlays = new Float64Array(store.trackCount);
  const itemSkips = new Float64Array(store.trackCount);
  const itemListeners = new Int32Array(store.trackCount);
  for await (const record of readRecords<ItemPopularityRecord>(directory, 'item-popularity')) {
    const t = lookup('track', record.track, store.trackIndex(record.track), `${directory} item-popularity`);
    itemPlays[t] = record.plays;
    itemSkips[t] = record.skips;
    itemListeners[t] = record.listeners;
  }
  const artistPlays = new Float64Array(store.artistCount);
  const artistListeners = new Int32Array(store.artistCount);
  for await (const record of readRecords<ArtistPopularityRecord>(directory, 'artist-popularity')) {
    const a = lookup('artist', record.artist, store.artistIndex(record.artist), `${directory} artist-popularity`);
    artistPlays[a] = record.plays;
    artistListeners[a] = record.listeners;
  }

  const lists: (NeighbourRecord['neighbours'] | undefined)[] = new Array(store.trackCount);
  for await (const record of readRecords<NeighbourRecord>(directory, 'neighbours')) {
    lists[lookup('track', record.track, store.trackIndex(record.track), `${directory} neighbours`)] = record.neighbours;
  }
  const neighbourOffsets = new Int32Array(store.trackCount + 1);
  for (let t = 0; t < store.trackCount; t++) neighbourOffsets[t + 1] = neighbourOffsets[t]! + (lists[t]?.length ?? 0);
  const neighbourItems = new Int32Array(neighbourOffsets[store.trackCount]!);
  const neighbourCounts = new Int32Array(neighbourItems.length);
  for (let t = 0; t < store.trackCount; t++) {
    lists[t]?.forEach(([id, count], k) => {
      neighbourItems[neighbourOffsets[t]! + k] = lookup('track', id, store.trackIndex(id), `${directory} neighbours`);
      neighbourCounts[neighbourOffsets[t]! + k] = count;
    });
  }

  const sessions: { user: number; start: number; tracks: Int32Array }[] = [];
  for await (const record of readRecords<SessionRecord>(directory, 'sessions')) {
    const user = lookup('user', record.user, log.userIndex(record.user), `${directory} sessions`);
    sessions.push({ user, start: record.start, tracks: Int32Array.from(record.tracks, (id) => lookup('track', id, store.trackIndex(id), `${directory} sessions`)) });
  }
  sessions.sort((a, b) => a.user - b.user || a.start - b.start);
  const offsets = new Int32Array(sessions.length + 1);
  sessions.forEach((session, s) => (offsets[s + 1] = offsets[s]! + session.tracks.length));
  const items = new Int32Array(offsets[sessions.length]!);
  sessions.forEach((session, s) => items.set(session.tracks, offsets[s]!));
  return {
    manifest,
    itemPlays,
    itemSkips,
    itemListeners,
    artistPlays,
    artistListeners,
    neighbours: { offsets: neighbourOffsets, items: neighbourItems, counts: neighbourCounts },
    sessions: { items, offsets, sequenceUser: Int32Array.from(sessions, (session) => session.user) },
  };
}

/** The dead letters of a run (file:line and reason), at most `limit`. */
export async function readDeadLetters(directory: string, limit = 100): Promise<DeadLetterRecord[]> {
  const letters: DeadLetterRecord[] = [];
  for await (const letter of readRecords<DeadLetterRecord>(directory, 'dead-letters')) {
    if (letters.length >= limit) break;
    letters.push(letter);
  }
  return letters;
}

/** Share of input records refused; the build refuses to publish above its configured maximum. */
export function deadLetterShare(manifest: AggregatesManifest): number {
  const total = manifest.counts.inputEvents + manifest.counts.inputCatalogRows;
  return total === 0 ? 0 : manifest.counts.deadLetters / total;
}
