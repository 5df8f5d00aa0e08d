// The synthetic generator: a realistic, deterministic (same seed → same bytes) catalog and
// listening log, plus the ground-truth taste it was sampled from.
import { CatalogBuilder } from '../catalog-columns';
import { CatalogStore } from '../catalog-store';
import type { InteractionLog} from '../interactions';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { AUDIO_FEATURES } from '../model';
import { ProgressTracker } from '@mixtape/base';
import type { ProgressCallback } from '@mixtape/base';
import { parseReleaseDate, formatReleaseDate, DATE_PRECISION_DAY } from '../dates';
import { GrowableArray } from '../internal/growable';
import { Random, WeightedSampler } from '@mixtape/base';
import { GENRES } from './taxonomy';
import { artistName, title } from './names';

export interface SyntheticOptions {
  /** default 42 */
  seed?: number;
  /** default 50,000 */
  tracks?: number;
  /** default tracks / 10 */
  artists?: number;
  /** default 10,000 */
  users?: number;
  /** total events; default 200 per user (2M at the default size) */
  interactions?: number;
  /** the dataset's "today" (YYYY-MM-DD): listening ends here and "new releases" are relative to it. Default 2026-11-01. */
  referenceDate?: string;
  /** days of listening history before the reference date (default 180) */
  historyDays?: number;
  onProgress?: ProgressCallback;
}

export const SYNTHETIC_DEFAULTS = {
  seed: 42,
  tracks: 50_000,
  users: 10_000,
  interactionsPerUser: 200,
  referenceDate: '2026-11-01',
  historyDays: 180,
} as const;

/**
 * What each synthetic user was sampled from, for evaluation. Genre weights are a row-major
 * users × genres matrix over `genreNames` (the top-level genres); loved artists are CSR.
 */
export interface GroundTruthTaste {
  genreNames: string[];
  genreWeights: Float32Array;
  /** 0 = long tail, 1 = chart listener: probability of popularity-weighted discovery */
  mainstream: Float32Array;
  preferredEnergy: Float32Array;
  peakHour: Uint8Array;
  /** genre (index into genreNames) boosted before noon / after 18:00 */
  morningGenre: Int16Array;
  eveningGenre: Int16Array;
  lovedArtistOffsets: Uint32Array;
  lovedArtists: Int32Array;
}

/**
 * The sequential structure the sessions were generated with, per event (aligned with the
 * InteractionLog's rows): how each track was chosen and the session genre at that moment.
 * Order-free models cannot use it; sequence models should.
 */
export interface GroundTruthSequence {
  /** per event: SEQUENCE_TRANSITIONS code of how the track was chosen */
  transition: Uint8Array;
  /** per event: the session's genre (index into GroundTruthTaste.genreNames) when it was chosen */
  sessionGenre: Int16Array;
}

/** How a session's next track was chosen (codes of GroundTruthSequence.transition). */
export const SEQUENCE_TRANSITIONS = {
  /** first track of a session */
  sessionStart: 0,
  /** the next track of the album being played, in album order */
  albumNext: 1,
  /** first track of an album (an album run begins) */
  albumStart: 2,
  /** another track by the previous track's artist */
  artistRun: 3,
  /** a new artist from the session genre (loved artists 40%), smooth energy */
  discovery: 4,
  /** a save or playlist_add of the track just played (not a new choice) */
  repeatEvent: 5,
} as const;

/** Probabilities of the session model (recorded in snapshot details). */
export const SEQUENCE_MODEL = {
  /** in an album run, the next album track follows with this probability (until the album ends) */
  albumContinue: 0.85,
  /** otherwise: start an album from its first track */
  albumStart: 0.1,
  /** otherwise: another track by the same artist, not yet played in this session */
  artistRun: 0.17,
  /** after every choice outside an album run, the session genre drifts to its successor */
  genreDrift: 0.15,
  /** a session opens with an album from its first track */
  sessionAlbumStart: 0.2,
} as const;

export interface SyntheticDataset {
  store: CatalogStore;
  interactions: InteractionLog;
  taste: GroundTruthTaste;
  sequence: GroundTruthSequence;
  /** resolved options, recorded in snapshot metadata */
  details: {
    generator: 'mixtape-synthetic';
    seed: number;
    tracks: number;
    artists: number;
    users: number;
    interactions: number;
    referenceDate: string;
    historyDays: number;
    newReleaseWindowDays: number;
    /** the session model's probabilities and each genre's drift successor */
    sequence: typeof SEQUENCE_MODEL & { driftTo: Record<string, string> };
  };
}

