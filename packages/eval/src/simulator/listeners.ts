// Simulated listeners: the synthetic dataset's users, behaving by the ground-truth taste they
// were generated from. What a listener does with a track follows the generator's own rules
// (`tasteAffinity`, `skipProbabilityOf`, completion and save rules from @mixtape/catalog); what
// the generator does not model — looking at a page — is the browsing model below.
import { AUDIO_FEATURES, COMPLETE_PROBABILITY, SAVE_PROBABILITY, mightSave, skipProbabilityOf, tasteAffinity } from '@mixtape/catalog';
import type { CatalogStore, GroundTruthTaste, InteractionLog } from '@mixtape/catalog';
import type { Random } from '@mixtape/base';

/** How simulated listeners look at pages and listen outside them. */
export interface BrowsingModel {
  /** a shelf at position s is looked at with probability shelfDecay^s (default 0.65) */
  shelfDecay: number;
  /** an item at position p of a looked-at shelf is seen with probability itemDecay^p (default 0.8) */
  itemDecay: number;
  /** P(play | seen) = sigmoid(clickSlope · (affinity − clickMidpoint)) (defaults 3, 1.8) */
  clickSlope: number;
  clickMidpoint: number;
  /** a track heard before (log or simulation) is played with this factor (default 0.6) */
  repeatFactor: number;
  /** listens per visit stop after a geometric budget with this mean (default 8) */
  sessionListens: number;
  /** P(Home visit on a day) = min(0.95, visitRate · activity) (default 0.45) */
  visitRate: number;
  /** listens outside Home per day ~ Poisson(organicRate · activity) (default 3) */
  organicRate: number;
}

export const DEFAULT_BROWSING: BrowsingModel = {
  shelfDecay: 0.65,
  itemDecay: 0.8,
  clickSlope: 3,
  clickMidpoint: 1.8,
  repeatFactor: 0.6,
  sessionListens: 8,
  visitRate: 0.45,
  organicRate: 3,
};

export interface ListenOutcome {
  type: 'play' | 'complete' | 'skip';
  msPlayed: number;
  saved: boolean;
}

export interface SimulatedListeners {
  store: CatalogStore;
  taste: GroundTruthTaste;
  browsing: BrowsingModel;
  /** users in the log (= rows of the taste matrices) */
  userCount: number;
  userId(user: number): string;
  /** listens per day in the log relative to the mean user (mean 1) */
  activity: Float64Array;
  affinity(user: number, track: number): number;
  isLoved(user: number, artist: number): boolean;
  /** P(play | seen on a page) */
  clickProbability(user: number, track: number, heardBefore: boolean): number;
  /** what the listener does once a track plays (generator rules) */
  listen(user: number, track: number, rng: Random): ListenOutcome;
  /** a track the listener might pick outside Home: a loved artist (40 %) or a genre they like */
  organicTrack(user: number, rng: Random): number;
}

export function createSimulatedListeners(store: CatalogStore, interactions: InteractionLog, taste: GroundTruthTaste, browsing: Partial<BrowsingModel> = {}): SimulatedListeners {
  const model = { ...DEFAULT_BROWSING, ...browsing };
  const genreCount = taste.genreNames.length;
  const userCount = taste.mainstream.length;
  if (interactions.userCount < userCount) throw new RangeError(`simulated listeners: the log has ${interactions.userCount} users, the taste ${userCount}`);
  // the track's first genre as an index into taste.genreNames (the generator's rule)
  const genreOfName = new Map(taste.genreNames.map((name, index) => [name, index]));
  const trackGenre = new Int16Array(store.trackCount).fill(-1);
  for (let t = 0; t < store.trackCount; t++) {
    const offset = store.columns.trackGenreOffsets[t]!;
    if (offset < store.columns.trackGenreOffsets[t + 1]!) trackGenre[t] = genreOfName.get(store.genreName(store.columns.trackGenres[offset]!)) ?? -1;
  }
  const energy = store.featureColumn('energy');
  if (AUDIO_FEATURES.indexOf('energy') < 0) throw new Error('simulated listeners: no energy feature');
  const activity = new Float64Array(userCount);
  let total = 0;
  for (let u = 0; u < userCount; u++) {
    const rows = interactions.rowsOfUser(interactions.userIndex(`user-${u}`));
    activity[u] = rows.end - rows.start;
    total += activity[u]!;
  }
  const mean = total / Math.max(1, userCount);
  for (let u = 0; u < userCount; u++) activity[u] = activity[u]! / mean;
  // tracks per genre, most popular first, for organic listening
  const genreTracks = taste.genreNames.map((name) => store.tracksByGenre(store.genreIndex(name)));

  const isLoved = (user: number, artist: number): boolean => {
    let low = taste.lovedArtistOffsets[user]!;
    let high = taste.lovedArtistOffsets[user + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const value = taste.lovedArtists[mid]!;
      if (value === artist) return true;
      if (value < artist) low = mid + 1;
      else high = mid;
    }
    return false;
  };
  const affinity = (user: number, track: number): number => {
    const genre = trackGenre[track]!;
    const weight = genre >= 0 ? taste.genreWeights[user * genreCount + genre]! : 0;
    const trackEnergy = energy[track]!;
    const gap = Number.isFinite(trackEnergy) ? Math.abs(trackEnergy - taste.preferredEnergy[user]!) : 0.3;
    return tasteAffinity(weight, isLoved(user, store.trackPrimaryArtist[track]!), gap);
  };
  return {
    store,
    taste,
    browsing: model,
    userCount,
    userId: (user) => `user-${user}`,
    activity,
    affinity,
    isLoved,
    clickProbability(user, track, heardBefore) {
      const p = 1 / (1 + Math.exp(-model.clickSlope * (affinity(user, track) - model.clickMidpoint)));
      return heardBefore ? p * model.repeatFactor : p;
    },
    listen(user, track, rng) {
      const value = affinity(user, track);
      const duration = store.columns.trackDurationMs[track]! || 200_000;
      if (rng.next() < skipProbabilityOf(value)) return { type: 'skip', msPlayed: Math.min(duration, 2_000 + Math.floor(rng.next() * 28_000)), saved: false };
      const complete = rng.next() < COMPLETE_PROBABILITY;
      const saved = mightSave(value, isLoved(user, store.trackPrimaryArtist[track]!)) && rng.next() < SAVE_PROBABILITY;
      return { type: complete ? 'complete' : 'play', msPlayed: complete ? duration : Math.floor(duration * (0.3 + 0.65 * rng.next())), saved };
    },
    organicTrack(user, rng) {
      const lovedStart = taste.lovedArtistOffsets[user]!;
      const lovedCount = taste.lovedArtistOffsets[user + 1]! - lovedStart;
      if (lovedCount > 0 && rng.next() < 0.4) {
        const tracks = store.tracksByArtist(taste.lovedArtists[lovedStart + rng.int(lovedCount)]!);
        if (tracks.length > 0) return tracks[Math.floor(tracks.length * rng.next() ** 2)]!;
      }
      let target = rng.next();
      let genre = genreCount - 1;
      for (let g = 0; g < genreCount; g++) {
        target -= taste.genreWeights[user * genreCount + g]!;
        if (target < 0) {
          genre = g;
          break;
        }
      }
      const tracks = genreTracks[genre]!;
      if (tracks.length === 0) return rng.int(store.trackCount);
      // mainstream listeners stay near the top of the genre, others go deep
      const depth = taste.mainstream[user]! > rng.next() ? 0.1 : 1;
      return tracks[Math.floor(tracks.length * depth * rng.next())]!;
    },
  };
}
