// The single-process path: every aggregation computed from an in-memory dataset (CatalogStore +
// InteractionLog) with typed arrays, written in the same files as the Beam pipeline. The build
// uses it when no pipeline output is given, so both paths meet at readAggregates.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isS3Uri, joinS3, putS3, type PipelineS3 } from './s3';
import { MANIFEST_FILE, prepareOutputDirectory, writeManifest, writeRecords, type AggregatesManifest, type OutputName, type StageReport } from './files';
import { AUDIO_FEATURES, type CatalogStore, type InteractionLog } from '@mixtape/catalog';
import { addExact, roundExact } from './beam/exact-sum';
import { rankerLabelsOf } from './beam/labels';
import { LABEL_TYPE_CODES, resolveAggregationOptions, SKIP_CODE, type AggregationOptions } from './options';

export interface LocalAggregationOptions extends Partial<AggregationOptions> {
  /** per-stage progress lines ("stage: N records in T s (R/s)") */
  onProgress?: (line: string) => void;
  /** recorded in the manifest's inputs */
  source?: string;
  /** for an s3:// output location */
  s3?: PipelineS3;
}

/** Sessions as CSR over track indices: session s is items[offsets[s] .. offsets[s+1]), with its user and start time. */
export interface LocalSessions {
  items: Int32Array;
  offsets: Int32Array;
  sequenceUser: Int32Array;
  start: Float64Array;
}

/** Cuts every user's positive events into sessions (the rule of item2vec's buildSessionCorpus). */
export function cutSessions(log: InteractionLog, options: Pick<AggregationOptions, 'sessionGapMs' | 'minSessionLength'>): LocalSessions {
  const { track, timestamp, type } = log.columns;
  const items = new Int32Array(log.length);
  const offsets: number[] = [0];
  const users: number[] = [];
  const starts: number[] = [];
  let token = 0;
  for (let u = 0; u < log.userCount; u++) {
    const end = log.userOffsets[u + 1]!;
    let length = 0;
    let lastTime = Number.NEGATIVE_INFINITY;
    let start = 0;
    for (let e = log.userOffsets[u]!; e <= end; e++) {
      const used = e < end && type[e] !== SKIP_CODE;
      const time = e < end ? timestamp[e]! : Number.POSITIVE_INFINITY;
      if (e === end || (used && time - lastTime > options.sessionGapMs)) {
        if (length >= options.minSessionLength) {
          token += length;
          offsets.push(token);
          users.push(u);
          starts.push(start);
        }
        length = 0;
      }
      if (used) {
        if (length === 0) start = time;
        items[token + length++] = track[e]!;
        lastTime = time;
      }
    }
  }
  return { items: items.slice(0, token), offsets: Int32Array.from(offsets), sequenceUser: Int32Array.from(users), start: Float64Array.from(starts) };
}

