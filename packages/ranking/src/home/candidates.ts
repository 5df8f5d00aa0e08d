// Candidate sources for Home. Each source adds scored candidates with provenance (the seed
// track, artist, genre or cluster that brought them) into one CandidateSet.
import { MS_PER_DAY, dotRow } from './home-index';
import type { HomeIndex } from './home-index';
import { trackIndexByLabel, type BatchNeighbors } from '@mixtape/embeddings';
import { forEachGenre } from './profile';
import type { UserProfile } from './profile';
import { SOURCE_COUNT, SOURCE_INDEX } from './types';
import type { HomeSource } from './types';

/** Candidates as parallel typed arrays; row r holds one track's score + provenance per source. */
export class CandidateSet {
  tracks: Int32Array;
  scores: Float32Array;
  provenance: Int32Array;
  /** bit s set when source s contributed the row */
  sourceMask: Uint16Array;
  size = 0;
  private readonly rowOf = new Map<number, number>();

  constructor(capacity = 1024) {
    this.tracks = new Int32Array(capacity);
    this.scores = new Float32Array(capacity * SOURCE_COUNT);
    this.provenance = new Int32Array(capacity * SOURCE_COUNT).fill(-1);
    this.sourceMask = new Uint16Array(capacity);
  }

  /** Adds (or raises) the score of `track` from `source`; keeps the provenance of the best score. */
  add(track: number, source: HomeSource, score: number, provenance = -1): void {
    let row = this.rowOf.get(track);
    if (row === undefined) {
      if (this.size === this.tracks.length) this.grow();
      row = this.size++;
      this.rowOf.set(track, row);
      this.tracks[row] = track;
    }
    const slot = row * SOURCE_COUNT + SOURCE_INDEX[source];
    const bit = 1 << SOURCE_INDEX[source];
    const empty = (this.sourceMask[row]! & bit) === 0;
    this.sourceMask[row]! |= bit;
    if (empty || score > this.scores[slot]!) {
      this.scores[slot] = score;
      this.provenance[slot] = provenance;
    }
  }

  has(track: number): boolean {
    return this.rowOf.has(track);
  }
  row(track: number): number | undefined {
    return this.rowOf.get(track);
  }
  score(row: number, source: HomeSource): number {
    return this.scores[row * SOURCE_COUNT + SOURCE_INDEX[source]]!;
  }
  provenanceOf(row: number, source: HomeSource): number {
    return this.provenance[row * SOURCE_COUNT + SOURCE_INDEX[source]]!;
  }
  /** true when the source contributed this row */
  from(row: number, source: HomeSource): boolean {
    return (this.sourceMask[row]! & (1 << SOURCE_INDEX[source])) !== 0;
  }

  private grow(): void {
    const capacity = this.tracks.length * 2;
    const tracks = new Int32Array(capacity);
    tracks.set(this.tracks);
    const scores = new Float32Array(capacity * SOURCE_COUNT);
    scores.set(this.scores);
    const provenance = new Int32Array(capacity * SOURCE_COUNT).fill(-1);
    provenance.set(this.provenance);
    const sourceMask = new Uint16Array(capacity);
    sourceMask.set(this.sourceMask);
    this.sourceMask = sourceMask;
    this.tracks = tracks;
    this.scores = scores;
    this.provenance = provenance;
  }
}

export interface HomeCandidateOptions {
  /** neighbours per ANN query (default 50) */
  annK?: number;
  recentSeeds?: number;
  topSeeds?: number;
  /** days back that count as a new release (default 30) */
  newReleaseDays?: number;
  /** popularity (0..1) at or below which a track counts as deep catalog (default 0.35) */
  deepPopularity?: number;
  /** the user's own log row index, excluded from co-listening (-1 none) */
  excludeUser?: number;
  /** co-listening seeds: most recent and heaviest tracks (default 10 and 20) */
  coListeningRecentSeeds?: number;
  coListeningTopSeeds?: number;
  /** listeners sampled per seed (default 40) */
  listenersPerSeed?: number;
  /** votes ÷ listeners^penalty (default 0.4) */
  coListeningPopularityPenalty?: number;
  /** co-listening candidates kept (default 200) */
  coListeningLimit?: number;
}

