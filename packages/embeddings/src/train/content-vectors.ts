// Content vectors: a deterministic map from a track's metadata (audio features, genres,
// subgenres, release year) to a fixed-dimension, L2-normalized Float32Array. They give items
// without plays (cold start) a place in vector space, and `encodeContentQuery` maps prompt
// constraints ({genres, energy range, year range}) into the same space for attribute retrieval.
import { addExact, roundExact } from '@mixtape/base';
import { AUDIO_FEATURES } from '@mixtape/catalog';
import { spacedKey } from '@mixtape/language';
import type { AudioFeatureName, CatalogStore, Track } from '@mixtape/catalog';

/** The parts of a track the content encoder reads. */
export type ContentSource = Pick<Track, 'genres' | 'subgenres' | 'releaseDate' | 'features'>;

/** Audio features that enter the vector as standardized numbers (key is encoded on the circle of fifths). */
export type ContentAudioFeature = Exclude<AudioFeatureName, 'key'>;
export const CONTENT_AUDIO_FEATURES: readonly ContentAudioFeature[] = AUDIO_FEATURES.filter((name): name is ContentAudioFeature => name !== 'key');

/** Mean and standard deviation of each standardized feature. */
export type ContentFeatureStats = Record<ContentAudioFeature, { mean: number; std: number }>;

/** Typical values of Spotify-style features; `fitContentFeatureStats` replaces them with a catalog's own. */
export const DEFAULT_CONTENT_FEATURE_STATS: ContentFeatureStats = {
  danceability: { mean: 0.6, std: 0.16 },
  energy: { mean: 0.65, std: 0.2 },
  valence: { mean: 0.5, std: 0.24 },
  tempo: { mean: 120, std: 28 },
  acousticness: { mean: 0.25, std: 0.28 },
  instrumentalness: { mean: 0.1, std: 0.25 },
  speechiness: { mean: 0.1, std: 0.1 },
  liveness: { mean: 0.19, std: 0.15 },
  loudness: { mean: -7, std: 3.5 },
  mode: { mean: 0.6, std: 0.49 },
};

/** Range of each feature used to complete open query ranges ({ min: 0.7 } means [0.7, upper]). */
const FEATURE_BOUNDS: Record<ContentAudioFeature, [number, number]> = {
  danceability: [0, 1],
  energy: [0, 1],
  valence: [0, 1],
  tempo: [50, 200],
  acousticness: [0, 1],
  instrumentalness: [0, 1],
  speechiness: [0, 1],
  liveness: [0, 1],
  loudness: [-30, 0],
  mode: [0, 1],
};

export interface ContentBlockWeights {
  audio: number;
  genre: number;
  subgenre: number;
  decade: number;
}

export interface ContentEncoderOptions {
  /** feature standardization (default DEFAULT_CONTENT_FEATURE_STATS) */
  stats?: ContentFeatureStats;
  /** hashed genre dimensions (default 24) */
  genreBuckets?: number;
  /** hashed subgenre dimensions (default 20) */
  subgenreBuckets?: number;
  /** first decade of the decade block (default 1950); earlier years count as this decade */
  firstDecade?: number;
  /** decade centers in the block (default 8: 1950s … 2020s) */
  decades?: number;
  /** relative weight of each block before the final normalization (default audio 1, genre 1, subgenre 0.6, decade 0.5) */
  weights?: Partial<ContentBlockWeights>;
}

export interface ContentBlock {
  offset: number;
  length: number;
}

/** A plain, JSON-serializable description of the encoding; store it beside the vectors. */
export interface ContentEncoder {
  dim: number;
  stats: ContentFeatureStats;
  weights: ContentBlockWeights;
  firstDecade: number;
  layout: { audio: ContentBlock; key: ContentBlock; genre: ContentBlock; subgenre: ContentBlock; decade: ContentBlock };
}

