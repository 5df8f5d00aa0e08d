// A listener's profile at request time: logged history plus live events, folded into taste
// vectors (overall + clusters), affinities, what was heard/skipped, and the daypart habits.
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import { chooseClusterCount, kmeans } from '@mixtape/embeddings';
import { EARLIEST_CLOCK_TIME, MS_PER_DAY, PROFILE_FEATURES, normalizeInPlace } from './home-index';
import type { HomeIndex } from './home-index';
import { storedClusters, storedSlot } from './listeners';
import type { StoredClusters } from './listeners';
import { daypartOfHour } from './types';
import type { Daypart, UserEvent } from './types';

const { play: PLAY, skip: SKIP, complete: COMPLETE, save: SAVE, playlist_add: PLAYLIST_ADD } = INTERACTION_TYPE_CODE;
/** Taste weight per event type (skips subtract nothing from the vector; they mark the track). */
const TASTE_WEIGHT = new Float32Array([1, 0, 1.5, 2, 1.5, 0, 0, 0]);
const HALF_LIFE_DAYS = 45;
const MAX_EVENTS = 2000;

export interface TrackHistory {
  plays: number;
  skips: number;
  saves: number;
  lastPlayed: number;
  /** plays in the requested daypart */
  daypartPlays: number;
}

export interface TasteCluster {
  centroid: Float32Array;
  weight: number;
  /** the user's own tracks in this cluster, heaviest first */
  tracks: Int32Array;
  /** top genre index of the cluster (-1 unknown) */
  genre: number;
  /** the cluster's genres, heaviest first */
  genres: Int32Array;
}

export interface UserProfile {
  userId: string;
  /** the listener's row in the bundle's log (-1: not in it) */
  logUser: number;
  /** the listener's slot in the bundle's precomputed listener state (−1: computed live) */
  listenerSlot: number;
  /** live events arrived since the bundle was built */
  hasLiveEvents: boolean;
  /** false: no logged or live history (cold start) */
  hasHistory: boolean;
  now: number;
  /** the listener's daypart (local when a UTC offset is given): their daypart plays and shelf */
  daypart: Daypart;
  /** the daypart of index.daypartShare (plays of everyone, by UTC hour) that stands for `daypart`: itself in UTC, else the one holding the middle of the listener's local daypart */
  utcDaypart: Daypart;
  /** unit taste vector (zeros without history or seeds) */
  vector: Float32Array;
  clusters: TasteCluster[];
  /** distinct played tracks, newest first */
  recent: Int32Array;
  /** distinct tracks by positive weight, heaviest first */
  topTracks: Int32Array;
  /** artist → share of positive weight (sums to 1) */
  artistShare: Map<number, number>;
  topArtists: Int32Array;
  genreShare: Map<number, number>;
  topGenres: Int32Array;
  /** genre → share among plays in the requested daypart */
  daypartGenreShare: Map<number, number>;
  tracks: Map<number, TrackHistory>;
  /** mean 0..1 audio profile (PROFILE_FEATURES), undefined without features */
  audio: Float32Array | undefined;
  seedArtists: Int32Array;
  seedGenres: Int32Array;
}

export interface ProfileOptions {
  /** live events not in the bundle's log (oldest first) */
  liveEvents?: readonly UserEvent[];
  /** reference time (default: the bundle's latest interaction) */
  now?: number;
  /** default: the daypart of `now` */
  daypart?: Daypart;
  /** minutes east of UTC (default 0): past plays fall in the listener's dayparts, at the zone's offset of now (a play from the other side of a daylight-saving change is an hour off) */
  utcOffsetMinutes?: number;
  seedArtists?: readonly number[];
  seedGenres?: readonly number[];
  /** receives the taste clusters' k-means (the listener-state build stores it) */
  onClusters?: (result: StoredClusters) => void;
}

