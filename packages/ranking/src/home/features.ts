// Ranking features per (listener, candidate): every source's score and rank, each neighbour
// list's merged score (over all the listener's tracks and over the recent ones), the learned
// factor score, user–item similarities, popularity and freshness, content (genre, audio),
// daypart and session context, and the listener's history length.
import { dot } from '@mixtape/base';
import { MS_PER_DAY, PROFILE_FEATURES, dotRow } from './home-index';
import type { HomeIndex } from './home-index';
import type { CandidateSet } from './candidates';
import { NEIGHBOUR_SOURCES } from './item-models';
import { forEachGenre } from './profile';
import type { UserProfile } from './profile';
import { DAYPARTS, HOME_SOURCES, SOURCE_COUNT } from './types';

const LIST_COUNT = NEIGHBOUR_SOURCES.length;
/**
 * Sources with a source_/rank_ column pair in the leading blocks: those before `successor`. The
 * successor source came later; its columns are appended at the end so rankers trained on the
 * shorter list keep their column numbers (and load: parseRankerModel).
 */
const BLOCK_SOURCES = HOME_SOURCES.slice(0, HOME_SOURCES.indexOf('successor'));
const BLOCK_COUNT = BLOCK_SOURCES.length;

// Scores enter as shares of the listener's best candidate and as reciprocal ranks, never raw:
// raw list sums and factor dot products grow with the amount of data, so a model trained on the
// past part of a log would misread them on the whole log (and on the next bundle's).
export const HOME_FEATURES = [
  // each source's score as a share of its best among this listener's candidates (0: not from it)
  ...BLOCK_SOURCES.map((source) => `source_${source}`),
  // 1/(1+rank) within each source
  ...BLOCK_SOURCES.map((source) => `rank_${source}`),
  // merged neighbour-list scores, known for every candidate whichever source brought it
  ...NEIGHBOUR_SOURCES.map((source) => `list_share_${source}`),
  ...NEIGHBOUR_SOURCES.map((source) => `list_rank_${source}`),
  // merged over the most recent tracks only, recency-weighted (session continuation)
  ...NEIGHBOUR_SOURCES.map((source) => `recent_share_${source}`),
  'factor_share',
  'factor_rank',
  'source_count',
  'user_similarity',
  'cluster_similarity',
  'last_track_similarity',
  'session_similarity',
  'artist_affinity',
  'recent_artist',
  'genre_affinity',
  'popularity',
  'listener_share',
  'freshness',
  'novelty',
  'play_count',
  'skip_rate',
  'audio_distance',
  'daypart_genre_affinity',
  'track_daypart_share',
  'last_played_recency',
  'hour_sin',
  'hour_cos',
  'history_length',
  // appended (session 5): the successor merge over the recent plays, known for every candidate —
  // as a share of the listener's best and as 1/(1+rank); computed with the list columns
  'successor_share',
  'successor_rank',
  // appended (session 7): the next-track model's answer for the recent plays (CandidateSet.sequenceShares / sequenceRanks)
  'sequence_share',
  'sequence_rank',
] as const;
export type HomeFeature = (typeof HOME_FEATURES)[number];
export const HOME_FEATURE_COUNT = HOME_FEATURES.length;
/** The feature list before the successor columns were appended: rankers trained on it still load. */
export const HOME_FEATURES_BEFORE_SUCCESSOR: readonly string[] = HOME_FEATURES.slice(0, HOME_FEATURES.indexOf('successor_share'));
/** The feature list before the next-track model's columns were appended: rankers trained on it still load. */
export const HOME_FEATURES_BEFORE_SEQUENCE: readonly string[] = HOME_FEATURES.slice(0, HOME_FEATURES.indexOf('sequence_share'));

const SHARE_OFFSET = 2 * BLOCK_COUNT;
const LIST_RANK_OFFSET = SHARE_OFFSET + LIST_COUNT;
const RECENT_OFFSET = LIST_RANK_OFFSET + LIST_COUNT;
const FACTOR_OFFSET = RECENT_OFFSET + LIST_COUNT;
const TAIL_OFFSET = FACTOR_OFFSET + 2;
const SUCCESSOR_OFFSET = HOME_FEATURES.indexOf('successor_share');
const SEQUENCE_OFFSET = HOME_FEATURES.indexOf('sequence_share');
/**
 * Features before this column come from the candidate lists (shares, ranks, source count):
 * cheap for every row. From it on they are per-track content and context, computed only for the rows the
 * trees score when a page asks for some (`FeatureOptions.rows`) — except the appended successor
 * columns, which are written with the lists for every row.
 */