export function createContentEncoder(options: ContentEncoderOptions = {}): ContentEncoder {
  const genreBuckets = options.genreBuckets ?? 24;
  const subgenreBuckets = options.subgenreBuckets ?? 20;
  const decades = options.decades ?? 8;
  for (const [name, value] of [
    ['genreBuckets', genreBuckets],
    ['subgenreBuckets', subgenreBuckets],
    ['decades', decades],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`content encoder option ${name}: expected a positive integer, got ${value}`);
  }
  const stats = options.stats ?? DEFAULT_CONTENT_FEATURE_STATS;
  for (const feature of CONTENT_AUDIO_FEATURES) {
    const entry = stats[feature] as { mean: number; std: number } | undefined;
    if (!entry || !Number.isFinite(entry.mean) || !(entry.std > 0)) {
      throw new RangeError(`content encoder stats.${feature}: expected { mean: finite, std: > 0 }, got ${JSON.stringify(entry)}`);
    }
  }
  const weights: ContentBlockWeights = { audio: 1, genre: 1, subgenre: 0.6, decade: 0.5, ...options.weights };
  for (const [name, value] of Object.entries(weights)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`content encoder weights.${name}: expected a number >= 0, got ${value}`);
  }
  const audio = { offset: 0, length: CONTENT_AUDIO_FEATURES.length };
  const key = { offset: audio.offset + audio.length, length: 2 };
  const genre = { offset: key.offset + key.length, length: genreBuckets };
  const subgenre = { offset: genre.offset + genre.length, length: subgenreBuckets };
  const decade = { offset: subgenre.offset + subgenre.length, length: decades };
  return {
    dim: decade.offset + decade.length,
    stats,
    weights,
    firstDecade: options.firstDecade ?? 1950,
    layout: { audio, key, genre, subgenre, decade },
  };
}

/** Mean and standard deviation of each feature over the tracks that have features (defaults where none do). */
export function fitContentFeatureStats(tracks: readonly Pick<Track, 'features'>[]): ContentFeatureStats {
  const count = CONTENT_AUDIO_FEATURES.length;
  const sums = Array.from({ length: count }, () => ({ sum: [] as number[], squares: [] as number[] }));
  let n = 0;
  for (const track of tracks) {
    const features = track.features;
    if (!features) continue;
    n++;
    for (let f = 0; f < count; f++) {
      const value = features[CONTENT_AUDIO_FEATURES[f] as ContentAudioFeature];
      addExact(sums[f]!.sum, value);
      addExact(sums[f]!.squares, value * value);
    }
  }
  return statsFromPartials(sums, n);
}

// Exact (order-independent) sums: a pipeline's combiners add the same values in another order and
// must get bit-equal statistics (@mixtape/pipelines' catalog-stats).
function statsFromPartials(sums: readonly { sum: number[]; squares: number[] }[], n: number): ContentFeatureStats {
  return statsFromSums(Float64Array.from(sums, (entry) => roundExact(entry.sum)), Float64Array.from(sums, (entry) => roundExact(entry.squares)), n);
}

/** Mean and standard deviation from sums over n tracks (CONTENT_AUDIO_FEATURES order): what a pipeline's catalog statistics give. */
export function statsFromSums(sum: Float64Array, sumSquares: Float64Array, n: number): ContentFeatureStats {
  const stats = { ...DEFAULT_CONTENT_FEATURE_STATS };
  if (n < 2) return stats;
  for (let f = 0; f < CONTENT_AUDIO_FEATURES.length; f++) {
    const feature = CONTENT_AUDIO_FEATURES[f] as ContentAudioFeature;
    const mean = (sum[f] as number) / n;
    const variance = Math.max(0, (sumSquares[f] as number) / n - mean * mean);
    const std = Math.sqrt(variance);
    // a constant feature keeps the default spread rather than dividing by zero
    stats[feature] = { mean, std: std > 1e-9 ? std : DEFAULT_CONTENT_FEATURE_STATS[feature].std };
  }
  return stats;
}


/** FNV-1a over UTF-16 code units, with a per-use salt. */
function hashToken(token: string, salt: number): number {
  let hash = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return hash >>> 0;
}

interface HashedToken {
  buckets: [number, number];
  signs: [number, number];
}

/**
 * A token lands in two signed buckets of weight 1/√2 each, so a collision on one bucket rarely
 * makes two different genres look alike.
 */
function hashedToken(token: string, salt: number, length: number): HashedToken {
  const first = hashToken(token, salt);
  const second = hashToken(token, salt + 0x9e3779b9);
  return {
    buckets: [first % length, second % length],
    signs: [first & 0x80000000 ? -Math.SQRT1_2 : Math.SQRT1_2, second & 0x80000000 ? -Math.SQRT1_2 : Math.SQRT1_2],
  };
}