/** Item → item co-occurrence within `window` positions of one session, over each user's last `maxPairTokensPerUser` tokens; top-K per item. */
export function countCoOccurrence(
  sessions: LocalSessions,
  trackCount: number,
  idRank: Int32Array,
  options: Pick<AggregationOptions, 'window' | 'topK' | 'maxPairTokensPerUser'>,
): { offsets: Int32Array; items: Int32Array; counts: Int32Array; pairs: number } {
  const { items, offsets, sequenceUser } = sessions;
  // tokens that generate pairs: drop each user's oldest tokens beyond the cap
  const kept = new Uint8Array(items.length);
  const sessionOf = new Int32Array(items.length);
  for (let s = 0; s < sequenceUser.length; ) {
    let last = s;
    while (last + 1 < sequenceUser.length && sequenceUser[last + 1] === sequenceUser[s]) last++;
    const first = offsets[s]!;
    const end = offsets[last + 1]!;
    const from = Math.max(first, end - options.maxPairTokensPerUser);
    kept.fill(1, from, end);
    for (let t = s; t <= last; t++) sessionOf.fill(t, offsets[t]!, offsets[t + 1]!);
    s = last + 1;
  }
  // positions of every item (CSR)
  const positionOffsets = new Int32Array(trackCount + 1);
  for (let p = 0; p < items.length; p++) if (kept[p]) positionOffsets[items[p]! + 1]!++;
  for (let i = 0; i < trackCount; i++) positionOffsets[i + 1]! += positionOffsets[i]!;
  const positions = new Int32Array(positionOffsets[trackCount]!);
  const cursor = positionOffsets.slice(0, trackCount);
  for (let p = 0; p < items.length; p++) if (kept[p]) positions[cursor[items[p]!]!++] = p;

  const counts = new Int32Array(trackCount);
  const touched = new Int32Array(trackCount);
  const outOffsets = new Int32Array(trackCount + 1);
  const heapKeys = new Float64Array(options.topK);
  const heapItems = new Int32Array(options.topK);
  const outItems: number[] = [];
  const outCounts: number[] = [];
  let pairs = 0;
  for (let i = 0; i < trackCount; i++) {
    let touchedCount = 0;
    for (let k = positionOffsets[i]!; k < positionOffsets[i + 1]!; k++) {
      const p = positions[k]!;
      const session = sessionOf[p]!;
      const low = Math.max(offsets[session]!, p - options.window);
      const high = Math.min(offsets[session + 1]! - 1, p + options.window);
      for (let q = low; q <= high; q++) {
        if (q === p || !kept[q]) continue;
        const j = items[q]!;
        if (j === i) continue;
        if (counts[j] === 0) touched[touchedCount++] = j;
        counts[j]!++;
        pairs++;
      }
    }
    // top-K by (count desc, id asc) with a min-heap over one exact float64 key per neighbour
    let size = 0;
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!;
      const key = counts[j]! * trackCount + (trackCount - 1 - idRank[j]!);
      counts[j] = 0;
      if (size < options.topK) {
        let at = size++;
        while (at > 0 && heapKeys[(at - 1) >> 1]! > key) {
          heapKeys[at] = heapKeys[(at - 1) >> 1]!;
          heapItems[at] = heapItems[(at - 1) >> 1]!;
          at = (at - 1) >> 1;
        }
        heapKeys[at] = key;
        heapItems[at] = j;
      } else if (key > heapKeys[0]!) {
        let at = 0;
        for (;;) {
          let child = 2 * at + 1;
          if (child >= size) break;
          if (child + 1 < size && heapKeys[child + 1]! < heapKeys[child]!) child++;
          if (heapKeys[child]! >= key) break;
          heapKeys[at] = heapKeys[child]!;
          heapItems[at] = heapItems[child]!;
          at = child;
        }
        heapKeys[at] = key;
        heapItems[at] = j;
      }
    }
    const order = Array.from({ length: size }, (_, k) => k).sort((a, b) => heapKeys[b]! - heapKeys[a]!);
    for (const k of order) {
      outItems.push(heapItems[k]!);
      outCounts.push(Math.floor(heapKeys[k]! / trackCount));
    }
    outOffsets[i + 1] = outItems.length;
  }
  return { offsets: outOffsets, items: Int32Array.from(outItems), counts: Int32Array.from(outCounts), pairs };
}

/**
 * Plays and distinct listeners per entity (track or artist), counted by `add(entity, user, plays)`.
 * The log is in user order, so a listener is new to an entity when it is not the last one counted there.
 */
function listenerTally(size: number): { plays: Float64Array; listeners: Int32Array; add: (entity: number, user: number, plays: number) => void } {
  const plays = new Float64Array(size);
  const listeners = new Int32Array(size);
  const lastListener = new Int32Array(size).fill(-1);
  const add = (entity: number, user: number, count: number): void => {
    plays[entity]! += count;
    if (lastListener[entity] !== user) {
      lastListener[entity] = user;
      listeners[entity]!++;
    }
  };
  return { plays, listeners, add };
}

