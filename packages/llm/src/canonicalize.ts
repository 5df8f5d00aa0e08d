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
      if (resolved.label && side === 'include' && !next.moods.includes(resolved.label) && next.moods.length < 8) {
        next.moods.push(resolved.label);
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
  return { plan: PlanSchema.parse(next), unresolved };
}