const DAY_MS = 86_400_000;
const NEW_RELEASE_WINDOW_DAYS = 30;
const CONTEXTS = ['home', 'search', 'radio', 'playlist', 'album', 'artist'] as const;

interface ArtistTraits {
  genre: Int16Array;
  secondaryGenre: Int16Array;
  subgenre: Int16Array;
  popularity: Float64Array;
  careerStartDay: Int32Array;
  offsets: Float32Array; // 4 per artist: danceability, energy, valence, tempo
}

export function generateSynthetic(options: SyntheticOptions = {}): SyntheticDataset {
  const seed = options.seed ?? SYNTHETIC_DEFAULTS.seed;
  const trackTotal = positiveInt(options.tracks ?? SYNTHETIC_DEFAULTS.tracks, 'tracks');
  const artistTotal = positiveInt(options.artists ?? Math.max(1, Math.round(trackTotal / 10)), 'artists');
  const userTotal = positiveInt(options.users ?? SYNTHETIC_DEFAULTS.users, 'users');
  const interactionTotal = positiveInt(options.interactions ?? userTotal * SYNTHETIC_DEFAULTS.interactionsPerUser, 'interactions');
  const referenceDate = options.referenceDate ?? SYNTHETIC_DEFAULTS.referenceDate;
  const reference = parseReleaseDate(referenceDate);
  if (!reference || reference.precision !== DATE_PRECISION_DAY)
    throw new RangeError(`referenceDate "${referenceDate}": expected YYYY-MM-DD`);
  const historyDays = positiveInt(options.historyDays ?? SYNTHETIC_DEFAULTS.historyDays, 'historyDays');

  const random = new Random(seed);
  const { store, artists } = generateCatalog(random, trackTotal, artistTotal, reference.day, options.onProgress);
  const { interactions, taste, sequence } = generateListening(random, store, artists, userTotal, interactionTotal, reference.day, historyDays, options.onProgress);
  return {
    store,
    interactions,
    taste,
    sequence,
    details: {
      generator: 'mixtape-synthetic',
      seed,
      tracks: trackTotal,
      artists: artistTotal,
      users: userTotal,
      interactions: interactionTotal,
      referenceDate,
      historyDays,
      newReleaseWindowDays: NEW_RELEASE_WINDOW_DAYS,
      sequence: { ...SEQUENCE_MODEL, driftTo: Object.fromEntries(GENRES.map((genre, g) => [genre.name, GENRES[GENRE_DRIFT[g]!]!.name])) },
    },
  };
}

/**
 * Genre drift inside a session: each genre's successor (index into GENRES). Neighbouring
 * styles, so that a long session wanders pop → r&b → hip hop …, away from the listener's mix.
 */
const GENRE_DRIFT: readonly number[] = (() => {
  const next: Record<string, string> = {
    pop: 'r&b', rock: 'indie', 'hip hop': 'r&b', 'r&b': 'hip hop', edm: 'pop', latin: 'reggae', indie: 'folk',
    jazz: 'ambient', classical: 'ambient', country: 'folk', metal: 'rock', ambient: 'jazz', folk: 'country', reggae: 'latin',
  };
  return GENRES.map((genre) => GENRES.findIndex((other) => other.name === next[genre.name]));
})();

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

const clamp01 = (value: number): number => (value < 0 ? 0 : value > 1 ? 1 : value);
const clamp = (value: number, low: number, high: number): number => (value < low ? low : value > high ? high : value);