/** Gathers the logged rows of `userId` (if any) and the live events into one profile. */
export function buildUserProfile(index: HomeIndex, userId: string, options: ProfileOptions = {}): UserProfile {
  const live = options.liveEvents ?? [];
  const now = options.now ?? index.referenceTime;
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const daypart = options.daypart ?? daypartOfHour(new Date(now + offsetMs).getUTCHours());
  const log = index.interactions;
  const logUser = log ? log.userIndex(userId) : -1;
  // the last MAX_EVENTS logged rows, then the live events, as columns (no object per event)
  const rows = log && logUser >= 0 ? log.rowsOfUser(logUser) : { start: 0, end: 0 };
  const first = Math.max(rows.start, rows.end - MAX_EVENTS);
  const events = eventColumns(index, rows.end - first + live.length);
  if (log) {
    const c = log.columns;
    for (let i = first; i < rows.end; i++) events.push(c.track[i]!, c.timestamp[i]!, c.type[i]!, c.count[i]!);
  }
  for (const event of live) events.push(event.track, event.timestamp, event.type, event.count ?? 1);
  const liveEvents = live.length;
  const listenerSlot = storedSlot(index, logUser, { liveEvents, seeds: (options.seedArtists?.length ?? 0) + (options.seedGenres?.length ?? 0), now });
  return profileFromColumns(index, userId, events, {
    now,
    daypart,
    ...(offsetMs !== 0 ? { utcOffsetMinutes: options.utcOffsetMinutes } : {}),
    seedArtists: options.seedArtists,
    seedGenres: options.seedGenres,
    logUser,
    hasLiveEvents: liveEvents > 0,
    listenerSlot,
    onClusters: options.onClusters,
  });
}

/**
 * A listener's events as parallel columns in a per-bundle scratch (a profile is built
 * synchronously, so one set serves every request). `count` holds the event's count, 1 when it has
 * none (the value every use of a missing count reads as).
 */
class EventColumns {
  size = 0;
  track = new Int32Array(0);
  timestamp = new Float64Array(0);
  type = new Uint8Array(0);
  count = new Float64Array(0);
  reset(capacity: number): this {
    if (this.track.length < capacity) {
      const grown = Math.max(capacity, 2 * this.track.length, 256);
      this.track = new Int32Array(grown);
      this.timestamp = new Float64Array(grown);
      this.type = new Uint8Array(grown);
      this.count = new Float64Array(grown);
    }
    this.size = 0;
    return this;
  }
  push(track: number, timestamp: number, type: number, count: number): void {
    const i = this.size++;
    this.track[i] = track;
    this.timestamp[i] = timestamp;
    this.type[i] = type;
    this.count[i] = count;
  }
}
const eventScratch = new WeakMap<HomeIndex, EventColumns>();
function eventColumns(index: HomeIndex, capacity: number): EventColumns {
  let columns = eventScratch.get(index);
  if (!columns) eventScratch.set(index, (columns = new EventColumns()));
  return columns.reset(capacity);
}

type ProfileBuildOptions = {
  now: number;
  daypart: Daypart;
  /** minutes east of UTC: the daypart of each past play (default 0) */
  utcOffsetMinutes?: number;
  seedArtists?: readonly number[];
  seedGenres?: readonly number[];
  logUser?: number;
  hasLiveEvents?: boolean;
  /** a slot of index.listeners whose stored clusters are this listener's (−1 / absent: k-means runs) */
  listenerSlot?: number;
  onClusters?: (result: StoredClusters) => void;
};

/** A profile from a list of events (oldest first); buildUserProfile reads the log's rows without making event objects. */
export function profileFromEvents(index: HomeIndex, userId: string, events: readonly UserEvent[], options: ProfileBuildOptions): UserProfile {
  const columns = eventColumns(index, events.length);
  for (const event of events) columns.push(event.track, event.timestamp, event.type, event.count ?? 1);
  return profileFromColumns(index, userId, columns, options);
}

