// The consuming side, one code path for both producers: reads an aggregation output directory
// into typed arrays indexed by the dataset's track / artist / user positions, refusing outputs
// that name ids the dataset does not have.
import { AUDIO_FEATURES, InteractionLog, type CatalogStore } from '@mixtape/catalog';
import {
  readManifest,
  readRecords,
  type AggregatesManifest,
  type ArtistPopularityRecord,
  type CatalogStatsRecord,
  type DeadLetterRecord,
  type HistoryRecord,
  type ItemPopularityRecord,
  type NeighbourRecord,
  type SessionRecord,
} from './files';
import { LABEL_FLAGS, type RankerLabelRecord } from './beam/labels';
import type { PipelineS3 } from './s3';

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
  /**
   * the `histories` output as a log over the dataset's users and tracks, in the pipeline's order
   * (user, then time; equal times keep input order): what the sequence model trains on. It carries
   * track, time and type; ms played and context are not in the output (0 / none), counts are 1.
   */
  historyLog: InteractionLog;
  /** the catalog's audio-feature statistics, by feature name (absent when no track has features) */
  catalogStats: Record<string, Omit<CatalogStatsRecord, 'feature'>>;
  /** the Home ranker's split and labels, per split kind (see rankerExamples) */
  rankerLabels: Record<'temporal' | 'random', RankerLabels>;
}

/** One split of the log for the Home ranker: which rows are before it, and each listener's held-out tracks. */
export interface RankerLabels {
  /** per log row: 1 = before the split */
  past: Uint8Array;
  /** held-out tracks as CSR over user index: user u's are tracks[offsets[u] .. offsets[u+1]) */
  offsets: Int32Array;
  tracks: Int32Array;
  /** LABEL_FLAGS bits: played 1, saved 2, skipped 4 */
  flags: Uint8Array;
  /** listening share 0..1 */
  listen: Float64Array;
}

/** What @mixtape/ranking's trainHomeRanker reads for one listener: the labels of their held-out tracks. */
export interface FutureLabelSets {
  played: Set<number>;
  saved: Set<number>;
  skipped: Set<number>;
  listen: Map<number, number>;
}

/** A split as trainHomeRanker's `examples` option takes it: the past rows and each listener's labels. */
export function rankerExamples(labels: RankerLabels): { past: Uint8Array; future: (user: number) => FutureLabelSets } {
  return {
    past: labels.past,
    future: (user) => {
      const sets: FutureLabelSets = { played: new Set(), saved: new Set(), skipped: new Set(), listen: new Map() };
      for (let k = labels.offsets[user]!; k < labels.offsets[user + 1]!; k++) {
        const track = labels.tracks[k]!;
        const flag = labels.flags[k]!;
        if (flag & LABEL_FLAGS.played) sets.played.add(track);
        if (flag & LABEL_FLAGS.saved) sets.saved.add(track);
        if (flag & LABEL_FLAGS.skipped) sets.skipped.add(track);
        if (labels.listen[k]! > 0) sets.listen.set(track, labels.listen[k]!);
      }
      return sets;
    },
  };
}

async function readCatalogStats(directory: string, s3: PipelineS3 | undefined): Promise<Record<string, Omit<CatalogStatsRecord, 'feature'>>> {
  const stats: Record<string, Omit<CatalogStatsRecord, 'feature'>> = {};
  for await (const { feature, ...entry } of readRecords<CatalogStatsRecord>(directory, 'catalog-stats', s3)) {
    if (!(AUDIO_FEATURES as readonly string[]).includes(feature)) throw new Error(`${directory} catalog-stats: unknown audio feature ${JSON.stringify(feature)} (expected one of ${AUDIO_FEATURES.join(', ')})`);
    stats[feature] = entry;
  }
  return stats;
}

async function readHistoryLog(directory: string, store: CatalogStore, log: InteractionLog, s3: PipelineS3 | undefined): Promise<InteractionLog> {
  const where = `${directory} histories`;
  const byUser: (HistoryRecord | undefined)[] = new Array(log.userCount);
  let rows = 0;
  for await (const record of readRecords<HistoryRecord>(directory, 'histories', s3)) {
    const user = lookup('user', record.user, log.userIndex(record.user), where);
    if (record.tracks.length !== record.timestamps.length || record.tracks.length !== record.types.length)
      throw new Error(`${where}: user "${record.user}" has ${record.tracks.length} tracks, ${record.timestamps.length} timestamps and ${record.types.length} types (expected as many of each)`);
    byUser[user] = record;
    rows += record.tracks.length;
  }
  const user = new Int32Array(rows);
  const track = new Int32Array(rows);
  const timestamp = new Float64Array(rows);
  const type = new Uint8Array(rows);
  let at = 0;
  byUser.forEach((record, u) => {
    if (!record) return;
    user.fill(u, at, at + record.tracks.length);
    for (let k = 0; k < record.tracks.length; k++, at++) {
      track[at] = lookup('track', record.tracks[k]!, store.trackIndex(record.tracks[k]!), where);
      timestamp[at] = record.timestamps[k]!;
      type[at] = record.types[k]!;
    }
  });
  const columns = { userIds: log.columns.userIds, contexts: [], user, track, timestamp, type, msPlayed: new Uint32Array(rows), count: new Uint32Array(rows).fill(1), context: new Int32Array(rows).fill(-1) };
  return new InteractionLog(columns);
}