function generateCatalog(random: Random, trackTotal: number, artistTotal: number, referenceDay: number, onProgress?: ProgressCallback): { store: CatalogStore; artists: ArtistTraits } {
  const genreSampler = new WeightedSampler(GENRES.map((genre) => genre.weight));
  const artists: ArtistTraits = {
    genre: new Int16Array(artistTotal),
    secondaryGenre: new Int16Array(artistTotal).fill(-1),
    subgenre: new Int16Array(artistTotal),
    popularity: new Float64Array(artistTotal),
    careerStartDay: new Int32Array(artistTotal),
    offsets: new Float32Array(artistTotal * 4),
  };
  const builder = new CatalogBuilder({ validate: false, expectedTracks: trackTotal });
  const progress = new ProgressTracker('generate catalog', 'tracks', trackTotal, onProgress);

  for (let a = 0; a < artistTotal; a++) {
    const genre = genreSampler.sample(random);
    const profile = GENRES[genre]!;
    const subgenre = random.int(profile.subgenres.length);
    artists.genre[a] = genre;
    artists.subgenre[a] = subgenre;
    const genres = [profile.subgenres[subgenre]!, profile.name];
    if (random.chance(0.3)) {
      let secondary = genreSampler.sample(random);
      if (secondary === genre) secondary = (secondary + 1) % GENRES.length;
      artists.secondaryGenre[a] = secondary;
      genres.push(random.pick(GENRES[secondary]!.subgenres));
    }
    artists.popularity[a] = random.pareto(1.1); // power law: a few stars, a long tail
    // careers mostly recent, some going back decades
    artists.careerStartDay[a] = referenceDay - Math.floor(365 * (1 + 45 * random.beta(1.1, 3)));
    artists.offsets[a * 4] = random.normal(0, 0.06);
    artists.offsets[a * 4 + 1] = random.normal(0, 0.07);
    artists.offsets[a * 4 + 2] = random.normal(0, 0.08);
    artists.offsets[a * 4 + 3] = random.normal(0, 8);
    builder.addArtist({ id: `artist-${a}`, name: artistName(random), genres });
  }

  // tracks per artist follow popularity (prolific stars, one-single artists), exact total
  const quota = allocate(
    Float64Array.from(artists.popularity, (p) => 0.6 + Math.pow(p, 0.6)),
    trackTotal,
    1,
  );

  const latent = new Float64Array(trackTotal);
  let trackIndex = 0;
  let albumIndex = 0;
  for (let a = 0; a < artistTotal; a++) {
    let remaining = quota[a]!;
    const artistId = `artist-${a}`;
    while (remaining > 0) {
      const kind = random.next();
      const size = Math.min(remaining, kind < 0.35 ? 1 : kind < 0.6 ? 4 + random.int(3) : 8 + random.int(7));
      remaining -= size;
      const albumGenre = artists.secondaryGenre[a]! >= 0 && random.chance(0.2) ? artists.secondaryGenre[a]! : artists.genre[a]!;
      const profile = GENRES[albumGenre]!;
      const subgenre = albumGenre === artists.genre[a] ? profile.subgenres[artists.subgenre[a]!]! : random.pick(profile.subgenres);
      // ~4% of releases land in the last 30 days before the reference date
      const releaseDay = random.chance(0.04)
        ? referenceDay - random.int(NEW_RELEASE_WINDOW_DAYS)
        : artists.careerStartDay[a]! + Math.floor((referenceDay - NEW_RELEASE_WINDOW_DAYS - artists.careerStartDay[a]!) * Math.sqrt(random.next()));
      const releaseDate = formatReleaseDate(releaseDay, DATE_PRECISION_DAY)!;
      const albumId = `album-${albumIndex++}`;
      const albumTitle = size > 1 && random.chance(0.05) ? builder.artistName(a) : title(random); // some self-titled
      builder.addAlbum({ id: albumId, title: albumTitle, artistId, releaseDate });
      const ageYears = (referenceDay - releaseDay) / 365;
      const recencyBoost = 1 + 2 / (1 + ageYears);
      for (let position = 0; position < size; position++) {
        const features = trackFeatures(random, profile, artists.offsets, a);
        const trackTitle = size === 1 ? albumTitle : title(random); // a single is named after its track
        const coArtist = random.chance(0.08) && artistTotal > 1 ? (a + 1 + random.int(artistTotal - 1)) % artistTotal : -1;
        builder.addTrack({
          id: `track-${trackIndex}`,
          title: coArtist >= 0 ? `${trackTitle} (feat. ${builder.artistName(coArtist)})` : trackTitle,
          artistIds: coArtist >= 0 ? [artistId, `artist-${coArtist}`] : [artistId],
          albumId,
          durationMs: Math.round(clamp(profile.durationSeconds * Math.exp(random.normal(0, 0.2)), 60, 900) * 1000),
          explicit: random.chance(profile.explicit),
          popularity: 0, // set below, once every latent score is known
          releaseDate,
          genres: [profile.name],
          subgenres: [subgenre],
          features,
        });
        latent[trackIndex] = artists.popularity[a]! * recencyBoost * Math.exp(random.normal(0, 0.6)) / (1 + 0.15 * position);
        trackIndex++;
        progress.update(trackIndex);
      }
    }
  }
  progress.finish(trackIndex);
  const columns = builder.build();
  // Spotify-style 0..100 popularity: log of the latent score, scaled to the observed range
  let minLog = Infinity;
  let maxLog = -Infinity;
  for (let i = 0; i < trackTotal; i++) {
    const value = Math.log(latent[i]!);
    if (value < minLog) minLog = value;
    if (value > maxLog) maxLog = value;
  }
  const span = maxLog - minLog || 1;
  for (let i = 0; i < trackTotal; i++) columns.trackPopularity[i] = Math.round((100 * (Math.log(latent[i]!) - minLog)) / span);
  return { store: new CatalogStore(columns), artists };
}