function addHashed(out: Float32Array, base: number, block: ContentBlock, hashed: HashedToken): void {
  for (let probe = 0; probe < 2; probe++) {
    const at = base + block.offset + (hashed.buckets[probe] as number);
    out[at] = (out[at] as number) + (hashed.signs[probe] as number);
  }
}

const GENRE_SALT = 0x67656e72;
const SUBGENRE_SALT = 0x73756267;

function addTokens(out: Float32Array, base: number, block: ContentBlock, names: readonly string[] | undefined, salt: number): void {
  if (!names) return;
  const seen = new Set<string>();
  for (const name of names) {
    // one genre token per spelling: "Hip-Hop" = "hip hop", "R&B" = "r and b"
    const token = spacedKey(name);
    if (token === '' || seen.has(token)) continue;
    seen.add(token);
    addHashed(out, base, block, hashedToken(token, salt, block.length));
  }
}

/** Gaussian bumps over decade centers (σ = 7 years): 1999 sits between the 1990s and the 2000s. */
function addYear(out: Float32Array, base: number, block: ContentBlock, firstDecade: number, year: number): void {
  const lastCenter = firstDecade + (block.length - 1) * 10 + 5;
  const clamped = Math.min(Math.max(year, firstDecade), lastCenter + 5);
  for (let d = 0; d < block.length; d++) {
    const center = firstDecade + d * 10 + 5;
    const distance = (clamped - center) / 7;
    const at = base + block.offset + d;
    out[at] = (out[at] as number) + Math.exp(-0.5 * distance * distance);
  }
}

function scaleBlock(out: Float32Array, base: number, block: ContentBlock, weight: number): void {
  const from = base + block.offset;
  const to = from + block.length;
  let sum = 0;
  for (let k = from; k < to; k++) sum += (out[k] as number) ** 2;
  if (sum === 0) return;
  const scale = weight / Math.sqrt(sum);
  for (let k = from; k < to; k++) out[k] = (out[k] as number) * scale;
}

function finish(encoder: ContentEncoder, out: Float32Array, base: number): void {
  const { layout, weights } = encoder;
  // key shares the audio block's weight: it is part of the sound, not a separate facet
  scaleBlock(out, base, layout.audio, weights.audio * 0.9);
  scaleBlock(out, base, layout.key, weights.audio * 0.3);
  scaleBlock(out, base, layout.genre, weights.genre);
  scaleBlock(out, base, layout.subgenre, weights.subgenre);
  scaleBlock(out, base, layout.decade, weights.decade);
  let sum = 0;
  for (let k = base; k < base + encoder.dim; k++) sum += (out[k] as number) ** 2;
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let k = base; k < base + encoder.dim; k++) out[k] = (out[k] as number) * scale;
}

function standardize(encoder: ContentEncoder, feature: ContentAudioFeature, value: number): number {
  const { mean, std } = encoder.stats[feature];
  const z = (value - mean) / std;
  return z > 3 ? 3 : z < -3 ? -3 : z;
}

function yearOf(releaseDate: string | undefined): number | undefined {
  if (!releaseDate) return undefined;
  const year = Number.parseInt(releaseDate.slice(0, 4), 10);
  return Number.isFinite(year) ? year : undefined;
}

/** Position of each CONTENT_AUDIO_FEATURES entry in the catalog's AUDIO_FEATURES order. */
const FEATURE_POSITION = Int32Array.from(CONTENT_AUDIO_FEATURES, (name) => AUDIO_FEATURES.indexOf(name));
const KEY_POSITION = AUDIO_FEATURES.indexOf('key');

/** Writes the audio and key blocks from a feature row in AUDIO_FEATURES order (NaN = missing value). */
function writeAudioRow(encoder: ContentEncoder, row: ArrayLike<number>, rowOffset: number, out: Float32Array, base: number): void {
  const { audio, key } = encoder.layout;
  for (let f = 0; f < CONTENT_AUDIO_FEATURES.length; f++) {
    const value = row[rowOffset + (FEATURE_POSITION[f] as number)] as number;
    if (Number.isNaN(value)) continue;
    out[base + audio.offset + f] = standardize(encoder, CONTENT_AUDIO_FEATURES[f] as ContentAudioFeature, value);
  }
  const pitch = Math.round(row[rowOffset + KEY_POSITION] as number);
  if (pitch >= 0 && pitch <= 11) {
    // circle of fifths: C and G are neighbours, C and F# are opposite
    const angle = (((pitch * 7) % 12) / 12) * 2 * Math.PI;
    out[base + key.offset] = Math.cos(angle);
    out[base + key.offset + 1] = Math.sin(angle);
  }
}