function profileFromColumns(index: HomeIndex, userId: string, events: EventColumns, options: ProfileBuildOptions): UserProfile {
  const { store, itemVectors, itemDim } = index;
  const { now, daypart } = options;
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const tracks = new Map<number, TrackHistory>();
  const positive = new Map<number, number>();
  const artistWeight = new Map<number, number>();
  const genreWeight = new Map<number, number>();
  const daypartGenre = new Map<number, number>();
  const vector = new Float32Array(itemDim);
  const audioSum = new Float64Array(PROFILE_FEATURES.length);
  let audioWeight = 0;
  // Ages count from the listener's newest event, not from `now`: every use of the weights below
  // is a share or a direction (so a common factor changes nothing), and a log without times
  // (Last.fm play counts at 0, decades before `now`) would otherwise underflow every weight to 0
  // in Float32 — no taste vector, no cluster weights. Undated events (before EARLIEST_CLOCK_TIME)
  // do not age at all: one live play must not make a whole playlist history "56 years old".
  const size = events.size;
  const { track: eventTrack, timestamp: eventTime, type: eventType, count: eventCount } = events;
  let newest = -Infinity;
  for (let e = 0; e < size; e++) if (eventTime[e]! > newest) newest = eventTime[e]!;

  for (let e = 0; e < size; e++) {
    const t = eventTrack[e]!;
    const type = eventType[e]!;
    const timestamp = eventTime[e]!;
    const count = eventCount[e]!;
    let history = tracks.get(t);
    if (!history) tracks.set(t, (history = { plays: 0, skips: 0, saves: 0, lastPlayed: 0, daypartPlays: 0 }));
    if (type === SKIP) {
      history.skips++;
      continue;
    }
    if (type === SAVE) history.saves++;
    if (type === PLAY || type === COMPLETE || type === PLAYLIST_ADD || type === SAVE) {
      if (type !== SAVE && type !== PLAYLIST_ADD) history.plays += count;
      history.lastPlayed = Math.max(history.lastPlayed, timestamp);
    }
    const ageDays = timestamp < EARLIEST_CLOCK_TIME ? 0 : Math.max(0, (newest - timestamp) / MS_PER_DAY);
    // aggregated rows (play counts) weigh in logarithmically
    const multiplicity = count > 1 ? 1 + Math.log(count) : 1;
    const weight = multiplicity * TASTE_WEIGHT[type]! * 0.5 ** (ageDays / HALF_LIFE_DAYS);
    if (weight <= 0) continue;
    positive.set(t, (positive.get(t) ?? 0) + weight);
    const row = t * itemDim;
    for (let d = 0; d < itemDim; d++) vector[d]! += weight * itemVectors[row + d]!;
    const artists = store.artistsOfTrack(t);
    for (let j = 0; j < artists.length; j++) artistWeight.set(artists[j]!, (artistWeight.get(artists[j]!) ?? 0) + weight / artists.length);
    // only a dated play has a daypart: on a log without clock times (Last.fm counts at 0, an import
    // at one moment) every play would fall in one daypart and make "Your night favourites" of it all
    const dated = timestamp >= EARLIEST_CLOCK_TIME && (index.timed || timestamp > index.referenceTime);
    const inDaypart = dated && daypartOfHour(utcHour(timestamp + offsetMs)) === daypart;
    if (inDaypart) history.daypartPlays++;
    forEachGenre(index, t, (genre) => {
      genreWeight.set(genre, (genreWeight.get(genre) ?? 0) + weight);
      if (inDaypart) daypartGenre.set(genre, (daypartGenre.get(genre) ?? 0) + 1);
    });
    const audioBase = t * PROFILE_FEATURES.length;
    if (!Number.isNaN(index.audio[audioBase])) {
      for (let f = 0; f < PROFILE_FEATURES.length; f++) audioSum[f]! += weight * index.audio[audioBase + f]!;
      audioWeight += weight;
    }
  }

  const seedArtists = Int32Array.from(options.seedArtists ?? []);
  const seedGenres = Int32Array.from(options.seedGenres ?? []);
  // Onboarding seeds steer the taste vector of a listener with little or no history.
  for (const artist of seedArtists) {
    const base = artist * itemDim;
    for (let d = 0; d < itemDim; d++) vector[d]! += index.artistVectors[base + d]!;
    artistWeight.set(artist, (artistWeight.get(artist) ?? 0) + 1);
  }
  for (const genre of seedGenres) genreWeight.set(genre, (genreWeight.get(genre) ?? 0) + 1);
  normalizeInPlace(vector, 0, itemDim);

  const recent: number[] = [];
  for (let i = size - 1; i >= 0 && recent.length < 50; i--) {
    if (eventType[i] === SKIP || recent.includes(eventTrack[i]!)) continue;
    recent.push(eventTrack[i]!);
  }
  const topTracks = keysByValue(positive);
  const artistShare = shares(artistWeight);
  const genreShare = shares(genreWeight);
  const listenerSlot = index.listeners && options.listenerSlot !== undefined ? options.listenerSlot : -1;
  const stored = listenerSlot >= 0 ? storedClusters(index.listeners!, listenerSlot) : undefined;
  return {
    userId,
    logUser: options.logUser ?? -1,
    listenerSlot,
    hasLiveEvents: options.hasLiveEvents ?? size > 0,
    hasHistory: positive.size > 0,
    now,
    daypart,
    utcDaypart: utcDaypartOf(daypart, options.utcOffsetMinutes ?? 0),
    vector,
    clusters: tasteClusters(index, topTracks.subarray(0, 300), positive, stored, options.onClusters),
    recent: Int32Array.from(recent),
    topTracks,
    artistShare,
    topArtists: keysByValue(artistWeight),
    genreShare,
    topGenres: keysByValue(genreWeight),
    daypartGenreShare: shares(daypartGenre),
    tracks,
    audio: audioWeight > 0 ? Float32Array.from(audioSum, (sum) => sum / audioWeight) : undefined,
    seedArtists,
    seedGenres,
  };
}