export interface HomeCandidateStats {
  annQueries: number;
  perSource: Record<HomeSource, number>;
}

type CandidateResult = { candidates: CandidateSet; stats: HomeCandidateStats };

/** Runs every source for a profile; the ANN queries go to FAISS as one batch (off the event loop). */
export async function generateHomeCandidates(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions = {}): Promise<CandidateResult> {
  const plan = planAnnQueries(index, profile, options);
  const batch = plan.matrix ? await index.itemIndex.searchBatchAsync(plan.matrix, plan.k) : undefined;
  return assembleCandidates(index, profile, options, plan, batch);
}

/** The same, with a blocking FAISS call (offline evaluation and training loops). */
export function generateHomeCandidatesSync(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions = {}): CandidateResult {
  const plan = planAnnQueries(index, profile, options);
  const batch = plan.matrix ? index.itemIndex.searchBatch(plan.matrix, plan.k) : undefined;
  return assembleCandidates(index, profile, options, plan, batch);
}

function assembleCandidates(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, plan: AnnPlan, batch: BatchNeighbors | undefined): CandidateResult {
  const candidates = new CandidateSet();
  const perSource = Object.fromEntries(Object.keys(SOURCE_INDEX).map((name) => [name, 0])) as Record<HomeSource, number>;
  const count = (source: HomeSource, track: number, score: number, provenance = -1) => {
    candidates.add(track, source, score, provenance);
    perSource[source]++;
  };
  const annQueries = annSources(index, profile, options, plan, batch, count);
  coListening(index, profile, options, count);
  artistSources(index, profile, count);
  newReleases(index, profile, options, count);
  popularInGenres(index, profile, count);
  historySources(profile, count);
  // the listener's own tracks of each taste cluster: the familiar half of a "Made for you" mix
  profile.clusters.forEach((cluster, c) => {
    for (let i = 0; i < Math.min(20, cluster.tracks.length); i++) {
      const track = cluster.tracks[i]!;
      count('tasteCluster', track, dotRow(index.itemVectors, track, cluster.centroid, index.itemDim), c);
    }
  });
  for (const track of spreadAcrossArtists(index, index.store.mostPopular(3000), 150)) count('popular', track, index.popularity[track]!);
  return { candidates, stats: { annQueries, perSource } };
}

type Emit = (source: HomeSource, track: number, score: number, provenance?: number) => void;

/** Seeds (recent + top tracks) and taste vectors (overall + clusters) → one searchBatch. */
type AnnQuery = { kind: 'annRecent' | 'annTop' | 'taste' | 'tasteCluster'; provenance: number; vector: Float32Array };
interface AnnPlan {
  queries: AnnQuery[];
  k: number;
  /** queries × dim, undefined when there is nothing to ask */
  matrix: Float32Array | undefined;
}

/** Seeds (recent + top tracks) and taste vectors (overall + clusters) as one query matrix. */
function planAnnQueries(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions): AnnPlan {
  const dim = index.itemDim;
  const recent = Array.from(profile.recent.subarray(0, options.recentSeeds ?? 6));
  const top = Array.from(profile.topTracks).filter((t) => !recent.includes(t)).slice(0, options.topSeeds ?? 6);
  const queries: AnnQuery[] = [];
  for (const t of recent) queries.push({ kind: 'annRecent', provenance: t, vector: index.itemVectors.subarray(t * dim, (t + 1) * dim) });
  for (const t of top) queries.push({ kind: 'annTop', provenance: t, vector: index.itemVectors.subarray(t * dim, (t + 1) * dim) });
  if (isNonZero(profile.vector)) queries.push({ kind: 'taste', provenance: -1, vector: profile.vector });
  profile.clusters.forEach((cluster, c) => queries.push({ kind: 'tasteCluster', provenance: c, vector: cluster.centroid }));
  const k = options.annK ?? 50;
  if (queries.length === 0) return { queries, k, matrix: undefined };
  const matrix = new Float32Array(queries.length * dim);
  queries.forEach((query, q) => matrix.set(query.vector, q * dim));
  return { queries, k, matrix };
}