export const HOME_FEATURE_TAIL = TAIL_OFFSET + 1;

const featureBuffers = new WeakMap<HomeIndex, Float32Array[]>();
/** A per-bundle feature buffer of at least `rows` rows (reused; take it back with releaseFeatureBuffer). */
export function acquireFeatureBuffer(index: HomeIndex, rows: number): Float32Array {
  const pool = featureBuffers.get(index);
  const buffer = pool?.pop();
  if (buffer && buffer.length >= rows * HOME_FEATURE_COUNT) return buffer;
  return new Float32Array(Math.max(1024, rows) * HOME_FEATURE_COUNT);
}
export function releaseFeatureBuffer(index: HomeIndex, buffer: Float32Array): void {
  let pool = featureBuffers.get(index);
  if (!pool) featureBuffers.set(index, (pool = []));
  if (pool.length < 64) pool.push(buffer);
}

export interface FeatureOptions {
  /** 'lists': only the columns before HOME_FEATURE_TAIL; 'tail': only the rest; 'all' (default) */
  columns?: 'all' | 'lists' | 'tail';
  /** the rows whose tail columns are computed (default: every row) */
  rows?: Int32Array;
}

/** n × HOME_FEATURE_COUNT, row-major, rows in candidate order (into `out` when given). */
export function computeFeatures(index: HomeIndex, profile: UserProfile, candidates: CandidateSet, out?: Float32Array, options: FeatureOptions = {}): Float32Array {
  const F = HOME_FEATURE_COUNT;
  const n = candidates.size;
  const features = out && out.length >= n * F ? out : new Float32Array(n * F);
  const columns = options.columns ?? 'all';
  if (columns !== 'tail') listFeatures(candidates, features);
  if (columns !== 'lists') tailFeatures(index, profile, candidates, features, options.rows);
  return features;
}

/** Every source's share and rank, the merged lists' shares and ranks, the factor's: for every row. */
function listFeatures(candidates: CandidateSet, features: Float32Array): void {
  const F = HOME_FEATURE_COUNT;
  const n = candidates.size;
  sourceRanks(candidates, features);
  // per-listener maxima for the scale-free shares
  const listMax = new Float64Array(LIST_COUNT);
  const recentMax = new Float64Array(LIST_COUNT);
  const sourceMax = new Float64Array(SOURCE_COUNT);
  let factorMax = 0;
  for (let r = 0; r < n; r++) {
    for (let s = 0; s < LIST_COUNT; s++) {
      listMax[s] = Math.max(listMax[s]!, candidates.listScores[r * LIST_COUNT + s]!);
      recentMax[s] = Math.max(recentMax[s]!, candidates.recentScores[r * LIST_COUNT + s]!);
    }
    for (let s = 0; s < SOURCE_COUNT; s++) if (candidates.sourceMask[r]! & (1 << s)) sourceMax[s] = Math.max(sourceMax[s]!, Math.abs(candidates.scores[r * SOURCE_COUNT + s]!));
    factorMax = Math.max(factorMax, candidates.factorScores[r]!);
  }
  for (let s = 0; s < LIST_COUNT; s++) rankColumn(candidates.listScores, LIST_COUNT, s, n, features, LIST_RANK_OFFSET + s);
  rankColumn(candidates.factorScores, 1, 0, n, features, FACTOR_OFFSET + 1);
  rankColumn(candidates.successorScores, 1, 0, n, features, SUCCESSOR_OFFSET + 1);
  let successorMax = 0;
  for (let r = 0; r < n; r++) successorMax = Math.max(successorMax, candidates.successorScores[r]!);
  for (let r = 0; r < n; r++) {
    const base = r * F;
    let sources = 0;
    // source_count counts the block sources only: the meaning older rankers were trained on
    for (let s = 0; s < BLOCK_COUNT; s++) {
      const from = (candidates.sourceMask[r]! & (1 << s)) !== 0;
      features[base + s] = from && sourceMax[s]! > 0 ? candidates.scores[r * SOURCE_COUNT + s]! / sourceMax[s]! : 0;
      if (from) sources++;
    }
    features[base + SUCCESSOR_OFFSET] = successorMax > 0 ? candidates.successorScores[r]! / successorMax : 0;
    features[base + SEQUENCE_OFFSET] = candidates.sequenceShares[r]!;
    features[base + SEQUENCE_OFFSET + 1] = candidates.sequenceRanks[r]!;
    for (let s = 0; s < LIST_COUNT; s++) {
      features[base + SHARE_OFFSET + s] = listMax[s]! > 0 ? candidates.listScores[r * LIST_COUNT + s]! / listMax[s]! : 0;
      features[base + RECENT_OFFSET + s] = recentMax[s]! > 0 ? candidates.recentScores[r * LIST_COUNT + s]! / recentMax[s]! : 0;
    }
    const factor = candidates.factorScores[r]!;
    features[base + FACTOR_OFFSET] = factorMax > 0 ? factor / factorMax : 0;
    // the first tail column, as cheap as the lists
    features[base + TAIL_OFFSET] = sources;
  }
}