/**
 * Encodes one track into `out` at `offset` (a fresh array when `out` is omitted), L2-normalized.
 * A track with no features, genres or date encodes as all zeros.
 */
export function encodeTrackContent(encoder: ContentEncoder, track: ContentSource, out?: Float32Array, offset = 0): Float32Array {
  const target = out ?? new Float32Array(encoder.dim);
  const base = out ? offset : 0;
  if (target.length < base + encoder.dim) {
    throw new RangeError(`encodeTrackContent: output has length ${target.length}, needs at least ${base + encoder.dim}`);
  }
  target.fill(0, base, base + encoder.dim);
  if (track.features) {
    const row = new Float64Array(AUDIO_FEATURES.length);
    for (let f = 0; f < AUDIO_FEATURES.length; f++) row[f] = track.features[AUDIO_FEATURES[f] as AudioFeatureName];
    writeAudioRow(encoder, row, 0, target, base);
  }
  addTokens(target, base, encoder.layout.genre, track.genres, GENRE_SALT);
  addTokens(target, base, encoder.layout.subgenre, track.subgenres, SUBGENRE_SALT);
  const year = yearOf(track.releaseDate);
  if (year !== undefined) addYear(target, base, encoder.layout.decade, encoder.firstDecade, year);
  finish(encoder, target, base);
  return target;
}

/** Encodes many tracks into one row-major Float32Array (tracks.length × encoder.dim). */
export function encodeContentVectors(encoder: ContentEncoder, tracks: readonly ContentSource[]): Float32Array {
  const out = new Float32Array(tracks.length * encoder.dim);
  for (let t = 0; t < tracks.length; t++) encodeTrackContent(encoder, tracks[t] as ContentSource, out, t * encoder.dim);
  return out;
}

/**
 * Encodes every track of a CatalogStore straight from its columns (no Track objects):
 * trackCount × encoder.dim, row i = track index i. Same vectors as encodeTrackContent on getTrack(i).
 */
export function encodeCatalogContent(encoder: ContentEncoder, store: CatalogStore): Float32Array {
  const { dim, layout } = encoder;
  const columns = store.columns;
  const names = columns.genreNames;
  // hash each genre name once; names that normalize alike share a token id for de-duplication
  const tokenIds = new Int32Array(names.length);
  const tokenIdByName = new Map<string, number>();
  const genreHashes: (HashedToken | undefined)[] = [];
  const subgenreHashes: (HashedToken | undefined)[] = [];
  for (let g = 0; g < names.length; g++) {
    const token = spacedKey(names[g] as string);
    let id = tokenIdByName.get(token);
    if (id === undefined) {
      id = tokenIdByName.size;
      tokenIdByName.set(token, id);
    }
    tokenIds[g] = token === '' ? -1 : id;
    genreHashes.push(token === '' ? undefined : hashedToken(token, GENRE_SALT, layout.genre.length));
    subgenreHashes.push(token === '' ? undefined : hashedToken(token, SUBGENRE_SALT, layout.subgenre.length));
  }
  const seen = new Int32Array(tokenIdByName.size).fill(-1);
  const addGenres = (list: Int32Array, hashes: (HashedToken | undefined)[], block: ContentBlock, base: number, stamp: number): void => {
    for (let j = 0; j < list.length; j++) {
      const g = list[j] as number;
      const id = tokenIds[g] as number;
      if (id < 0 || seen[id] === stamp) continue;
      seen[id] = stamp;
      addHashed(out, base, block, hashes[g] as HashedToken);
    }
  };

  const trackCount = store.trackCount;
  const out = new Float32Array(trackCount * dim);
  const features = columns.trackFeatures;
  const featureCount = AUDIO_FEATURES.length;
  for (let t = 0; t < trackCount; t++) {
    const base = t * dim;
    if (columns.trackHasFeatures[t] === 1) writeAudioRow(encoder, features, t * featureCount, out, base);
    const { genres, subgenres } = store.genresOfTrack(t);
    addGenres(genres, genreHashes, layout.genre, base, t * 2);
    addGenres(subgenres, subgenreHashes, layout.subgenre, base, t * 2 + 1);
    const year = store.trackReleaseYear[t] as number;
    if (year > 0) addYear(out, base, layout.decade, encoder.firstDecade, year);
    finish(encoder, out, base);
  }
  return out;
}