function annSources(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, plan: AnnPlan, batch: BatchNeighbors | undefined, emit: Emit): number {
  const { queries } = plan;
  if (!batch) return 0;
  const deepPopularity = options.deepPopularity ?? 0.35;
  const labelToTrack = trackOfLabel(index);
  let deepFound = 0;
  for (let q = 0; q < queries.length; q++) {
    const query = queries[q]!;
    for (let j = 0; j < batch.k; j++) {
      const label = batch.labels[q * batch.k + j]!;
      if (label < 0) break;
      const track = labelToTrack[label]!;
      if (track < 0 || track === query.provenance) continue;
      const similarity = batch.scores[q * batch.k + j]!;
      if (query.kind === 'annRecent' || query.kind === 'annTop') emit(query.kind, track, similarity, query.provenance);
      else {
        if (query.kind === 'tasteCluster') emit('tasteCluster', track, similarity, query.provenance);
        const popularity = index.popularity[track]!;
        if (popularity <= deepPopularity) {
          emit('deepCatalog', track, similarity * (1 - popularity), -1);
          deepFound++;
        }
      }
    }
  }
  // Few long-tail tracks among the nearest: ask once more with a popularity filter.
  if (deepFound < 15 && isNonZero(profile.vector)) {
    const result = index.itemIndex.search(profile.vector, 30, {
      filter: (label) => index.popularity[labelToTrack[label]!]! <= deepPopularity,
      maxFetch: 2000,
    });
    for (let j = 0; j < result.labels.length; j++) {
      const track = labelToTrack[result.labels[j]!]!;
      emit('deepCatalog', track, result.scores[j]! * (1 - index.popularity[track]!), -1);
    }
    return queries.length + 1;
  }
  return queries.length;
}

const labelMaps = new WeakMap<HomeIndex, Int32Array>();
/** FAISS label → track index (labels follow add order; ids are track ids). */
export function trackOfLabel(index: HomeIndex): Int32Array {
  let map = labelMaps.get(index);
  if (!map) {
    map = trackIndexByLabel(index.itemIndex, index.store);
    labelMaps.set(index, map);
  }
  return map;
}

/**
 * Co-listening, item-CF style: listeners of the seed tracks (self excluded, a bounded sample per
 * seed) vote for what else they played; votes add up across seeds and are damped by each
 * track's own listener count (RP3β-like popularity penalty). Provenance = the seed that gave
 * the most votes.
 */
interface VoteScratch {
  votes: Float32Array;
  seedVotes: Float32Array;
  bestVote: Float32Array;
  bestSeed: Int32Array;
  seenStamp: Int32Array;
  stamp: number;
}
const voteScratch = new WeakMap<HomeIndex, VoteScratch>();
/** Per-bundle vote buffers (the function using them is synchronous, so one set is enough). */
function scratchOf(index: HomeIndex): VoteScratch {
  let scratch = voteScratch.get(index);
  if (!scratch) {
    const n = index.store.trackCount;
    scratch = { votes: new Float32Array(n), seedVotes: new Float32Array(n), bestVote: new Float32Array(n), bestSeed: new Int32Array(n), seenStamp: new Int32Array(n), stamp: 0 };
    voteScratch.set(index, scratch);
  }
  return scratch;
}