/** Content, taste and context features of the chosen rows (every row without `rows`). */
function tailFeatures(index: HomeIndex, profile: UserProfile, candidates: CandidateSet, features: Float32Array, rows: Int32Array | undefined): void {
  const F = HOME_FEATURE_COUNT;
  const dim = index.itemDim;
  const hour = new Date(profile.now).getUTCHours();
  const hourSin = Math.sin((2 * Math.PI * hour) / 24);
  const hourCos = Math.cos((2 * Math.PI * hour) / 24);
  // the pooled shares are by UTC hour: read the column of the listener's daypart in UTC (shifted by their offset)
  const daypart = DAYPARTS.indexOf(profile.utcDaypart);
  const audioWidth = PROFILE_FEATURES.length;
  const historyLength = Math.log1p(profile.topTracks.length);
  const vectors = index.itemVectors;
  // without usable time "recent" is an arbitrary order: the session features stay 0
  const lastTrack = index.timed && profile.recent.length > 0 ? profile.recent[0]! : -1;
  const sessionTracks = profile.recent.subarray(0, index.timed ? 5 : 0);
  const recentArtists = new Set<number>();
  for (let i = 0; i < sessionTracks.length; i++) recentArtists.add(index.store.trackPrimaryArtist[sessionTracks[i]!]!);

  const listenerScale = 1 / Math.log1p(Math.max(1, index.maxListenerCount));
  const count = rows ? rows.length : candidates.size;
  for (let i = 0; i < count; i++) {
    const r = rows ? rows[i]! : i;
    const track = candidates.tracks[r]!;
    const base = r * F;
    // source_count (TAIL_OFFSET) was written with the lists
    let f = base + TAIL_OFFSET + 1;
    features[f++] = dotRow(vectors, track, profile.vector, dim);
    let clusterSimilarity = 0;
    for (const cluster of profile.clusters) clusterSimilarity = Math.max(clusterSimilarity, dotRow(vectors, track, cluster.centroid, dim));
    features[f++] = clusterSimilarity;
    features[f++] = lastTrack >= 0 ? rowDot(vectors, track, lastTrack, dim) : 0;
    let session = 0;
    for (let j = 0; j < sessionTracks.length; j++) session += rowDot(vectors, track, sessionTracks[j]!, dim);
    features[f++] = sessionTracks.length > 0 ? session / sessionTracks.length : 0;
    const artists = index.store.artistsOfTrack(track);
    let artistAffinity = 0;
    for (let j = 0; j < artists.length; j++) artistAffinity = Math.max(artistAffinity, profile.artistShare.get(artists[j]!) ?? 0);
    features[f++] = Math.sqrt(artistAffinity);
    features[f++] = recentArtists.has(index.store.trackPrimaryArtist[track]!) ? 1 : 0;
    let genreAffinity = 0;
    let daypartGenre = 0;
    forEachGenre(index, track, (genre) => {
      genreAffinity = Math.max(genreAffinity, profile.genreShare.get(genre) ?? 0);
      daypartGenre = Math.max(daypartGenre, profile.daypartGenreShare.get(genre) ?? 0);
    });
    features[f++] = Math.sqrt(genreAffinity);
    features[f++] = index.popularity[track]!;
    features[f++] = Math.log1p(index.listenerCount[track]!) * listenerScale;
    const releaseDay = index.store.releaseDay(track);
    features[f++] = releaseDay === undefined ? 0 : Math.exp(-Math.max(0, index.referenceDay - releaseDay) / 60);
    const history = profile.tracks.get(track);
    features[f++] = history && history.plays > 0 ? 0 : 1;
    features[f++] = history ? Math.log1p(history.plays) : 0;
    features[f++] = history ? history.skips / (history.skips + history.plays + 1) : 0;
    features[f++] = audioDistance(index, profile, track, audioWidth);
    features[f++] = daypartGenre;
    features[f++] = index.daypartShare[track * DAYPARTS.length + daypart]!;
    features[f++] = history && history.lastPlayed > 0 ? Math.exp(-Math.max(0, profile.now - history.lastPlayed) / (14 * MS_PER_DAY)) : 0;
    features[f++] = hourSin;
    features[f++] = hourCos;
    features[f++] = historyLength;
  }
}

