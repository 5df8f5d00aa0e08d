// Maps the names in a plan (from a model, or edited by hand) to the catalog's spelling through
// the lexicon: "Hip-Hop" → "hip hop", "beyonce" → "Beyoncé". Names the catalog does not know are
// dropped and reported, so a hallucinated genre cannot filter a playlist down to nothing.
import type { Lexicon } from '@mixtape/language';
import { lookupArtist, lookupGenre } from '@mixtape/language';
import type { Plan } from './plan';
import { PlanSchema } from './plan';

export interface UnresolvedNames {
  genres: string[];
  artists: string[];
}

export interface CanonicalPlan {
  plan: Plan;
  unresolved: UnresolvedNames;
}

export function canonicalizePlan(plan: Plan, lexicon: Lexicon): CanonicalPlan {
  const next = structuredClone(plan);
  const unresolved: UnresolvedNames = { genres: [], artists: [] };

  const genres = { include: new Set<string>(), exclude: new Set<string>() };
  const subgenres = { include: new Set<string>(), exclude: new Set<string>() };
  for (const side of ['include', 'exclude'] as const) {
    for (const name of [...plan.genres[side], ...plan.subgenres[side]]) {
      const resolved = lookupGenre(lexicon, name);
      if (!resolved) {
        unresolved.genres.push(name);
        continue;
      }
      for (const genre of resolved.genres) genres[side].add(genre);
      for (const subgenre of resolved.subgenres) subgenres[side].add(subgenre);
      // A genre the catalog lacks is said, not slipped into the title as a mood.
      if (resolved.label && side === 'include' && !next.unavailable.genres.includes(resolved.label) && next.unavailable.genres.length < 10) {
        next.unavailable.genres.push(resolved.label);
      }
    }
  }
  next.genres = { include: [...genres.include].slice(0, 20), exclude: [...genres.exclude].slice(0, 20) };
  next.subgenres = { include: [...subgenres.include].slice(0, 20), exclude: [...subgenres.exclude].slice(0, 20) };

  const resolveAll = (names: readonly string[]) => {
    const result: string[] = [];
    for (const name of names) {
      const artist = lookupArtist(lexicon, name);
      if (!artist) unresolved.artists.push(name);
      else if (!result.includes(artist.name)) result.push(artist.name);
    }
    return result;
  };
  next.seedArtists = resolveAll(plan.seedArtists);
  next.artists = { include: resolveAll(plan.artists.include), exclude: resolveAll(plan.artists.exclude) };
  // Names the model asked for that the catalog does not know: kept so the playlist can say so
  // (excluded names need no mention — nothing by them can appear anyway).
  const excludedNames = new Set(plan.artists.exclude);
  const excludedGenres = new Set([...plan.genres.exclude, ...plan.subgenres.exclude]);
  for (const name of unresolved.artists) if (!excludedNames.has(name) && !next.unavailable.artists.includes(name) && next.unavailable.artists.length < 10) next.unavailable.artists.push(name);
  for (const name of unresolved.genres) if (!excludedGenres.has(name) && !next.unavailable.genres.includes(name) && next.unavailable.genres.length < 10) next.unavailable.genres.push(name);
  return { plan: PlanSchema.parse(next), unresolved };
}