function coListening(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, emit: Emit): void {
  const log = index.interactions;
  if (!log || index.listeners.length === 0) return;
  const seeds = [...new Set([...profile.recent.subarray(0, options.coListeningRecentSeeds ?? 10), ...profile.topTracks.subarray(0, options.coListeningTopSeeds ?? 20)])];
  const c = log.columns;
  const perListener = 200;
  const listenersPerSeed = options.listenersPerSeed ?? 40;
  const scratch = scratchOf(index);
  const { votes, seedVotes, bestVote, bestSeed, seenStamp } = scratch;
  if (scratch.stamp > 2_000_000_000) {
    seenStamp.fill(0);
    scratch.stamp = 0;
  }
  const touched: number[] = [];
  const touchedBySeed: number[] = [];
  for (const seed of seeds) {
    const start = index.listenerOffsets[seed]!;
    const end = index.listenerOffsets[seed + 1]!;
    const total = end - start;
    if (total <= 1) continue;
    const stride = Math.max(1, Math.floor(total / listenersPerSeed));
    touchedBySeed.length = 0;
    let used = 0;
    for (let p = start; p < end && used < listenersPerSeed; p += stride) {
      const listener = index.listeners[p]!;
      if (listener === options.excludeUser) continue;
      used++;
      const stamp = ++scratch.stamp;
      const rows = log.rowsOfUser(listener);
      for (let i = Math.max(rows.start, rows.end - perListener); i < rows.end; i++) {
        const track = c.track[i]!;
        if (track === seed || c.type[i] === 1 || seenStamp[track] === stamp) continue;
        seenStamp[track] = stamp;
        if (seedVotes[track] === 0) touchedBySeed.push(track);
        seedVotes[track]!++;
      }
    }
    // a seed with many sampled listeners should not outvote the others
    const scale = used > 0 ? 1 / Math.sqrt(used) : 0;
    for (const track of touchedBySeed) {
      const vote = seedVotes[track]! * scale;
      seedVotes[track] = 0;
      if (votes[track] === 0) touched.push(track);
      votes[track]! += vote;
      if (vote > bestVote[track]!) {
        bestVote[track] = vote;
        bestSeed[track] = seed;
      }
    }
  }
  const penalty = options.coListeningPopularityPenalty ?? 0.4;
  const scored: Array<[number, number, number]> = [];
  for (const track of touched) {
    const listeners = index.listenerOffsets[track + 1]! - index.listenerOffsets[track]!;
    scored.push([track, votes[track]! / Math.max(1, listeners) ** penalty, bestSeed[track]!]);
    votes[track] = 0;
    bestVote[track] = 0;
  }
  scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  for (const [track, score, seed] of scored.slice(0, options.coListeningLimit ?? 200)) emit('coListening', track, score, seed);
}

const similarArtistCache = new WeakMap<HomeIndex, Map<number, Array<[number, number]>>>();
/** Nearest artists by mean item vector (cached per bundle: hot artists repeat across users). */
export function similarArtists(index: HomeIndex, artist: number, limit = 6): Array<[number, number]> {
  let cache = similarArtistCache.get(index);
  if (!cache) similarArtistCache.set(index, (cache = new Map()));
  let result = cache.get(artist);
  if (!result) {
    const dim = index.itemDim;
    const query = index.artistVectors.subarray(artist * dim, (artist + 1) * dim);
    const best: Array<[number, number]> = [];
    for (let a = 0; a < index.store.artistCount; a++) {
      if (a === artist) continue;
      const sim = dotRow(index.artistVectors, a, query, dim);
      if (best.length < 12 || sim > best[best.length - 1]![1]) {
        best.push([a, sim]);
        best.sort((x, y) => y[1] - x[1]);
        if (best.length > 12) best.pop();
      }
    }
    result = best;
    if (cache.size > 50_000) cache.clear();
    cache.set(artist, result);
  }
  return result.slice(0, limit);
}

function artistSources(index: HomeIndex, profile: UserProfile, emit: Emit): void {
  const { store } = index;
  const top = [...new Set([...profile.seedArtists, ...profile.topArtists.subarray(0, 5)])];
  const followed = new Set(top);
  for (const artist of top) {
    const share = profile.artistShare.get(artist) ?? 0.1;
    const tracks = store.tracksByArtist(artist);
    for (let i = 0; i < Math.min(8, tracks.length); i++) emit('topArtist', tracks[i]!, share * (0.5 + 0.5 * index.popularity[tracks[i]!]!), artist);
    for (const [similar, sim] of similarArtists(index, artist, 4)) {
      if (followed.has(similar) || sim <= 0) continue;
      const theirs = store.tracksByArtist(similar);
      for (let i = 0; i < Math.min(4, theirs.length); i++) emit('similarArtist', theirs[i]!, sim * Math.sqrt(share), artist);
    }
  }
}

