// Listener-facing text: a title, a one-sentence description and a short note per track saying,
// in plain words, why it is there ("matches 'rainy-day': low energy, minor key, 1996").
import type { CatalogStore } from '@mixtape/catalog';
import type { Plan, PlanFeature } from '@mixtape/llm';
import { titleForPlan } from '@mixtape/llm';
import { nearFeatureRanges } from './constraints';
import type { ResolvedPlan } from './constraints';

export interface NoteInputs {
  track: number;
  fromSeedArtist: boolean;
  seedSimilarity: number;
  userSimilarity: number;
  popularityPercentile: number;
}

const FEATURE_WORDS: Record<PlanFeature, (value: number) => string | undefined> = {
  energy: (value) => (value < 0.3 ? 'calm' : value < 0.5 ? 'low energy' : value < 0.7 ? 'mid energy' : value < 0.85 ? 'high energy' : 'full-throttle energy'),
  valence: (value) => (value < 0.3 ? 'melancholy' : value < 0.5 ? 'bittersweet' : value < 0.75 ? 'warm mood' : 'sunny mood'),
  danceability: (value) => (value >= 0.7 ? 'very danceable' : value >= 0.5 ? 'danceable' : 'not for dancing'),
  acousticness: (value) => (value >= 0.6 ? 'acoustic' : value >= 0.3 ? 'partly acoustic' : 'electric'),
  instrumentalness: (value) => (value >= 0.5 ? 'instrumental' : value >= 0.1 ? 'mostly instrumental moments' : 'with vocals'),
  speechiness: (value) => (value >= 0.33 ? 'rap-heavy vocals' : value >= 0.12 ? 'talky vocals' : undefined),
  liveness: (value) => (value >= 0.65 ? 'recorded live' : value <= 0.3 ? 'studio recording' : undefined),
  // the key is said once below ("minor key"), from the mode column
  mode: () => undefined,
  tempo: (value) => `${Math.round(value)} BPM`,
};

/** Up to four reasons, most specific first, with the plan's first mood or activity as the hook. */
export function noteForTrack(store: CatalogStore, resolved: ResolvedPlan, inputs: NoteInputs): string {
  const { plan } = resolved;
  const { track } = inputs;
  const reasons: string[] = [];
  const primary = store.trackPrimaryArtist[track]!;
  if (inputs.fromSeedArtist && resolved.seedArtists.includes(primary)) reasons.push(`by ${store.artistName(primary)}, a seed`);
  else if (inputs.seedSimilarity > 0.5 && plan.seedArtists.length > 0) reasons.push(`sounds like ${plan.seedArtists.slice(0, 2).join(' & ')}`);
  if (inputs.userSimilarity > 0.3 && plan.similarToUser > 0) reasons.push('close to your taste');
  const describeFeatures = (primary: boolean): void => {
    for (const target of resolved.features) {
      if ((target.feature === 'energy' || target.feature === 'valence') !== primary) continue;
      const value = target.column[track]!;
      if (Number.isNaN(value)) continue;
      const words = FEATURE_WORDS[target.feature](value);
      if (words && !reasons.includes(words)) reasons.push(words);
    }
  };
  describeFeatures(true);
  // Mode colours mood ("sad" → minor key): say it when the key or the mood asked for it.
  const valence = plan.features.valence;
  const modeRange = plan.features.mode;
  if (modeRange) {
    const mode = store.featureColumn('mode')[track]!;
    if (mode < 0.5 && modeRange.max < 0.5) reasons.push('minor key');
    else if (mode >= 0.5 && modeRange.min >= 0.5) reasons.push('major key');
  } else if (valence) {
    const mode = store.featureColumn('mode')[track]!;
    if (mode < 0.5 && valence.max <= 0.55) reasons.push('minor key');
    else if (mode >= 0.5 && valence.min >= 0.45) reasons.push('major key');
  }
  const genre = matchedGenre(store, resolved, track);
  if (genre) reasons.push(genre);
  const year = store.trackReleaseYear[track]!;
  if (year > 0 && plan.releaseYear) reasons.push(String(year));
  describeFeatures(false);
  if (year > 0 && !plan.releaseYear && reasons.length < 3) reasons.push(String(year));
  if (plan.discovery >= 0.6 && inputs.popularityPercentile < 0.4) reasons.push('a deep cut');
  else if (plan.discovery <= 0.2 && inputs.popularityPercentile > 0.9) reasons.push('a hit');

  // a mood or activity is judged by sound: only a track with audio features near the plan's ranges matches it
  const hook = store.hasFeatures(track) && nearFeatureRanges(resolved.features, track) ? (plan.moods[0] ?? plan.activities[0]) : undefined;
  const body = reasons.slice(0, 4).join(', ');
  if (hook) return body ? `matches '${hook}': ${body}` : `matches '${hook}'`;
  return body || 'fits the mix';
}