function rowDot(vectors: Float32Array, a: number, b: number, dim: number): number {
  return dot(vectors, a * dim, vectors, b * dim, dim);
}

/** Writes 1/(1 + rank) of each row by `values[r * stride + column]` (positive values only; 0 otherwise) into feature column `target`. */
function rankColumn(values: Float32Array, stride: number, column: number, n: number, features: Float32Array, target: number): void {
  const F = HOME_FEATURE_COUNT;
  const keys = keyScratch(n);
  let count = 0;
  for (let r = 0; r < n; r++) {
    features[r * F + target] = 0;
    const value = values[r * stride + column]!;
    if (value > 0) keys[count++] = rankKey(value, r);
  }
  const order = keys.subarray(0, count).sort();
  for (let rank = 0; rank < count; rank++) features[(order[rank]! % ROW_SPAN) * F + target] = 1 / (1 + rank);
}

/** Writes 1/(1 + rank of the row among the rows the source contributed), 0 when absent, into the rank columns. */
function sourceRanks(candidates: CandidateSet, features: Float32Array): void {
  const n = candidates.size;
  const F = HOME_FEATURE_COUNT;
  const keys = keyScratch(n);
  for (let s = 0; s < BLOCK_COUNT; s++) {
    let count = 0;
    for (let r = 0; r < n; r++) {
      features[r * F + BLOCK_COUNT + s] = 0;
      if (candidates.sourceMask[r]! & (1 << s)) keys[count++] = rankKey(candidates.scores[r * SOURCE_COUNT + s]!, r);
    }
    if (count === 0) continue;
    const order = keys.subarray(0, count).sort();
    for (let rank = 0; rank < count; rank++) features[(order[rank]! % ROW_SPAN) * F + BLOCK_COUNT + s] = 1 / (1 + rank);
  }
}

// Ranking by a numeric sort of packed keys instead of a comparator call per pair: a float32
// score's bits, made to order like the numbers, then the row — one double, exact below 2^53.
const ROW_SPAN = 2 ** 21;
const keyBits = new Float32Array(1);
const keyWord = new Uint32Array(keyBits.buffer);
let keyBuffer = new Float64Array(4096);
function keyScratch(n: number): Float64Array {
  if (n > ROW_SPAN) throw new RangeError(`${n} candidates: ranking features handle at most ${ROW_SPAN} rows`);
  if (keyBuffer.length < n) keyBuffer = new Float64Array(n * 2);
  return keyBuffer;
}
/** `rows` ordered by `scores[row]` descending, then by row (a new array; the order a comparator `scores[b] − scores[a] || a − b` gives). */
export function rowsByScore(rows: readonly number[], scores: Float32Array): Int32Array {
  const keys = keyScratch(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = rankKey(scores[rows[i]!]!, rows[i]!);
  const order = keys.subarray(0, rows.length).sort();
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = order[i]! % ROW_SPAN;
  return out;
}

/** Ascending keys = the score descending, then the row ascending (what the comparator order was). */
function rankKey(score: number, row: number): number {
  keyBits[0] = score === 0 ? 0 : score; // −0 ties with +0
  const bits = keyWord[0]!;
  // float32 bits → an unsigned word that orders like the numbers
  const ordered = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  return (0xffffffff - ordered) * ROW_SPAN + row;
}

/** Euclidean distance between the track's audio and the listener's mean (0.5 when unknown). */
function audioDistance(index: HomeIndex, profile: UserProfile, track: number, width: number): number {
  const base = track * width;
  if (!profile.audio || Number.isNaN(index.audio[base])) return 0.5;
  let sum = 0;
  for (let f = 0; f < width; f++) sum += (index.audio[base + f]! - profile.audio[f]!) ** 2;
  return Math.sqrt(sum / width);
}