function newReleases(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, emit: Emit): void {
  const days = options.newReleaseDays ?? 30;
  const since = (index.referenceDay - days) * MS_PER_DAY;
  const fresh = index.store.newReleasesSince(since, 3000);
  const personal = isNonZero(profile.vector);
  const scored: Array<[number, number, number]> = [];
  for (let i = 0; i < fresh.length; i++) {
    const track = fresh[i]!;
    const artist = index.store.trackPrimaryArtist[track]!;
    const affinity = profile.artistShare.get(artist) ?? 0;
    const taste = personal ? dotRow(index.itemVectors, track, profile.vector, index.itemDim) : index.popularity[track]!;
    scored.push([track, 0.5 * (1 + taste) + 2 * affinity, affinity > 0 ? artist : -1]);
  }
  scored.sort((a, b) => b[1] - a[1]);
  for (const [track, score, artist] of scored.slice(0, 40)) emit('newRelease', track, score, artist);
}

function popularInGenres(index: HomeIndex, profile: UserProfile, emit: Emit): void {
  const personal = [...profile.seedGenres, ...profile.topGenres.subarray(0, 3)];
  const genres = [...new Set(personal.length > 0 ? personal : topCatalogGenres(index, 2))];
  for (const genre of genres) {
    const share = profile.genreShare.get(genre) ?? 0.2;
    for (const track of spreadAcrossArtists(index, index.store.tracksByGenre(genre), 60)) emit('popularInGenre', track, share * index.popularity[track]!, genre);
  }
}

function historySources(profile: UserProfile, emit: Emit): void {
  // Jump back in: recently played, skipping the very last few (still fresh in mind).
  const recent = profile.recent;
  for (let i = 2; i < Math.min(recent.length, 40); i++) emit('jumpBackIn', recent[i]!, 1 / (1 + 0.1 * (i - 2)));
  const daypartGenre = topKey(profile.daypartGenreShare);
  for (const [track, history] of profile.tracks) {
    if (history.daypartPlays > 0 && history.plays > 0) emit('daypart', track, (history.daypartPlays / history.plays) * Math.log1p(history.daypartPlays), daypartGenre);
  }
}

function topKey(map: Map<number, number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (const [key, value] of map) if (value > bestValue) [best, bestValue] = [key, value];
  return best;
}

function isNonZero(vector: Float32Array): boolean {
  for (let d = 0; d < vector.length; d++) if (vector[d] !== 0) return true;
  return false;
}

const catalogGenreCache = new WeakMap<HomeIndex, number[]>();
/** The genres of the catalog's most popular tracks (the editorial default for cold start). */
export function topCatalogGenres(index: HomeIndex, count: number): number[] {
  let genres = catalogGenreCache.get(index);
  if (!genres) {
    const weight = new Map<number, number>();
    const top = index.store.mostPopular(300);
    for (let i = 0; i < top.length; i++) forEachGenre(index, top[i]!, (genre) => weight.set(genre, (weight.get(genre) ?? 0) + 1));
    genres = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((entry) => entry[0]);
    catalogGenreCache.set(index, genres);
  }
  return genres.slice(0, count);
}

/** The first `limit` tracks of a popularity-ordered list, at most 3 per artist (charts are artist-heavy). */
function spreadAcrossArtists(index: HomeIndex, ordered: Int32Array, limit: number): number[] {
  const perArtist = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < ordered.length && out.length < limit; i++) {
    const artist = index.store.trackPrimaryArtist[ordered[i]!]!;
    const taken = perArtist.get(artist) ?? 0;
    if (taken >= 3) continue;
    perArtist.set(artist, taken + 1);
    out.push(ordered[i]!);
  }
  return out;
}