function matchedGenre(store: CatalogStore, resolved: ResolvedPlan, track: number): string | undefined {
  if (!resolved.includedGenres) return undefined;
  const { subgenres, genres } = store.genresOfTrack(track);
  for (const genre of subgenres) if (resolved.includedGenres.has(genre)) return store.genreName(genre);
  for (const genre of genres) if (resolved.includedGenres.has(genre)) return store.genreName(genre);
  return undefined;
}

export function titleFor(plan: Plan): string {
  return plan.title ?? titleForPlan(plan);
}

const ARC_WORDS: Record<Plan['arc'], string> = {
  steady: 'holds a steady energy',
  rise: 'builds from calm to high energy',
  fall: 'starts high and comes down',
  'rise-fall': 'builds to a peak and comes back down',
  'wind-down': 'winds down towards the end',
};

/**
 * One sentence: length and duration, what was asked for, and how it flows. It claims only what
 * the catalog knows: no duration when no track has one (Last.fm, MPD slices without
 * duration_ms), "at least" when some lack it, and no energy/key/tempo flow unless at least half the
 * tracks have audio features.
 */
export function describePlaylist(store: CatalogStore, resolved: ResolvedPlan, tracks: ArrayLike<number>): string {
  const { plan } = resolved;
  let durationMs = 0;
  let timed = 0;
  let featured = 0;
  for (let i = 0; i < tracks.length; i++) {
    const duration = store.columns.trackDurationMs[tracks[i]!]!;
    durationMs += duration;
    if (duration > 0) timed++;
    if (store.hasFeatures(tracks[i]!)) featured++;
  }
  const minutes = Math.round(durationMs / 60_000);
  const clock = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  const length = timed === 0 ? '' : `, ${timed < tracks.length ? 'at least ' : ''}${clock}`;
  const what: string[] = [];
  const labels = [...plan.moods.slice(0, 2), ...plan.activities.slice(0, 1)];
  const genres = [...plan.genres.include, ...plan.subgenres.include].slice(0, 3);
  if (labels.length > 0) what.push(labels.join(', '));
  if (genres.length > 0) what.push(genres.join(' / '));
  if (plan.releaseYear) what.push(plan.releaseYear.min === plan.releaseYear.max ? `from ${plan.releaseYear.min}` : `from ${plan.releaseYear.min}–${plan.releaseYear.max}`);
  if (plan.seedArtists.length > 0) what.push(`in the spirit of ${plan.seedArtists.slice(0, 3).join(', ')}`);
  if (plan.artists.include.length > 0) what.push(`by ${plan.artists.include.slice(0, 3).join(', ')}`);
  const excluded = [...plan.artists.exclude, ...plan.genres.exclude, ...plan.subgenres.exclude];
  if (excluded.length > 0) what.push(`no ${excluded.slice(0, 3).join(', ')}`);
  if (!plan.explicitAllowed) what.push('clean versions only');
  const subject = what.length > 0 ? `: ${what.join('; ')}` : '';
  // the flow is built from audio features: claimed only when most of the list has them
  const flow = featured > 0 && featured >= tracks.length / 2 ? `The order ${ARC_WORDS[plan.arc]}, keeps artists apart and mixes between nearby keys and tempos.` : 'The order keeps artists apart.';
  return `${tracks.length} track${tracks.length === 1 ? '' : 's'}${length}${subject}. ${flow}`;
}