/** Rank of every track id in JavaScript string order (the pipeline breaks count ties by id with `<`). */
export function trackIdRanks(store: CatalogStore): Int32Array {
  const order = Array.from({ length: store.trackCount }, (_, i) => i);
  const ids = order.map((i) => store.trackId(i));
  order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const rank = new Int32Array(store.trackCount);
  order.forEach((track, position) => (rank[track] = position));
  return rank;
}

/** Computes every aggregation of a dataset in this process and writes the output directory. */
export async function runLocalAggregation(store: CatalogStore, log: InteractionLog, location: string, options: LocalAggregationOptions = {}): Promise<AggregatesManifest> {
  if (!isS3Uri(location)) return aggregateInto(store, log, location, options);
  // s3://: computed in a scratch directory, then uploaded (earlier outputs there removed first)
  const scratch = await mkdtemp(join(tmpdir(), 'mixtape-aggregates-'));
  try {
    const manifest = await aggregateInto(store, log, scratch, options);
    await prepareOutputDirectory(location, options.s3);
    for (const name of (await readdir(scratch)).sort((a, b) => Number(a === MANIFEST_FILE) - Number(b === MANIFEST_FILE))) await putS3(options.s3, joinS3(location, name), await readFile(join(scratch, name)));
    return manifest;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function aggregateInto(store: CatalogStore, log: InteractionLog, directory: string, options: LocalAggregationOptions): Promise<AggregatesManifest> {
  const settings = resolveAggregationOptions(options);
  const progress = options.onProgress ?? (() => {});
  const stages: StageReport[] = [];
  const counts: AggregatesManifest['counts'] = { inputEvents: log.length, inputCatalogRows: store.trackCount, deadLetters: 0 };
  const stage = async (name: string, output: OutputName | undefined, work: () => Promise<number> | number) => {
    const started = performance.now();
    const records = await work();
    const seconds = (performance.now() - started) / 1000;
    stages.push({ name, records, seconds });
    if (output) counts[output] = records;
    progress(`${name}: ${records.toLocaleString('en')} records in ${seconds.toFixed(2)} s (${Math.round(records / Math.max(seconds, 1e-6)).toLocaleString('en')}/s)`);
  };
  await prepareOutputDirectory(directory);
  const { user, track, timestamp, type, count, msPlayed } = log.columns;

  await stage('item popularity', 'item-popularity', () => {
    const { plays, listeners, add } = listenerTally(store.trackCount);
    const skips = new Float64Array(store.trackCount);
    for (let e = 0; e < log.length; e++) {
      const t = track[e]!;
      if (type[e] === SKIP_CODE) skips[t]! += count[e]!;
      else add(t, user[e]!, count[e]!);
    }
    return writeRecords(directory, 'item-popularity', (function* () {
      for (let t = 0; t < store.trackCount; t++)
        if (plays[t]! > 0 || skips[t]! > 0) yield { track: store.trackId(t), plays: plays[t]!, skips: skips[t]!, listeners: listeners[t]! };
    })());
  });

  await stage('artist popularity', 'artist-popularity', () => {
    const { plays, listeners, add } = listenerTally(store.artistCount);
    const touched = new Uint8Array(store.artistCount);
    for (let e = 0; e < log.length; e++) {
      const positive = type[e] !== SKIP_CODE;
      for (const a of store.artistsOfTrack(track[e]!)) {
        touched[a] = 1;
        if (positive) add(a, user[e]!, count[e]!);
      }
    }
    return writeRecords(directory, 'artist-popularity', (function* () {
      for (let a = 0; a < store.artistCount; a++) if (touched[a]) yield { artist: store.artistId(a), plays: plays[a]!, listeners: listeners[a]! };
    })());
  });

  await stage('histories', 'histories', () =>
    writeRecords(directory, 'histories', (function* () {
      for (let u = 0; u < log.userCount; u++) {
        const start = log.userOffsets[u]!;
        const end = log.userOffsets[u + 1]!;
        if (end === start) continue;
        const tracks: string[] = [];
        for (let e = start; e < end; e++) tracks.push(store.trackId(track[e]!));
        yield { user: log.userId(u), tracks, timestamps: Array.from(timestamp.subarray(start, end)), types: Array.from(type.subarray(start, end)) };
      }
    })()),
  );

  await stage('ranker labels', 'ranker-labels', () => {
    const durations = store.columns.trackDurationMs;
    return writeRecords(directory, 'ranker-labels', (function* () {
      for (let u = 0; u < log.userCount; u++) {
        const start = log.userOffsets[u]!;
        const end = log.userOffsets[u + 1]!;
        const tracks: string[] = [];
        const eventDurations = new Float64Array(end - start);
        for (let e = start; e < end; e++) {
          tracks.push(store.trackId(track[e]!));
          eventDurations[e - start] = durations[track[e]!]!;
        }
        yield* rankerLabelsOf(log.userId(u), tracks, type.subarray(start, end), msPlayed.subarray(start, end), eventDurations, settings, LABEL_TYPE_CODES);
      }
    })());
  });

  await stage('catalog stats', 'catalog-stats', () => {
    const featureCount = AUDIO_FEATURES.length;
    const sums = AUDIO_FEATURES.map(() => ({ tracks: 0, sum: [] as number[], squares: [] as number[] }));
    const matrix = store.columns.trackFeatures;
    for (let t = 0; t < store.trackCount; t++) {
      if (store.columns.trackHasFeatures[t] !== 1) continue;
      for (let f = 0; f < featureCount; f++) {
        const value = matrix[t * featureCount + f]!;
        sums[f]!.tracks++;
        addExact(sums[f]!.sum, value);
        addExact(sums[f]!.squares, value * value);
      }
    }
    return writeRecords(directory, 'catalog-stats', AUDIO_FEATURES.flatMap((feature, f) => (sums[f]!.tracks === 0 ? [] : [{ feature, tracks: sums[f]!.tracks, sum: roundExact(sums[f]!.sum), sumSquares: roundExact(sums[f]!.squares) }])));
  });

  let sessions: LocalSessions | undefined;
  await stage('sessions', 'sessions', () => {
    const cut = cutSessions(log, settings);
    sessions = cut;
    return writeRecords(directory, 'sessions', (function* () {
      for (let s = 0; s < cut.sequenceUser.length; s++) {
        const tracks: string[] = [];
        for (let k = cut.offsets[s]!; k < cut.offsets[s + 1]!; k++) tracks.push(store.trackId(cut.items[k]!));
        yield { user: log.userId(cut.sequenceUser[s]!), start: cut.start[s]!, tracks };
      }
    })());
  });

  await stage('co-occurrence top-K', 'neighbours', () => {
    const lists = countCoOccurrence(sessions!, store.trackCount, trackIdRanks(store), settings);
    progress(`co-occurrence: ${lists.pairs.toLocaleString('en')} pair occurrences counted`);
    return writeRecords(directory, 'neighbours', (function* () {
      for (let t = 0; t < store.trackCount; t++) {
        const start = lists.offsets[t]!;
        const end = lists.offsets[t + 1]!;
        if (end === start) continue;
        const neighbours: [string, number][] = [];
        for (let k = start; k < end; k++) neighbours.push([store.trackId(lists.items[k]!), lists.counts[k]!]);
        yield { track: store.trackId(t), neighbours };
      }
    })());
  });
  await writeRecords(directory, 'dead-letters', []);
  await writeRecords(directory, 'input-counts', [{ input: 'events', records: log.length }, { input: 'catalog', records: store.trackCount }]);

  const manifest: AggregatesManifest = {
    format: 'mixtape-aggregates',
    schemaVersion: 2,
    producer: 'single-process',
    createdAt: new Date().toISOString(),
    options: settings,
    inputs: { events: options.source ? [options.source] : [], catalog: options.source ? [options.source] : [] },
    counts,
    stages,
  };
  await writeManifest(directory, manifest);
  return manifest;
}
