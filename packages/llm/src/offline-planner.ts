// The offline planner: prompt → plan through the lexicon, with no network and no randomness.
// Only lexicon terms can reach the plan (catalog names, curated labels, numbers it parsed), so
// injection text in a prompt has nothing to attach to.
import type { Lexicon, MatchedTermSummary, QueryConstraints } from '@mixtape/language';
import { interpretQuery } from '@mixtape/language';
import type { Plan } from './plan';
import { createEmptyPlan, MAX_TARGET_MINUTES, MAX_TRACK_COUNT, MAX_TRACK_MINUTES, PLAN_FEATURES, PlanSchema } from './plan';

/** Average track length used to turn a duration into a track count (TidyTuesday median ≈ 3.6 min). */
export const AVERAGE_TRACK_MINUTES = 3.6;

export interface OfflinePlanOptions {
  /** track count when the prompt names none */
  defaultTrackCount?: number;
  /** caller-supplied length (e.g. the request's `length`) wins over the prompt */
  trackCount?: number;
}

export interface OfflinePlanResult {
  plan: Plan;
  matchedTerms: MatchedTermSummary[];
  constraints: QueryConstraints;
  /** the prompt's words the lexicon did not read (interpretQuery's remainder; '' when it read all) */
  unreadWords: string;
}

/** Builds a plan from a prompt using only the lexicon. Deterministic for a given lexicon. */
export function planFromPrompt(lexicon: Lexicon, prompt: string, options: OfflinePlanOptions = {}): OfflinePlanResult {
  const { matchedTerms, constraints, remainder } = interpretQuery(lexicon, prompt);
  const plan = planFromConstraints(constraints, options);
  return { plan, matchedTerms, constraints, unreadWords: remainder };
}

export function planFromConstraints(constraints: QueryConstraints, options: OfflinePlanOptions = {}): Plan {
  const plan = createEmptyPlan();
  if (options.defaultTrackCount !== undefined) plan.trackCount = clampInt(options.defaultTrackCount, 1, MAX_TRACK_COUNT);
  plan.genres = { include: take(constraints.genres.include, 20), exclude: take(constraints.genres.exclude, 20) };
  plan.subgenres = { include: take(constraints.subgenres.include, 20), exclude: take(constraints.subgenres.exclude, 20) };
  plan.seedArtists = take(
    constraints.artists.seed.map((artist) => artist.name),
    10,
  );
  plan.artists = {
    include: take(
      constraints.artists.include.map((artist) => artist.name),
      20,
    ),
    exclude: take(
      constraints.artists.exclude.map((artist) => artist.name),
      20,
    ),
  };
  for (const feature of PLAN_FEATURES) {
    const range = constraints.features[feature];
    if (range) plan.features[feature] = { ...range };
  }
  plan.releaseYear = constraints.releaseYear ? { ...constraints.releaseYear } : null;
  if (constraints.trackMinutes) plan.trackMinutes = { min: Math.max(0, constraints.trackMinutes.min), max: Math.min(MAX_TRACK_MINUTES, constraints.trackMinutes.max) };
  plan.unavailable = { genres: take(constraints.unavailable.genres, 10), artists: take(constraints.unavailable.artists, 10) };
  plan.rationale = take(constraints.rationale, 5);
  plan.moods = take(constraints.moods, 8);
  plan.activities = take(constraints.activities, 8);
  if (constraints.arc) plan.arc = constraints.arc;
  if (constraints.explicitAllowed !== null) plan.explicitAllowed = constraints.explicitAllowed;
  if (constraints.discovery !== null) plan.discovery = constraints.discovery;
  if (constraints.similarToUser !== null) plan.similarToUser = constraints.similarToUser;
  // Seeds mean "like these": lean on them rather than on the listener's history.
  else if (plan.seedArtists.length > 0) plan.similarToUser = 0.2;
  if (constraints.targetMinutes !== null) {
    plan.targetMinutes = Math.min(MAX_TARGET_MINUTES, Math.max(1, constraints.targetMinutes));
    plan.trackCount = clampInt(plan.targetMinutes / AVERAGE_TRACK_MINUTES, 1, MAX_TRACK_COUNT);
  }
  if (constraints.trackCount !== null) plan.trackCount = clampInt(constraints.trackCount, 1, MAX_TRACK_COUNT);
  if (options.trackCount !== undefined) {
    plan.trackCount = clampInt(options.trackCount, 1, MAX_TRACK_COUNT);
    plan.targetMinutes = null;
  }
  plan.title = titleForPlan(plan);
  // The plan schema is the contract; a planner bug must fail loudly here, not downstream.
  return PlanSchema.parse(plan);
}

function take(values: readonly string[], limit: number): string[] {
  return values.slice(0, limit);
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * A short title from the plan's own labels and names — never from the raw prompt, and never
 * naming what the catalog lacks (`plan.unavailable`): a title describes what is delivered.
 */
export function titleForPlan(plan: Plan): string {
  const parts: string[] = [];
  const missing = new Set(plan.unavailable.genres.map((name) => name.toLowerCase()));
  const moods = plan.moods.filter((mood) => !missing.has(mood.toLowerCase())).slice(0, 2).map(titleCase);
  if (moods.length > 0) parts.push(moods.join(' '));
  if (plan.releaseYear) parts.push(eraLabel(plan.releaseYear));
  const genres = [...plan.genres.include, ...plan.subgenres.include].slice(0, 2).map(titleCase);
  if (genres.length > 0) parts.push(genres.join(' & '));
  let title = parts.join(' ');
  if (plan.seedArtists.length > 0) {
    const seeds = plan.seedArtists.slice(0, 2);
    title = title ? `${title} like ${seeds.join(' & ')}` : `Like ${seeds.join(' & ')}`;
    // "like Drake but not Drake": the seed is a direction only, and the title says his tracks are left out
    const without = seeds.filter((artist) => plan.artists.exclude.includes(artist));
    if (without.length > 0) title = `${title}, without ${without.join(' & ')}`;
  } else if (plan.artists.include.length > 0) {
    const artists = plan.artists.include.slice(0, 2).join(' & ');
    title = title ? `${title} by ${artists}` : `${artists} Mix`;
  }
  const activity = plan.activities[0];
  if (activity) title = title ? `${title} for ${titleCase(activity)}` : `${titleCase(activity)} Mix`;
  if (!title) title = 'Your Mixtape';
  if (title.length > 80) title = `${title.slice(0, 79).trimEnd()}…`;
  return title;
}

function eraLabel(range: { min: number; max: number }): string {
  if (range.min === range.max) return String(range.min);
  const start = range.min - (range.min % 10);
  const decade = start >= 2000 ? `${start}s` : `${String(start).slice(2)}s`;
  if (range.min % 10 === 0 && range.max === range.min + 9) return decade;
  if (range.min % 10 === 0 && range.max === range.min + 3) return `Early ${decade}`;
  if (range.min % 10 === 3 && range.max === range.min + 3) return `Mid ${decade}`;
  if (range.min % 10 === 6 && range.max === range.min + 3) return `Late ${decade}`;
  if (range.max >= 2100) return `${range.min}+`;
  if (range.min <= 1900) return `pre-${range.max + 1}`;
  return `${range.min}–${range.max}`;
}

const UPPERCASE_NAMES = new Set(['edm', 'r&b', 'rnb', 'dnb', 'edm', 'ost']);

function titleCase(value: string): string {
  if (UPPERCASE_NAMES.has(value.toLowerCase())) return value.toUpperCase();
  return value.replace(/(^|[\s-])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toUpperCase());
}
