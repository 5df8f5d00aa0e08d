// Ranking features per (listener, candidate): every source score, taste similarity, artist and
// genre affinity, popularity, freshness, novelty, audio distance and time-of-day fit.
import { MS_PER_DAY, PROFILE_FEATURES, dotRow } from './home-index';
import type { HomeIndex } from './home-index';
import type { CandidateSet } from './candidates';
import { forEachGenre } from './profile';
import type { UserProfile } from './profile';
import { DAYPARTS, HOME_SOURCES, SOURCE_COUNT } from './types';

export const HOME_FEATURES = [
  ...HOME_SOURCES.map((source) => `source_${source}`),
  // 1/(1+rank) within each source: robust to each source's score scale and skew
  ...HOME_SOURCES.map((source) => `rank_${source}`),
  'source_count',
  'user_similarity',
  'cluster_similarity',
  'artist_affinity',
  'genre_affinity',
  'popularity',
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
] as const;
export const HOME_FEATURE_COUNT = HOME_FEATURES.length;

/** n × HOME_FEATURE_COUNT, row-major, rows in candidate order. */
export function computeFeatures(index: HomeIndex, profile: UserProfile, candidates: CandidateSet): Float32Array {
  const F = HOME_FEATURE_COUNT;
  const n = candidates.size;
  const out = new Float32Array(n * F);
  const dim = index.itemDim;
  const hour = new Date(profile.now).getUTCHours();
  const hourSin = Math.sin((2 * Math.PI * hour) / 24);
  const hourCos = Math.cos((2 * Math.PI * hour) / 24);
  const daypart = DAYPARTS.indexOf(profile.daypart);
  const audioWidth = PROFILE_FEATURES.length;
  const reciprocalRanks = sourceRanks(candidates);
  for (let r = 0; r < n; r++) {
    const track = candidates.tracks[r]!;
    const base = r * F;
    let sources = 0;
    for (let s = 0; s < SOURCE_COUNT; s++) {
      out[base + s] = candidates.scores[r * SOURCE_COUNT + s]!;
      if (candidates.sourceMask[r]! & (1 << s)) sources++;
    }
    for (let s = 0; s < SOURCE_COUNT; s++) out[base + SOURCE_COUNT + s] = reciprocalRanks[r * SOURCE_COUNT + s]!;
    let f = 2 * SOURCE_COUNT;
    out[base + f++] = sources;
    out[base + f++] = dotRow(index.itemVectors, track, profile.vector, dim);
    let clusterSimilarity = 0;
    for (const cluster of profile.clusters) clusterSimilarity = Math.max(clusterSimilarity, dotRow(index.itemVectors, track, cluster.centroid, dim));
    out[base + f++] = clusterSimilarity;
    const artists = index.store.artistsOfTrack(track);
    let artistAffinity = 0;
    for (let j = 0; j < artists.length; j++) artistAffinity = Math.max(artistAffinity, profile.artistShare.get(artists[j]!) ?? 0);
    out[base + f++] = Math.sqrt(artistAffinity);
    let genreAffinity = 0;
    let daypartGenre = 0;
    forEachGenre(index, track, (genre) => {
      genreAffinity = Math.max(genreAffinity, profile.genreShare.get(genre) ?? 0);
      daypartGenre = Math.max(daypartGenre, profile.daypartGenreShare.get(genre) ?? 0);
    });
    out[base + f++] = Math.sqrt(genreAffinity);
    out[base + f++] = index.popularity[track]!;
    const releaseDay = index.store.releaseDay(track);
    out[base + f++] = releaseDay === undefined ? 0 : Math.exp(-Math.max(0, index.referenceDay - releaseDay) / 60);
    const history = profile.tracks.get(track);
    out[base + f++] = history && history.plays > 0 ? 0 : 1;
    out[base + f++] = history ? Math.log1p(history.plays) : 0;
    out[base + f++] = history ? history.skips / (history.skips + history.plays + 1) : 0;
    out[base + f++] = audioDistance(index, profile, track, audioWidth);
    out[base + f++] = daypartGenre;
    out[base + f++] = index.daypartShare[track * DAYPARTS.length + daypart]!;
    out[base + f++] = history && history.lastPlayed > 0 ? Math.exp(-Math.max(0, profile.now - history.lastPlayed) / (14 * MS_PER_DAY)) : 0;
    out[base + f++] = hourSin;
    out[base + f++] = hourCos;
  }
  return out;
}

/** n × SOURCE_COUNT: 1/(1 + rank of the row among the rows the source contributed), 0 when absent. */
function sourceRanks(candidates: CandidateSet): Float32Array {
  const n = candidates.size;
  const out = new Float32Array(n * SOURCE_COUNT);
  const rows: number[] = [];
  for (let s = 0; s < SOURCE_COUNT; s++) {
    rows.length = 0;
    for (let r = 0; r < n; r++) if (candidates.sourceMask[r]! & (1 << s)) rows.push(r);
    rows.sort((a, b) => candidates.scores[b * SOURCE_COUNT + s]! - candidates.scores[a * SOURCE_COUNT + s]! || a - b);
    rows.forEach((r, rank) => (out[r * SOURCE_COUNT + s] = 1 / (1 + rank)));
  }
  return out;
}

/** Euclidean distance between the track's audio and the listener's mean (0.5 when unknown). */
function audioDistance(index: HomeIndex, profile: UserProfile, track: number, width: number): number {
  const base = track * width;
  if (!profile.audio || Number.isNaN(index.audio[base])) return 0.5;
  let sum = 0;
  for (let f = 0; f < width; f++) sum += (index.audio[base + f]! - profile.audio[f]!) ** 2;
  return Math.sqrt(sum / width);
}