function trackFeatures(random: Random, profile: (typeof GENRES)[number], offsets: Float32Array, artist: number) {
  const energy = clamp01(profile.energy + offsets[artist * 4 + 1]! + random.normal(0, 0.12));
  const lift = energy - profile.energy;
  const features = {
    danceability: clamp01(profile.danceability + offsets[artist * 4]! + random.normal(0, 0.1)),
    energy,
    valence: clamp01(profile.valence + offsets[artist * 4 + 2]! + 0.3 * lift + random.normal(0, 0.15)),
    tempo: clamp(profile.tempo + offsets[artist * 4 + 3]! + random.normal(0, 16), 50, 210),
    acousticness: clamp01(profile.acousticness - 0.4 * lift + random.normal(0, 0.12)),
    instrumentalness: random.chance(profile.instrumentalness) ? random.range(0.5, 0.98) : clamp01(Math.abs(random.normal(0, 0.02))),
    speechiness: clamp01(profile.speechiness * Math.exp(random.normal(0, 0.4))),
    liveness: clamp01(profile.liveness * Math.exp(random.normal(0, 0.4))),
    loudness: clamp(-21 + 17 * energy + random.normal(0, 1.8), -60, 0),
    key: random.int(12),
    mode: random.chance(profile.major) ? (1 as const) : (0 as const),
  };
  return features;
}

/** Splits `total` into integer shares proportional to weights, each at least `minimum` when possible. */
function allocate(weights: Float64Array, total: number, minimum: number): Int32Array {
  const n = weights.length;
  const result = new Int32Array(n);
  const base = Math.min(minimum, Math.floor(total / n));
  let rest = total - base * n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i]!;
  const fractions = new Float64Array(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const exact = (rest * weights[i]!) / sum;
    const whole = Math.floor(exact);
    result[i] = base + whole;
    fractions[i] = exact - whole;
    assigned += whole;
  }
  rest -= assigned;
  // hand out what rounding left over, largest fractions first (deterministic tie-break by index)
  const order = Int32Array.from(fractions.keys()).sort((x, y) => fractions[y]! - fractions[x]! || x - y);
  for (let k = 0; k < rest; k++) result[order[k % n]!]!++;
  return result;
}