// the middle of each daypart in minutes after midnight (daypartOfHour's hours; night 22–05 → 01:30)
const DAYPART_MIDDLE: Record<Daypart, number> = { morning: 8 * 60 + 30, afternoon: 14 * 60 + 30, evening: 19 * 60 + 30, night: 90 };

/** The UTC daypart holding the middle of the local `daypart` (so the one overlapping most of it): a function of the page key's daypart and offset, not of the request instant, so a kept page and an explicit `daypart=` read the same column. */
function utcDaypartOf(daypart: Daypart, utcOffsetMinutes: number): Daypart {
  if (utcOffsetMinutes === 0) return daypart;
  const minutes = (((DAYPART_MIDDLE[daypart] - utcOffsetMinutes) % 1440) + 1440) % 1440;
  return daypartOfHour(Math.floor(minutes / 60));
}

/** `new Date(ms).getUTCHours()` without a Date per event (the time value is truncated, then floored to hours, as Date does). */
function utcHour(ms: number): number {
  return (((Math.floor(Math.trunc(ms) / 3_600_000) % 24) + 24) % 24) + 0;
}

/** Spherical k-means over the user's heaviest tracks (2–3 clusters when the history allows). */
function tasteClusters(index: HomeIndex, tracks: Int32Array, weightOf: Map<number, number>, stored?: StoredClusters, onClusters?: (result: StoredClusters) => void): TasteCluster[] {
  const count = chooseClusterCount(tracks.length, 3, 8);
  if (count === 0) {
    onClusters?.({ k: 0, centroids: new Float32Array(0), assignments: new Int32Array(0) });
    return [];
  }
  const dim = index.itemDim;
  const weights = new Float32Array(tracks.length);
  for (let i = 0; i < tracks.length; i++) weights[i] = weightOf.get(tracks[i]!) ?? 0;
  let result: StoredClusters;
  if (stored && stored.assignments.length === tracks.length) result = stored;
  else {
    const points = new Float32Array(tracks.length * dim);
    for (let i = 0; i < tracks.length; i++) points.set(index.itemVectors.subarray(tracks[i]! * dim, (tracks[i]! + 1) * dim), i * dim);
    result = kmeans(points, tracks.length, dim, { k: count, seed: 1, weights, spherical: true, maxIterations: 10 });
  }
  onClusters?.(result);
  const clusters: TasteCluster[] = [];
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  for (let c = 0; c < result.k; c++) {
    const members: number[] = [];
    let weight = 0;
    const genres = new Map<number, number>();
    for (let i = 0; i < tracks.length; i++) {
      if (result.assignments[i] !== c) continue;
      members.push(tracks[i]!);
      weight += weights[i]!;
      forEachGenre(index, tracks[i]!, (genre) => genres.set(genre, (genres.get(genre) ?? 0) + weights[i]!));
    }
    if (members.length === 0) continue;
    clusters.push({
      centroid: result.centroids.slice(c * dim, (c + 1) * dim),
      weight: total > 0 ? weight / total : 0,
      tracks: Int32Array.from(members),
      genre: keysByValue(genres)[0] ?? -1,
      genres: keysByValue(genres),
    });
  }
  return clusters.sort((a, b) => b.weight - a.weight);
}

/** Visits the track's genres, then subgenres (its artist's genres when the track has none) — read from the catalog's columns in place (no views per call: pages call this per event and per candidate). */
export function forEachGenre(index: HomeIndex, track: number, visit: (genre: number) => void): void {
  const { store } = index;
  const c = store.columns;
  const g0 = c.trackGenreOffsets[track]!;
  const g1 = c.trackGenreOffsets[track + 1]!;
  const s0 = c.trackSubgenreOffsets[track]!;
  const s1 = c.trackSubgenreOffsets[track + 1]!;
  if (g1 === g0 && s1 === s0) {
    const artist = store.trackPrimaryArtist[track]!;
    const end = c.artistGenreOffsets[artist + 1]!;
    for (let p = c.artistGenreOffsets[artist]!; p < end; p++) visit(c.artistGenres[p]!);
    return;
  }
  for (let p = g0; p < g1; p++) visit(c.trackGenres[p]!);
  for (let p = s0; p < s1; p++) visit(c.trackSubgenres[p]!);
}

function keysByValue(map: Map<number, number>): Int32Array {
  return Int32Array.from([...map.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]), (entry) => entry[0]);
}

function shares(map: Map<number, number>): Map<number, number> {
  let total = 0;
  for (const value of map.values()) total += value;
  const out = new Map<number, number>();
  if (total > 0) for (const [key, value] of map) out.set(key, value / total);
  return out;
}