async function readRankerLabels(directory: string, store: CatalogStore, log: InteractionLog, s3: PipelineS3 | undefined): Promise<Record<'temporal' | 'random', RankerLabels>> {
  const where = `${directory} ranker-labels`;
  const byKind = { temporal: [] as { user: number; record: RankerLabelRecord }[], random: [] as { user: number; record: RankerLabelRecord }[] };
  for await (const record of readRecords<RankerLabelRecord>(directory, 'ranker-labels', s3)) {
    const user = lookup('user', record.user, log.userIndex(record.user), where);
    const rows = log.userOffsets[user + 1]! - log.userOffsets[user]!;
    if (record.events !== rows) throw new Error(`${where}: user "${record.user}" has ${record.events} events in the pipeline's input and ${rows} in the dataset (pipeline output and dataset disagree)`);
    if (record.split !== 'temporal' && record.split !== 'random') throw new Error(`${where}: user "${record.user}": split ${JSON.stringify(record.split)}, expected "temporal" or "random"`);
    byKind[record.split].push({ user, record });
  }
  const { track } = log.columns;
  const build = (kind: 'temporal' | 'random'): RankerLabels => {
    const entries = byKind[kind].sort((a, b) => a.user - b.user);
    const past = new Uint8Array(log.length).fill(1);
    const offsets = new Int32Array(log.userCount + 1);
    for (const { user, record } of entries) offsets[user + 1] = record.labels.length;
    for (let u = 0; u < log.userCount; u++) offsets[u + 1]! += offsets[u]!;
    const tracks = new Int32Array(offsets[log.userCount]!);
    const flags = new Uint8Array(tracks.length);
    const listen = new Float64Array(tracks.length);
    const held = new Uint8Array(store.trackCount);
    for (const { user, record } of entries) {
      let at = offsets[user]!;
      for (const [id, flag, share] of record.labels) {
        const t = lookup('track', id, store.trackIndex(id), where);
        tracks[at] = t;
        flags[at] = flag;
        listen[at++] = share;
        held[t] = 1;
      }
      const start = log.userOffsets[user]!;
      const end = log.userOffsets[user + 1]!;
      // temporal: the latest rows; random: every row of a held-out track
      if (kind === 'temporal') past.fill(0, start + record.past, end);
      else for (let e = start; e < end; e++) if (held[track[e]!]) past[e] = 0;
      for (const [id] of record.labels) held[store.trackIndex(id)] = 0;
    }
    return { past, offsets, tracks, flags, listen };
  };
  return { temporal: build('temporal'), random: build('random') };
}

export interface ReadAggregatesOptions {
  store: CatalogStore;
  log: InteractionLog;
  /** for s3:// directories */
  s3?: PipelineS3;
}

function lookup(kind: string, id: string, index: number, where: string): number {
  if (index < 0) throw new Error(`${where}: ${kind} "${id}" is not in the dataset (pipeline output and dataset disagree)`);
  return index;
}

/** Plays, skips (items only; 0 for artists) and listeners per entity from a popularity output. */
async function readPopularity<R extends { plays: number; skips?: number; listeners: number }>(
  directory: string,
  name: 'item-popularity' | 'artist-popularity',
  s3: PipelineS3 | undefined,
  size: number,
  indexOf: (record: R) => number,
): Promise<{ plays: Float64Array; skips: Float64Array; listeners: Int32Array }> {
  const plays = new Float64Array(size);
  const skips = new Float64Array(size);
  const listeners = new Int32Array(size);
  for await (const record of readRecords<R>(directory, name, s3)) {
    const index = indexOf(record);
    plays[index] = record.plays;
    skips[index] = record.skips ?? 0;
    listeners[index] = record.listeners;
  }
  return { plays, skips, listeners };
}

export async function readAggregates(directory: string, { store, log, s3 }: ReadAggregatesOptions): Promise<Aggregates> {
  const manifest = await readManifest(directory, s3);
  const tracks = await readPopularity<ItemPopularityRecord>(directory, 'item-popularity', s3, store.trackCount, (record) =>
    lookup('track', record.track, store.trackIndex(record.track), `${directory} item-popularity`),
  );
  const artists = await readPopularity<ArtistPopularityRecord>(directory, 'artist-popularity', s3, store.artistCount, (record) =>
    lookup('artist', record.artist, store.artistIndex(record.artist), `${directory} artist-popularity`),
  );

  const lists: (NeighbourRecord['neighbours'] | undefined)[] = new Array(store.trackCount);
  for await (const record of readRecords<NeighbourRecord>(directory, 'neighbours', s3)) {
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
  for await (const record of readRecords<SessionRecord>(directory, 'sessions', s3)) {
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
    itemPlays: tracks.plays,
    itemSkips: tracks.skips,
    itemListeners: tracks.listeners,
    artistPlays: artists.plays,
    artistListeners: artists.listeners,
    neighbours: { offsets: neighbourOffsets, items: neighbourItems, counts: neighbourCounts },
    sessions: { items, offsets, sequenceUser: Int32Array.from(sessions, (session) => session.user) },
    historyLog: await readHistoryLog(directory, store, log, s3),
    catalogStats: await readCatalogStats(directory, s3),
    rankerLabels: await readRankerLabels(directory, store, log, s3),
  };
}

/** The dead letters of a run (file:line and reason), at most `limit`. */
export async function readDeadLetters(directory: string, limit = 100, s3?: PipelineS3): Promise<DeadLetterRecord[]> {
  const letters: DeadLetterRecord[] = [];
  for await (const letter of readRecords<DeadLetterRecord>(directory, 'dead-letters', s3)) {
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