function generateListening(
  random: Random,
  store: CatalogStore,
  artists: ArtistTraits,
  userTotal: number,
  interactionTotal: number,
  referenceDay: number,
  historyDays: number,
  onProgress?: ProgressCallback,
): { interactions: InteractionLog; taste: GroundTruthTaste; sequence: GroundTruthSequence } {
  const genreCount = GENRES.length;
  const artistTotal = store.artistCount;
  const energyOffset = AUDIO_FEATURES.indexOf('energy');
  const features = store.featureMatrix;
  const stride = AUDIO_FEATURES.length;

  // discovery tables per genre: popularity-weighted (mainstream) and uniform (long tail)
  const genreArtistLists: Int32Array[] = [];
  const genrePopularSamplers: WeightedSampler[] = [];
  const genreTailSamplers: WeightedSampler[] = [];
  for (let g = 0; g < genreCount; g++) {
    const members = new GrowableArray(Int32Array);
    for (let a = 0; a < artistTotal; a++) if (artists.genre[a] === g || artists.secondaryGenre[a] === g) members.push(a);
    const list = members.toArray();
    genreArtistLists.push(list);
    genrePopularSamplers.push(new WeightedSampler(Float64Array.from(list, (a) => artists.popularity[a]! * (artists.genre[a] === g ? 1 : 0.3))));
    // the long tail is flatter but not uniform: even niche listeners find semi-known artists first
    genreTailSamplers.push(new WeightedSampler(Float64Array.from(list, (a) => Math.pow(artists.popularity[a]!, 0.4))));
  }
  const genreSampler = new WeightedSampler(GENRES.map((genre) => genre.weight));

  const taste: GroundTruthTaste = {
    genreNames: GENRES.map((genre) => genre.name),
    genreWeights: new Float32Array(userTotal * genreCount),
    mainstream: new Float32Array(userTotal),
    preferredEnergy: new Float32Array(userTotal),
    peakHour: new Uint8Array(userTotal),
    morningGenre: new Int16Array(userTotal),
    eveningGenre: new Int16Array(userTotal),
    lovedArtistOffsets: new Uint32Array(userTotal + 1),
    lovedArtists: new Int32Array(0),
  };
  const loved = new GrowableArray(Int32Array, userTotal * 30);

  const activity = new Float64Array(userTotal);
  for (let u = 0; u < userTotal; u++) activity[u] = Math.exp(random.normal(0, 1));
  const quotas = allocate(activity, interactionTotal, Math.min(5, Math.floor(interactionTotal / userTotal)));

  const log = new InteractionLogBuilder(interactionTotal);
  for (let u = 0; u < userTotal; u++) log.userIndex(`user-${u}`);
  const contextCodes = CONTEXTS.map((context) => log.contextIndex(context));
  const [HOME, SEARCH, RADIO, PLAYLIST, ALBUM, ARTIST] = contextCodes as [number, number, number, number, number, number];

  const progress = new ProgressTracker('generate interactions', 'events', interactionTotal, onProgress);
  const historyStartMs = (referenceDay - historyDays) * DAY_MS;
  const weights = new Float64Array(genreCount);
  const lovedSet = new Set<number>();
  const saved = new Set<number>();
  const sessionPlayed = new Set<number>();
  const transitions = new GrowableArray(Uint8Array, interactionTotal);
  const sessionGenres = new GrowableArray(Int16Array, interactionTotal);
  // albums of each artist with at least 3 tracks (album runs need an order to follow)
  const albumOffsets = new Int32Array(artistTotal + 1);
  for (let al = 0; al < store.albumCount; al++) if (store.tracksByAlbum(al).length >= 3) albumOffsets[store.columns.albumArtist[al]! + 1]!++;
  for (let a = 0; a < artistTotal; a++) albumOffsets[a + 1]! += albumOffsets[a]!;
  const albumList = new Int32Array(albumOffsets[artistTotal]!);
  const albumFill = albumOffsets.slice(0, artistTotal);
  for (let al = 0; al < store.albumCount; al++) if (store.tracksByAlbum(al).length >= 3) albumList[albumFill[store.columns.albumArtist[al]!]!++] = al;
  // most popular album first (by its best track), so album picks keep popularity skewed
  const albumPopularity = new Float64Array(store.albumCount);
  for (let al = 0; al < store.albumCount; al++) for (const t of store.tracksByAlbum(al)) albumPopularity[al] = Math.max(albumPopularity[al]!, store.columns.trackPopularity[t]!);
  for (let a = 0; a < artistTotal; a++) albumList.subarray(albumOffsets[a]!, albumOffsets[a + 1]!).sort((x, y) => albumPopularity[y]! - albumPopularity[x]! || x - y);
  const albumsOfArtist = (artist: number): Int32Array => albumList.subarray(albumOffsets[artist]!, albumOffsets[artist + 1]!);
  let produced = 0;

  for (let u = 0; u < userTotal; u++) {
    // ---- latent taste
    const row = u * genreCount;
    const favoriteCount = 1 + Math.min(3, random.geometric(1.6) - 1);
    for (let k = 0; k < favoriteCount; k++) taste.genreWeights[row + genreSampler.sample(random)]! += random.gamma(1.5);
    let weightSum = 0;
    for (let g = 0; g < genreCount; g++) {
      taste.genreWeights[row + g]! += 0.02; // a little curiosity for everything
      weightSum += taste.genreWeights[row + g]!;
    }
    let energySum = 0;
    for (let g = 0; g < genreCount; g++) {
      taste.genreWeights[row + g]! /= weightSum;
      energySum += taste.genreWeights[row + g]! * GENRES[g]!.energy;
    }
    const mainstream = random.beta(3, 2);
    taste.mainstream[u] = mainstream;
    taste.preferredEnergy[u] = clamp01(energySum + random.normal(0, 0.08));
    const peakHour = (random.pick([8, 12, 18, 21, 23]) + Math.round(random.normal(0, 1.5)) + 24) % 24;
    taste.peakHour[u] = peakHour;
    const favoriteOf = (): number => sampleFrom(taste.genreWeights.subarray(row, row + genreCount), random);
    taste.morningGenre[u] = favoriteOf();
    taste.eveningGenre[u] = favoriteOf();

    const discover = (genre: number): number => {
      const list = genreArtistLists[genre]!;
      if (list.length === 0) return random.int(artistTotal);
      const sampler = random.chance(mainstream) ? genrePopularSamplers[genre]! : genreTailSamplers[genre]!;
      return list[sampler.sample(random)]!;
    };
    lovedSet.clear();
    const lovedCount = 5 + random.int(30);
    for (let k = 0; k < lovedCount; k++) lovedSet.add(discover(favoriteOf()));
    const lovedList = Int32Array.from(lovedSet).sort();
    for (const a of lovedList) loved.push(a);
    taste.lovedArtistOffsets[u + 1] = loved.length;

    // ---- sessions: lengths first, then sorted start times, so a user's events never overlap
    const quota = quotas[u]!;
    const lengths = new GrowableArray(Int32Array, 32);
    for (let left = quota; left > 0; ) {
      const length = Math.min(left, random.geometric(12));
      lengths.push(length);
      left -= length;
    }
    const sessionCount = lengths.length;
    const starts = new Float64Array(sessionCount);
    for (let s = 0; s < sessionCount; s++) {
      const day = random.int(historyDays);
      const hour = random.chance(0.7) ? (peakHour + random.normal(0, 2.5) + 48) % 24 : random.range(0, 24);
      starts[s] = historyStartMs + day * DAY_MS + Math.floor(hour * 3_600_000); // whole milliseconds
    }
    starts.sort();

    saved.clear();
    let clock = 0;
    for (let s = 0; s < sessionCount; s++) {
      clock = Math.max(starts[s]!, clock + 600_000);
      const hour = Math.floor(((clock % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000);
      for (let g = 0; g < genreCount; g++) weights[g] = taste.genreWeights[row + g]!;
      // time-of-day preference: one favorite genre in the morning, one in the evening
      if (hour < 12) weights[taste.morningGenre[u]!]! *= 3;
      if (hour >= 18) weights[taste.eveningGenre[u]!]! *= 3;
      let sessionGenre = sampleFrom(weights, random);
      const context = random.pick([HOME, HOME, SEARCH, RADIO, PLAYLIST]);

      let track = -1;
      let albumTracks: Int32Array | undefined; // the album being played in order, if any
      let albumPosition = -1;
      sessionPlayed.clear();
      let left = lengths.get(s);
      while (left > 0) {
        const previousEnergy = track >= 0 ? features[track * stride + energyOffset]! : taste.preferredEnergy[u]!;
        let next = -1;
        let transition: number = TRANSITION.discovery;
        if (albumTracks && albumPosition + 1 < albumTracks.length && random.chance(SEQUENCE_MODEL.albumContinue)) {
          albumPosition++;
          next = albumTracks[albumPosition]!;
          transition = TRANSITION.albumNext;
        } else {
          albumTracks = undefined;
          const choice = random.next();
          const albumStart = track < 0 ? SEQUENCE_MODEL.sessionAlbumStart : SEQUENCE_MODEL.albumStart;
          if (choice < albumStart) {
            const artist = lovedList.length > 0 && random.chance(0.5) ? lovedList[random.int(lovedList.length)]! : discover(sessionGenre);
            const albums = albumsOfArtist(artist);
            if (albums.length > 0) {
              const skew = random.next();
              albumTracks = store.tracksByAlbum(albums[Math.floor(albums.length * skew * skew * skew)]!);
              albumPosition = 0;
              next = albumTracks[0]!;
              transition = TRANSITION.albumStart;
            }
          } else if (track >= 0 && choice < albumStart + SEQUENCE_MODEL.artistRun) {
            next = pickTrackOfArtist(store, store.trackPrimaryArtist[track]!, random, sessionPlayed);
            transition = TRANSITION.artistRun;
          }
          if (next < 0) {
            // smooth energy: the best of three candidates
            let bestDistance = Infinity;
            for (let attempt = 0; attempt < 3; attempt++) {
              const artist = lovedList.length > 0 && random.chance(0.4) ? lovedList[random.int(lovedList.length)]! : discover(sessionGenre);
              const candidate = pickTrackOfArtist(store, artist, random);
              const distance = Math.abs(features[candidate * stride + energyOffset]! - previousEnergy);
              if (distance < bestDistance) {
                bestDistance = distance;
                next = candidate;
              }
            }
            transition = track < 0 ? TRANSITION.sessionStart : TRANSITION.discovery;
          }
          if (track < 0 && transition !== TRANSITION.albumStart) transition = TRANSITION.sessionStart;
          // the session wanders to a neighbouring genre
          if (random.chance(SEQUENCE_MODEL.genreDrift)) sessionGenre = GENRE_DRIFT[sessionGenre]!;
        }
        const albumRun = transition === TRANSITION.albumNext || transition === TRANSITION.albumStart;
        const artistRun = transition === TRANSITION.artistRun;
        track = next;
        sessionPlayed.add(track);
        const trackGenre = store.columns.trackGenres[store.columns.trackGenreOffsets[track]!]!;
        const genreIndex = GENRES_BY_NAME.get(store.genreName(trackGenre)) ?? 0;
        const isLoved = lovedSet.has(store.trackPrimaryArtist[track]!);
        const energyGap = Math.abs(features[track * stride + energyOffset]! - taste.preferredEnergy[u]!);
        const affinity = tasteAffinity(taste.genreWeights[row + genreIndex]!, isLoved, energyGap);
        const skipProbability = skipProbabilityOf(affinity);
        const duration = store.columns.trackDurationMs[track]!;
        const eventContext = albumRun ? ALBUM : artistRun ? ARTIST : context;
        const record = (code: number) => {
          transitions.push(code);
          sessionGenres.push(sessionGenre);
        };
        if (random.chance(skipProbability)) {
          const ms = 2_000 + random.int(28_000);
          log.pushEncoded(u, track, clock, SKIP, Math.min(ms, duration), 1, eventContext);
          record(transition);
          clock += Math.min(ms, duration) + random.int(2_000);
          left--;
          continue;
        }
        const complete = random.chance(COMPLETE_PROBABILITY);
        const ms = complete ? duration : Math.floor(duration * random.range(0.3, 0.95));
        log.pushEncoded(u, track, clock, complete ? COMPLETE : PLAY, ms, 1, eventContext);
        record(transition);
        left--;
        if (left > 0 && !saved.has(track) && mightSave(affinity, isLoved) && random.chance(SAVE_PROBABILITY)) {
          saved.add(track);
          log.pushEncoded(u, track, clock + Math.floor(ms / 2), SAVE, 0, 1, eventContext);
          record(TRANSITION.repeatEvent);
          left--;
        }
        if (left > 0 && affinity > 0.5 && random.chance(0.015)) {
          log.pushEncoded(u, track, clock + ms, PLAYLIST_ADD, 0, 1, eventContext);
          record(TRANSITION.repeatEvent);
          left--;
        }
        clock += ms + random.int(2_000);
      }
    }
    produced += quota;
    progress.update(produced);
  }
  progress.finish(produced);
  taste.lovedArtists = loved.toArray();
  return { interactions: log.build(), taste, sequence: { transition: transitions.toArray(), sessionGenre: sessionGenres.toArray() } };
}

/**
 * Ground-truth affinity of a listener for a track, as the generator samples behaviour from it:
 * the listener's weight for the track's genre, whether they love its artist, and how far its
 * energy is from the energy they prefer. Listener simulators reuse it (and the rules below) so
 * simulated listeners behave like the ones in the log.
 */
export function tasteAffinity(genreWeight: number, lovedArtist: boolean, energyGap: number): number {
  return 2.5 * genreWeight + (lovedArtist ? 0.6 : 0) - 0.8 * energyGap;
}
/** Probability that a listen of a track with this affinity is skipped. */
export function skipProbabilityOf(affinity: number): number {
  return clamp(0.5 - 0.55 * affinity, 0.03, 0.85);
}
/** A listen that is not skipped is played to the end with this probability. */
export const COMPLETE_PROBABILITY = 0.8;
/** Saves go to loved artists' or high-affinity tracks, with this probability per listen. */
export const SAVE_PROBABILITY = 0.08;
export function mightSave(affinity: number, lovedArtist: boolean): boolean {
  return lovedArtist || affinity > 0.7;
}

const SKIP = INTERACTION_TYPE_CODE.skip;
const PLAY = INTERACTION_TYPE_CODE.play;
const COMPLETE = INTERACTION_TYPE_CODE.complete;
const SAVE = INTERACTION_TYPE_CODE.save;
const PLAYLIST_ADD = INTERACTION_TYPE_CODE.playlist_add;
const GENRES_BY_NAME = new Map(GENRES.map((genre, index) => [genre.name, index]));
const TRANSITION = SEQUENCE_TRANSITIONS;

function sampleFrom(weights: ArrayLike<number>, random: Random): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let target = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  return weights.length - 1;
}

/** A track of the artist, skewed to their most popular ones; with `avoid`, one not in it when there is one. */
function pickTrackOfArtist(store: CatalogStore, artist: number, random: Random, avoid?: Set<number>): number {
  const tracks = store.tracksByArtist(artist);
  if (tracks.length === 0) return random.int(store.trackCount);
  const u = random.next();
  const pick = Math.floor(tracks.length * u * u * u);
  if (avoid) {
    for (let k = 0; k < tracks.length; k++) {
      const candidate = tracks[(pick + k) % tracks.length]!;
      if (!avoid.has(candidate)) return candidate;
    }
  }
  return tracks[pick]!;
}

/** Ground-truth taste as snapshot extra columns (prefix "taste."). */
export function tasteToExtras(taste: GroundTruthTaste): Record<string, Float32Array | Uint8Array | Int16Array | Uint32Array | Int32Array | string[]> {
  return {
    'taste.genreNames': taste.genreNames,
    'taste.genreWeights': taste.genreWeights,
    'taste.mainstream': taste.mainstream,
    'taste.preferredEnergy': taste.preferredEnergy,
    'taste.peakHour': taste.peakHour,
    'taste.morningGenre': taste.morningGenre,
    'taste.eveningGenre': taste.eveningGenre,
    'taste.lovedArtistOffsets': taste.lovedArtistOffsets,
    'taste.lovedArtists': taste.lovedArtists,
  };
}

/** Ground-truth session structure as snapshot extra columns (prefix "sequence."), one value per event. */
export function sequenceToExtras(sequence: GroundTruthSequence): Record<string, Uint8Array | Int16Array> {
  return { 'sequence.transition': sequence.transition, 'sequence.sessionGenre': sequence.sessionGenre };
}

/** Reads the session structure back from snapshot extras; undefined when the snapshot has none. */
export function sequenceFromExtras(extras: Record<string, unknown>): GroundTruthSequence | undefined {
  if (!('sequence.transition' in extras)) return undefined;
  return { transition: extras['sequence.transition'] as Uint8Array, sessionGenre: extras['sequence.sessionGenre'] as Int16Array };
}

/** Reads ground-truth taste back from snapshot extras; undefined when the snapshot has none. */
export function tasteFromExtras(extras: Record<string, unknown>): GroundTruthTaste | undefined {
  if (!('taste.genreWeights' in extras)) return undefined;
  return {
    genreNames: extras['taste.genreNames'] as string[],
    genreWeights: extras['taste.genreWeights'] as Float32Array,
    mainstream: extras['taste.mainstream'] as Float32Array,
    preferredEnergy: extras['taste.preferredEnergy'] as Float32Array,
    peakHour: extras['taste.peakHour'] as Uint8Array,
    morningGenre: extras['taste.morningGenre'] as Int16Array,
    eveningGenre: extras['taste.eveningGenre'] as Int16Array,
    lovedArtistOffsets: extras['taste.lovedArtistOffsets'] as Uint32Array,
    lovedArtists: extras['taste.lovedArtists'] as Int32Array,
  };
}

