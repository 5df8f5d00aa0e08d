// Honest fulfilment: what the catalog could not deliver is said — genres and artists it lacks
// (with the nearest genres by content vectors standing in), eras it holds too few tracks from,
// relaxed constraints, a short playlist — and the title and description describe what was
// delivered, never what was only asked for.
import { foldText } from '@mixtape/language';
import type { Plan } from '@mixtape/llm';
import { PLAN_FEATURES, createEmptyPlan, titleForPlan } from '@mixtape/llm';
import type { CandidatePool } from './candidates';
import type { ResolvedPlan } from './constraints';
import type { PlaylistEngine } from './context';
import type { UnfulfilledPart } from './fulfil';

/** Catalog genres nearest to the content query: stand-ins for a genre the catalog lacks. */
export interface GenreSubstitutes {
  /** genre indices, nearest first */
  genres: number[];
  names: string[];
}

/** Genres of at least this many tracks can stand in for a missing one (tiny genres are noise). */
const MIN_SUBSTITUTE_TRACKS = 30;

/**
 * The catalog genres whose content-vector centroid lies closest to the playlist's content query
 * (the missing genre's sound, mood, tempo and era as the plan encodes them). Subgenres are
 * preferred: they say more than a top-level genre. Excluded genres never stand in.
 */
export function nearestGenres(engine: PlaylistEngine, resolved: ResolvedPlan, pool: CandidatePool, count = 2): GenreSubstitutes {
  if (!pool.hasQuery) return { genres: [], names: [] };
  const centroids = engine.genreCentroids();
  const { store } = engine;
  const dim = engine.contentDim;
  const scored: { genre: number; score: number }[] = [];
  for (let genre = 0; genre < store.genreCount; genre++) {
    if (!engine.subgenres.has(genre) || resolved.excludedGenres.has(genre) || engine.genreTrackCount(genre) < MIN_SUBSTITUTE_TRACKS) continue;
    let score = 0;
    for (let d = 0; d < dim; d++) score += centroids[genre * dim + d]! * pool.query[d]!;
    scored.push({ genre, score });
  }
  scored.sort((a, b) => b.score - a.score || a.genre - b.genre);
  const genres = scored.slice(0, count).map((entry) => entry.genre);
  return { genres, names: genres.map((genre) => store.genreName(genre)) };
}

/** The plan as delivered: widened or dropped years, dropped genres. */
export function deliveredPlan(plan: Plan, pool: CandidatePool): Plan {
  let releaseYear = plan.releaseYear;
  if (pool.widenedYears) releaseYear = { ...pool.widenedYears };
  else if (pool.relaxed.includes('release years')) releaseYear = null;
  const genresDropped = pool.relaxed.includes('genres');
  return {
    ...plan,
    releaseYear,
    ...(genresDropped ? { genres: { include: [], exclude: plan.genres.exclude }, subgenres: { include: [], exclude: plan.subgenres.exclude } } : {}),
    trackMinutes: pool.relaxed.includes('track length') ? null : plan.trackMinutes,
  };
}

/** Everything the playlist could not deliver, one sentence each. */
export function unfulfilledParts(
  plan: Plan,
  pool: CandidatePool,
  substitutes: GenreSubstitutes,
  /**
   * `featured`: delivered tracks with audio features; `nearSound`: those within reach of the plan's
   * feature ranges; `understoodText`: the text model read some of the prompt's words
   */
  delivered: { understoodText: boolean; tracks: number; featured: number; nearSound: number; durationMs: number; requestedTracks: number; targetMs?: number },
): UnfulfilledPart[] {
  const parts: UnfulfilledPart[] = [];
  if (!delivered.understoodText && asksNothing(plan)) {
    // "zzqx blorf", a prompt in a language the planner does not read: say it, do not pass a generic mix off as an answer
    parts.push({ kind: 'prompt', requested: 'the prompt', reason: 'Nothing in the prompt named a genre, artist, mood, activity or era this catalog knows, so the playlist is drawn from across the catalog.' });
  }
  const sound = soundAskedFor(plan);
  if (delivered.tracks > 0 && delivered.featured === 0 && sound) {
    // Moods and feature ranges ("more energetic") rank by audio features: without them they change nothing.
    parts.push({ kind: 'sound', requested: sound, reason: `No track here has audio features, so ${sound} could not be judged by sound; the playlist follows the rest of the request.` });
  } else if (sound && delivered.nearSound < delivered.tracks / 2) {
    // "chill k-pop" where every k-pop track is loud: the rest of the request won, say so
    parts.push({
      kind: 'sound',
      requested: sound,
      reason: `Only ${delivered.nearSound} of ${delivered.tracks} tracks here sound close to ${sound}: this catalog has too few that also fit the rest of the request.`,
    });
  }
  const planned = [...plan.genres.include, ...plan.subgenres.include];
  for (const name of plan.unavailable.genres) {
    // A missing genre with related catalog genres in the plan ("metal" → hard rock) is stood in
    // for by those; otherwise by the nearest genres by sound.
    const standIns = planned.length > 0 ? planned.slice(0, 2) : substitutes.names;
    const substitute = standIns.length > 0 ? standIns.join(' and ') : undefined;
    parts.push({
      kind: 'genre',
      requested: name,
      ...(substitute ? { substitute } : {}),
      reason: substitute
        ? `This catalog has no ${name}; the closest ${planned.length > 0 ? 'genres it has are' : 'by sound are'} ${substitute}, so the playlist keeps ${name}'s feel with those.`
        : `This catalog has no ${name}; the playlist follows the rest of the request.`,
    });
  }
  for (const name of plan.unavailable.artists) {
    parts.push({ kind: 'artist', requested: name, reason: `${name} is not in this catalog; the playlist follows the rest of the request.` });
  }
  if (plan.releaseYear && (pool.widenedYears || pool.relaxed.includes('release years'))) {
    const requested = eraName(plan.releaseYear);
    const found = pool.tracksInRequestedYears ?? 0;
    const substitute = pool.widenedYears ? yearsName(pool.widenedYears) : undefined;
    const fit = found === 0 ? `This catalog has no tracks from ${requested}` : `This catalog has only ${found} fitting track${found === 1 ? '' : 's'} from ${requested}`;
    parts.push({
      kind: 'era',
      requested,
      ...(substitute ? { substitute } : {}),
      reason: pool.yearsUnknown
        ? `No track in this catalog has a release date, so ${requested} could not be judged; the playlist follows the rest of the request.`
        : substitute
          ? `${fit}; the nearest years fill the playlist (${substitute}).`
          : `${fit}; the playlist is drawn from every year.`,
    });
  }
  if (pool.relaxed.includes('subgenres widened to their genres') && plan.subgenres.include.length > 0 && !pool.relaxed.includes('genres')) {
    const names = plan.subgenres.include.join(' / ');
    parts.push({ kind: 'genre', requested: names, reason: `Too few ${names} tracks fit the rest of the request; tracks from the wider genre it belongs to fill the playlist.` });
  }
  if (pool.relaxed.includes('genres') && planned.length > 0) {
    parts.push({ kind: 'genre', requested: planned.join(', '), reason: `Too few ${planned.join(' / ')} tracks fit the rest of the request; other genres fill the playlist.` });
  }
  if (pool.relaxed.includes('track length') && plan.trackMinutes) {
    parts.push({ kind: 'length', requested: trackLengthName(plan.trackMinutes), reason: `Too few tracks of ${trackLengthName(plan.trackMinutes)} fit the rest of the request; some are longer or shorter.` });
  }
  if (delivered.targetMs === undefined && delivered.tracks < delivered.requestedTracks) {
    parts.push({
      kind: 'length',
      requested: `${delivered.requestedTracks} tracks`,
      substitute: `${delivered.tracks} tracks`,
      reason: `Only ${delivered.tracks} tracks in this catalog fit the request, so the playlist is shorter than ${delivered.requestedTracks}.`,
    });
  } else if (delivered.targetMs !== undefined && delivered.durationMs < delivered.targetMs * 0.9) {
    const minutes = Math.round(delivered.durationMs / 60_000);
    const wanted = Math.round(delivered.targetMs / 60_000);
    parts.push({ kind: 'length', requested: `${wanted} min`, substitute: `${minutes} min`, reason: `Only ${minutes} minutes in this catalog fit the request, short of ${wanted}.` });
  }
  return parts;
}