/** Feature statistics of a CatalogStore's tracks, read from its feature matrix. */
export function fitCatalogFeatureStats(store: CatalogStore): ContentFeatureStats {
  const count = CONTENT_AUDIO_FEATURES.length;
  const sums = Array.from({ length: count }, () => ({ sum: [] as number[], squares: [] as number[] }));
  const features = store.columns.trackFeatures;
  const featureCount = AUDIO_FEATURES.length;
  let n = 0;
  for (let t = 0; t < store.trackCount; t++) {
    if (store.columns.trackHasFeatures[t] !== 1) continue;
    n++;
    for (let f = 0; f < count; f++) {
      const value = features[t * featureCount + (FEATURE_POSITION[f] as number)] as number;
      addExact(sums[f]!.sum, value);
      addExact(sums[f]!.squares, value * value);
    }
  }
  return statsFromPartials(sums, n);
}

/** A feature constraint: an exact target or a range (open ends are completed with the feature's natural bounds). */
export type FeatureConstraint = number | { min?: number; max?: number };

/** Attribute constraints from a prompt or a plan. */
export interface ContentQuery {
  genres?: readonly string[];
  subgenres?: readonly string[];
  features?: Partial<Record<ContentAudioFeature, FeatureConstraint>>;
  /** release years, inclusive; either end may be open */
  years?: { from?: number; to?: number };
}

function constraintTarget(feature: ContentAudioFeature, constraint: FeatureConstraint): number {
  if (typeof constraint === 'number') {
    if (!Number.isFinite(constraint)) throw new RangeError(`content query features.${feature}: expected a finite number, got ${constraint}`);
    return constraint;
  }
  const [lower, upper] = FEATURE_BOUNDS[feature];
  const min = constraint.min ?? Math.min(lower, constraint.max ?? lower);
  const max = constraint.max ?? Math.max(upper, constraint.min ?? upper);
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`content query features.${feature}: expected min <= max, got ${JSON.stringify(constraint)}`);
  }
  return (min + max) / 2;
}

/**
 * Builds a query vector in the content space: constrained features point at the middle of their
 * range, unconstrained ones stay at the catalog mean (0), so cosine similarity ranks tracks by how
 * well they match what was asked. Returns all zeros when the query constrains nothing.
 */
export function encodeContentQuery(encoder: ContentEncoder, query: ContentQuery): Float32Array {
  const out = new Float32Array(encoder.dim);
  const { audio, genre, subgenre, decade } = encoder.layout;
  for (const [name, constraint] of Object.entries(query.features ?? {})) {
    const index = (CONTENT_AUDIO_FEATURES as readonly string[]).indexOf(name);
    if (index < 0) {
      throw new RangeError(`content query features.${name}: unknown feature; expected one of ${CONTENT_AUDIO_FEATURES.join(', ')}`);
    }
    if (constraint === undefined) continue;
    const feature = name as ContentAudioFeature;
    out[audio.offset + index] = standardize(encoder, feature, constraintTarget(feature, constraint));
  }
  addTokens(out, 0, genre, query.genres, GENRE_SALT);
  addTokens(out, 0, subgenre, query.subgenres, SUBGENRE_SALT);
  if (query.years && (query.years.from !== undefined || query.years.to !== undefined)) {
    const lastYear = encoder.firstDecade + decade.length * 10 - 1;
    const requestedFrom = query.years.from ?? -Infinity;
    const requestedTo = query.years.to ?? Infinity;
    if (Number.isNaN(requestedFrom) || Number.isNaN(requestedTo) || requestedFrom > requestedTo) {
      throw new RangeError(`content query years: expected from <= to, got ${JSON.stringify(query.years)}`);
    }
    // years outside the block's decades count as its first or last decade, as in encodeTrackContent
    const clampYear = (year: number): number => Math.min(lastYear, Math.max(encoder.firstDecade, Math.floor(year)));
    const from = clampYear(requestedFrom);
    const to = clampYear(requestedTo);
    for (let year = from; year <= to; year++) addYear(out, 0, decade, encoder.firstDecade, year);
  }
  finish(encoder, out, 0);
  return out;
}
