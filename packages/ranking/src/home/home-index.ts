// Catalog-level structures the Home stack precomputes once per bundle: artist vectors,
// neighbour lists and learned factors (bundle parts), per-daypart play shares, normalized popularity and audio.
import { dot, normalizeInPlace } from '@mixtape/base';
import { AUDIO_FEATURES, INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { CatalogStore, InteractionLog } from '@mixtape/catalog';
import { VectorIndex, chooseFactory } from '@mixtape/embeddings';
import { nonZeroRows } from './item-models';
import type { ItemFactors, NeighbourLists } from './item-models';
import type { ListenerState } from './listeners';
import { DAYPARTS, daypartOfHour, daypartIndex } from './types';
import type { HomeData } from './types';

const DAY_MS = 86_400_000;
/** Audio features of the taste profile, scaled to 0..1 (tempo / 250 BPM). */
export const PROFILE_FEATURES = ['danceability', 'energy', 'valence', 'acousticness', 'instrumentalness', 'tempo'] as const;
const PROFILE_OFFSETS = PROFILE_FEATURES.map((name) => AUDIO_FEATURES.indexOf(name));

export interface HomeIndex {
  store: CatalogStore;
  interactions?: InteractionLog;
  /**
   * trackCount × itemDim item vectors with the catalog mean removed, unit rows. SGNS vectors
   * share a large common direction (random pairs sit at cosine ≈ 0.5–0.98), which drowns
   * taste similarity and MMR; centered, they spread out. FAISS is queried with centered
   * vectors too: against the raw index that ranks by ‖x−μ‖·cos(centered), close enough.
   */
  itemVectors: Float32Array;
  itemDim: number;
  itemIndex: VectorIndex;
  /**
   * 1 when the track has an item vector. On a catalog without content (an MPD slice) the
   * never-played tracks keep zero rows, which the item index still holds and scores 0 — above
   * every negative similarity —, so the ANN sources skip them (they say nothing of taste).
   */
  hasVector: Uint8Array;
  /** artistCount × itemDim: mean of the artist's track vectors, unit rows (zeros without tracks) */
  artistVectors: Float32Array;
  /** offline item → item neighbour lists (empty object: none in this bundle) */
  neighbours: NeighbourLists;
  /** learned user/item factors and their FAISS index (ids = track ids) */
  factors?: ItemFactors;
  factorIndex?: VectorIndex;
  /** precomputed taste clusters and ANN answers of the logged listeners (bundle part; absent: computed per request) */
  listeners?: ListenerState;
  /** distinct listeners per track in the log, and the largest count */
  listenerCount: Float32Array;
  maxListenerCount: number;
  /** the log's timestamps order events (false for aggregated counts: "recent" then means nothing) */
  timed: boolean;
  /** trackCount × 4: share of the track's plays in each daypart; NaN-free (0 without plays) */
  daypartShare: Float32Array;
  /** 0..1 popularity: the catalog's, or the log's listener counts (HomeData.popularity) */
  popularity: Float32Array;
  /** tracks by that popularity, most popular first (the first 5,000; with the log's, only tracks it holds) */
  popularOrder: Int32Array;
  /**
   * Each artist's and genre's tracks that the log holds, by that popularity, when it is the log's
   * (with the catalog's, the store's own lists are already in its order): read through `artistTracks` / `genreTracks`.
   */
  byLogPopularity?: { artists: TrackLists; genres: TrackLists };
  /** trackCount × PROFILE_FEATURES.length, 0..1, NaN when the track has no features */
  audio: Float32Array;
  /** latest logged interaction (epoch ms): "now" for new releases, wall-clock free */
  referenceTime: number;
  referenceDay: number;
}

/** Builds the per-bundle index; linear in log rows + tracks. */
export function createHomeIndex(data: HomeData): HomeIndex {
  const { store, interactions, itemDim } = data;
  const trackCount = store.trackCount;
  if (data.itemVectors.length !== trackCount * itemDim) {
    throw new RangeError(`home index: item vectors hold ${data.itemVectors.length / itemDim} rows for ${trackCount} tracks (dim ${itemDim})`);
  }
  const { out: itemVectors, hasVector } = centeredUnitRows(data.itemVectors, trackCount, itemDim);

  const artistCount = store.artistCount;
  const artistVectors = new Float32Array(artistCount * itemDim);
  for (let a = 0; a < artistCount; a++) {
    const tracks = store.tracksByArtist(a);
    const base = a * itemDim;
    for (let i = 0; i < tracks.length; i++) {
      const row = tracks[i]! * itemDim;
      for (let d = 0; d < itemDim; d++) artistVectors[base + d]! += itemVectors[row + d]!;
    }
    normalizeInPlace(artistVectors, base, itemDim);
  }

  const popularity = new Float32Array(trackCount);
  for (let t = 0; t < trackCount; t++) popularity[t] = Math.min(1, Math.max(0, store.columns.trackPopularity[t]! / 100));

  const featureCount = AUDIO_FEATURES.length;
  const audio = new Float32Array(trackCount * PROFILE_FEATURES.length).fill(Number.NaN);
  const matrix = store.featureMatrix;
  for (let t = 0; t < trackCount; t++) {
    if (!store.hasFeatures(t)) continue;
    for (let f = 0; f < PROFILE_OFFSETS.length; f++) {
      const value = matrix[t * featureCount + PROFILE_OFFSETS[f]!]!;
      audio[t * PROFILE_FEATURES.length + f] = PROFILE_FEATURES[f] === 'tempo' ? Math.min(1, value / 250) : value;
    }
  }

  const listenerCount = new Float32Array(trackCount);
  const daypartShare = new Float32Array(trackCount * DAYPARTS.length);
  let referenceTime = 0;
  let timed = false;
  if (interactions && interactions.length > 0) {
    const c = interactions.columns;
    const skip = INTERACTION_TYPE_CODE.skip;
    // rows are sorted by user, so "last user seen per track" dedupes listeners in one pass
    const lastUser = new Int32Array(trackCount).fill(-1);
    for (let i = 0; i < c.user.length; i++) {
      const t = c.track[i]!;
      if (c.timestamp[i]! > referenceTime) referenceTime = c.timestamp[i]!;
      if (!timed && c.timestamp[i] !== c.timestamp[0]) timed = true;
      if (c.type[i] === skip) continue;
      daypartShare[t * 4 + daypartIndex(daypartOfHour(new Date(c.timestamp[i]!).getUTCHours()))]! += c.count[i]!;
      if (lastUser[t] === c.user[i]) continue;
      lastUser[t] = c.user[i]!;
      listenerCount[t]!++;
    }
    for (let t = 0; t < trackCount; t++) {
      let total = 0;
      for (let p = 0; p < 4; p++) total += daypartShare[t * 4 + p]!;
      if (total > 0) for (let p = 0; p < 4; p++) daypartShare[t * 4 + p]! /= total;
    }
  }
  if (referenceTime === 0) referenceTime = Date.now();
  let maxListenerCount = 0;
  for (let t = 0; t < trackCount; t++) maxListenerCount = Math.max(maxListenerCount, listenerCount[t]!);
  if (data.popularity === 'log') {
    // listener counts as a 0..1 percentile-like score (log scale), for catalogs whose popularity came from the same log
    const scale = 1 / Math.log1p(Math.max(1, maxListenerCount));
    for (let t = 0; t < trackCount; t++) popularity[t] = Math.log1p(listenerCount[t]!) * scale;
  }
  const popularOrder =
    data.popularity === 'log'
      ? Int32Array.from(playedByPopularity(Array.from({ length: trackCount }, (_unused, t) => t), popularity).slice(0, 5000))
      : store.mostPopular(5000);
  const byLogPopularity = data.popularity === 'log' ? { artists: reorderLists(store.artistCount, (a) => store.tracksByArtist(a), popularity), genres: reorderLists(store.genreCount, (g) => store.tracksByGenre(g), popularity) } : undefined;
  const factors = data.factors;
  if (factors && (factors.items.length !== trackCount * factors.dim || (interactions && factors.users.length !== interactions.userCount * factors.dim))) {
    throw new RangeError(`home index: factors hold ${factors.items.length / factors.dim} items / ${factors.users.length / factors.dim} users for ${trackCount} tracks / ${interactions?.userCount ?? 0} users`);
  }
  for (const [source, list] of Object.entries(data.neighbours ?? {})) {
    if (list && list.offsets.length !== trackCount + 1) throw new RangeError(`home index: ${source} neighbour lists cover ${list.offsets.length - 1} items, the catalog has ${trackCount}`);
  }
  const listeners = data.listeners;
  if (listeners && (listeners.slotOfUser.length !== (interactions?.userCount ?? 0) || listeners.itemDim !== itemDim)) {
    throw new RangeError(`home index: the listener state covers ${listeners.slotOfUser.length} listeners of dim ${listeners.itemDim}; the log has ${interactions?.userCount ?? 0}, the item vectors dim ${itemDim}`);
  }
  let factorIndex = data.factorIndex;
  if (factors && !factorIndex) {
    const ids = Array.from({ length: trackCount }, (_unused, t) => store.trackId(t));
    factorIndex = VectorIndex.build({ dim: factors.dim, factory: chooseFactory(trackCount, factors.dim), metric: 'ip', ids, vectors: factors.items, deterministic: true });
  }

  return {
    store,
    interactions,
    itemVectors,
    itemDim,
    itemIndex: data.itemIndex,
    hasVector,
    artistVectors,
    neighbours: data.neighbours ?? {},
    factors,
    factorIndex,
    listeners,
    listenerCount,
    maxListenerCount,
    timed,
    daypartShare,
    popularity,
    popularOrder,
    ...(byLogPopularity ? { byLogPopularity } : {}),
    audio,
    referenceTime,
    referenceDay: Math.floor(referenceTime / DAY_MS),
  };
}

function centeredUnitRows(vectors: Float32Array, rows: number, dim: number): { out: Float32Array; hasVector: Uint8Array } {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d]! += vectors[r * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= Math.max(1, rows);
  const out = new Float32Array(vectors.length);
  const hasVector = nonZeroRows(vectors, rows, dim);
  for (let r = 0; r < rows; r++) {
    if (!hasVector[r]) continue; // an item without a vector stays without one
    for (let d = 0; d < dim; d++) out[r * dim + d] = vectors[r * dim + d]! - mean[d]!;
    normalizeInPlace(out, r * dim, dim);
  }
  return { out, hasVector };
}

export { normalizeInPlace };

/** Inner product of row `row` of a row-major matrix with `vector`. */
export function dotRow(matrix: Float32Array, row: number, vector: Float32Array, dim: number): number {
  return dot(matrix, row * dim, vector, 0, dim);
}

export const MS_PER_DAY = DAY_MS;

/**
 * Event times before this are not clock times but positions or placeholders (Last.fm's play
 * counts at 0, TidyTuesday's playlist ordinals): such events are undated — no "N months ago",
 * no recency decay against a live event's clock time.
 */
export const EARLIEST_CLOCK_TIME = Date.UTC(2000, 0, 1);

/** Lists of tracks in CSR form (list i: tracks[offsets[i] .. offsets[i + 1])). */
export interface TrackLists {
  offsets: Int32Array;
  tracks: Int32Array;
}

/** An artist's tracks, most popular first by the index's popularity (with the log's: only those the log holds). */
export function artistTracks(index: HomeIndex, artist: number): Int32Array {
  const lists = index.byLogPopularity?.artists;
  return lists ? lists.tracks.subarray(lists.offsets[artist]!, lists.offsets[artist + 1]!) : index.store.tracksByArtist(artist);
}

/** A genre's (or subgenre's) tracks, most popular first by the index's popularity (with the log's: only those the log holds). */
export function genreTracks(index: HomeIndex, genre: number): Int32Array {
  const lists = index.byLogPopularity?.genres;
  return lists ? lists.tracks.subarray(lists.offsets[genre]!, lists.offsets[genre + 1]!) : index.store.tracksByGenre(genre);
}

/** The tracks `popularity` gives more than 0 (played in the log), most popular first, ties by track index. */
function playedByPopularity(tracks: number[], popularity: Float32Array): number[] {
  return tracks.filter((track) => popularity[track]! > 0).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
}

/**
 * The catalog's lists re-sorted by `popularity` (ties by track index, as `popularOrder`), without
 * the tracks it gives 0 (no listener in the log). The log's popularity is the evaluation's, and its
 * catalogs come from importers that read the whole dataset (an MPD slice's catalog is every
 * playlist's tracks): there a track nobody in the training rows played is most likely a held-out
 * one, and the catalog's order — held-out appearances counted — would lift it further. Neither may
 * reach the artist and genre sources.
 */
function reorderLists(count: number, listOf: (i: number) => Int32Array, popularity: Float32Array): TrackLists {
  const offsets = new Int32Array(count + 1);
  const lists: number[][] = [];
  for (let i = 0; i < count; i++) {
    const sorted = playedByPopularity(Array.from(listOf(i)), popularity);
    lists.push(sorted);
    offsets[i + 1] = offsets[i]! + sorted.length;
  }
  const tracks = new Int32Array(offsets[count]!);
  lists.forEach((sorted, i) => tracks.set(sorted, offsets[i]!));
  return { offsets, tracks };
}