const EMPTY_PLAN = createEmptyPlan();
/** What a plan asks of the catalog, beyond its title and length. */
const asked = (plan: Plan): string =>
  JSON.stringify([
    plan.seedArtists, plan.seedTracks, plan.genres, plan.subgenres, plan.artists, plan.features, plan.releaseYear, plan.moods, plan.activities,
    plan.similarToUser, plan.discovery, plan.targetMinutes, plan.trackMinutes, plan.arc, plan.explicitAllowed, plan.unavailable,
  ]);
const NOTHING_ASKED = asked(EMPTY_PLAN);
function asksNothing(plan: Plan): boolean {
  return asked(plan) === NOTHING_ASKED;
}

/** "'upbeat', 'workout' (energy 0.75–1, tempo 115–200)": the plan's moods, activity and feature ranges; undefined when it has none. */
function soundAskedFor(plan: Plan): string | undefined {
  const labels = [...plan.moods, ...plan.activities].map((label) => `'${label}'`);
  const ranges = PLAN_FEATURES.flatMap((feature) => {
    const range = plan.features[feature];
    return range ? [`${feature} ${range.min === range.max ? range.min : `${range.min}–${range.max}`}`] : [];
  });
  if (labels.length === 0 && ranges.length === 0) return undefined;
  if (labels.length === 0) return ranges.join(', ');
  return ranges.length > 0 ? `${labels.join(', ')} (${ranges.join(', ')})` : labels.join(', ');
}

/**
 * The title: the planner's own when it names nothing the catalog lacks and nothing was relaxed,
 * otherwise one made from what was delivered.
 */
export function honestTitle(plan: Plan, delivered: Plan, unfulfilled: readonly UnfulfilledPart[]): string {
  // an artist or a sound the catalog cannot judge does not make the planner's title untrue
  const changed = unfulfilled.some((part) => part.kind !== 'artist' && part.kind !== 'sound');
  if (plan.title && !changed && !namesAny(plan.title, [...plan.unavailable.genres, ...plan.unavailable.artists])) return plan.title;
  return titleForPlan({ ...delivered, title: null });
}

function namesAny(text: string, names: readonly string[]): boolean {
  const folded = foldText(text);
  return names.some((name) => name.length > 0 && folded.includes(foldText(name)));
}

/** "the 1940s", "1999", "1990–1995". */
export function eraName(range: { min: number; max: number }): string {
  if (range.min === range.max) return String(range.min);
  if (range.min % 10 === 0 && range.max === range.min + 9) return `the ${range.min}s`;
  if (range.max >= 2100) return `${range.min} on`;
  if (range.min <= 1900) return `before ${range.max + 1}`;
  return `${range.min}–${range.max}`;
}

function yearsName(range: { min: number; max: number }): string {
  return range.min === range.max ? String(range.min) : `${range.min}–${range.max}`;
}

function trackLengthName(range: { min: number; max: number }): string {
  if (range.min <= 0) return `under ${range.max} min`;
  if (range.max >= 60) return `over ${range.min} min`;
  return `${range.min}–${range.max} min`;
}
