// Refinements edit a plan rather than replanning: "less upbeat" moves the energy range down,
// "more 80s" widens the release years, "no Drake" excludes an artist, "longer" grows the length.
// The same lexicon reads the instruction; the cue ("more", "less", "no", "only") picks the edit.
import type { FeatureRange, Lexicon, MatchedTerm, MatchedTermSummary } from '@mixtape/language';
import { buildLexicon, featureScale, invertYearBound, matchTerms, rangeSide, roundRange, summarizeTerm } from '@mixtape/language';
import { titleForPlan } from './offline-planner';
import type { Plan, PlanFeature } from './plan';
import { MAX_TARGET_MINUTES, MAX_TRACK_COUNT, PLAN_FEATURES, PlanSchema } from './plan';

export interface RefinementResult {
  plan: Plan;
  matchedTerms: MatchedTermSummary[];
  /** one human line per edit, e.g. "energy 0.6–1 → 0.4–0.8" */
  changes: string[];
}

const UNIT_STEP = 0.2;
const TEMPO_STEP = 15;
const MIN_WIDTH = { unit: 0.15, tempo: 20 };
const DIAL_STEP = 0.3;

let curatedOnlyLexicon: Lexicon | undefined;

/**
 * Applies a refinement instruction to a plan. Without a lexicon only curated vocabulary is
 * understood (no catalog genres or artists). Instructions that match nothing leave the plan
 * unchanged and report no changes.
 */
export function refinePlan(plan: Plan, instruction: string, lexicon?: Lexicon): RefinementResult {
  const activeLexicon = lexicon ?? (curatedOnlyLexicon ??= buildLexicon({ genres: [], artists: [] }));
  const next = structuredClone(plan);
  const changes: string[] = [];
  const { terms } = matchTerms(activeLexicon, instruction);
  for (const term of terms) applyTerm(next, term, changes);
  if (changes.length > 0) next.title = titleForPlan(next);
  return { plan: PlanSchema.parse(next), matchedTerms: terms.map(summarizeTerm), changes };
}

type Direction = 'toward' | 'away' | 'set';

function directionOf(term: MatchedTerm): Direction {
  switch (term.modifier) {
    case 'negated':
    case 'softened':
      return 'away';
    case 'more':
      return 'toward';
    case 'only':
      return 'set';
    default:
      // "slower", "happier" move the current range; a plain "chill" means "make it chill".
      return term.effect.comparative ? 'toward' : 'set';
  }
}

function applyTerm(plan: Plan, term: MatchedTerm, changes: string[]): void {
  const { effect } = term;
  const direction = directionOf(term);
  const removing = direction === 'away';

  // Genres the catalog lacks add only a label in a refinement: their hints would reshape the
  // whole playlist when the listener asked for "some" of them.
  if (effect.features && !effect.hintOnly) {
    for (const feature of PLAN_FEATURES) {
      const bounds = effect.features[feature];
      if (!bounds) continue;
      const before = plan.features[feature];
      const after = editRange(feature, before, { min: bounds[0], max: bounds[1] }, direction);
      if (!sameRange(before, after)) {
        plan.features[feature] = after;
        changes.push(`${feature} ${formatRange(before)} → ${formatRange(after)}`);
      }
    }
  }

  if (effect.label) {
    const list = effect.label.kind === 'mood' ? plan.moods : plan.activities;
    const value = effect.label.value;
    if (removing) {
      const index = list.indexOf(value);
      if (index >= 0) {
        list.splice(index, 1);
        changes.push(`${effect.label.kind} -${value}`);
      }
    } else if (!list.includes(value) && list.length < 8) {
      list.push(value);
      changes.push(`${effect.label.kind} +${value}`);
    }
  }

  if (effect.genres) editNames(plan.genres, effect.genres, term, 'genre', changes);
  if (effect.subgenres) editNames(plan.subgenres, effect.subgenres, term, 'subgenre', changes);

  if (effect.artist) {
    const name = effect.artist.name;
    if (removing) {
      // "no Drake" on a "like Drake" plan leaves his tracks out but keeps him as the direction (the
      // seed centroid), as the one-shot "like Drake but not Drake" does; "nothing like Drake" and
      // "less like Drake" refuse the sound too and drop the seed.
      const seeded = plan.seedArtists.includes(name);
      if (seeded && term.negatesLike) {
        plan.seedArtists = plan.seedArtists.filter((artist) => artist !== name);
        changes.push(`seed artist -${name}`);
      }
      plan.artists.include = plan.artists.include.filter((artist) => artist !== name);
      if (!plan.artists.exclude.includes(name) && plan.artists.exclude.length < 20) plan.artists.exclude.push(name);
      changes.push(seeded && !term.negatesLike ? `artist excluded: ${name} (still the direction)` : `artist excluded: ${name}`);
    } else {
      plan.artists.exclude = plan.artists.exclude.filter((artist) => artist !== name);
      if (term.modifier === 'only' || term.modifier === 'by') {
        plan.artists.include = [name];
        changes.push(`artists only: ${name}`);
      } else if (!plan.seedArtists.includes(name) && plan.seedArtists.length < 10) {
        plan.seedArtists.push(name);
        changes.push(`seed artist +${name}`);
      }
    }
  }

  if (effect.years) editYears(plan, effect.years, term, changes);
  if (effect.yearBound) {
    const bound = term.modifier === 'negated' ? invertYearBound(effect.yearBound) : effect.yearBound;
    const current = plan.releaseYear ?? { min: 1900, max: 2100 };
    const min = Math.max(current.min, bound.min ?? current.min);
    const max = Math.min(current.max, bound.max ?? current.max);
    if (min <= max) {
      plan.releaseYear = { min, max };
      changes.push(`release years ${formatYears(current)} → ${min}–${max}`);
    }
  }

  if (effect.discovery !== undefined) {
    const target = removing ? 1 - effect.discovery : effect.discovery;
    const after = direction === 'set' && term.modifier === 'only' ? target : stepToward(plan.discovery, target, DIAL_STEP);
    if (after !== plan.discovery) {
      changes.push(`discovery ${plan.discovery} → ${after}`);
      plan.discovery = after;
    }
  }
  if (effect.similarToUser !== undefined) {
    const target = removing ? 1 - effect.similarToUser : effect.similarToUser;
    const after = stepToward(plan.similarToUser, target, DIAL_STEP);
    if (after !== plan.similarToUser) {
      changes.push(`similar to user ${plan.similarToUser} → ${after}`);
      plan.similarToUser = after;
    }
  }
  if (effect.explicitAllowed !== undefined) {
    const after = removing ? !effect.explicitAllowed : effect.explicitAllowed;
    if (after !== plan.explicitAllowed) {
      plan.explicitAllowed = after;
      changes.push(`explicit ${after ? 'allowed' : 'not allowed'}`);
    }
  }
  if (effect.arc && !removing && effect.arc !== plan.arc) {
    changes.push(`arc ${plan.arc} → ${effect.arc}`);
    plan.arc = effect.arc;
  }

  if (effect.lengthScale !== undefined) {
    const scale = removing ? 1 / effect.lengthScale : effect.lengthScale;
    const trackCount = clampInt(plan.trackCount * scale, 1, MAX_TRACK_COUNT);
    changes.push(`length ${plan.trackCount} → ${trackCount} tracks`);
    plan.trackCount = trackCount;
    if (plan.targetMinutes !== null) plan.targetMinutes = Math.min(MAX_TARGET_MINUTES, Math.max(1, Math.round(plan.targetMinutes * scale)));
  }
  if (effect.trackCount !== undefined && !removing) {
    // "10 more songs" adds; "20 songs" sets.
    const trackCount = clampInt(term.modifier === 'more' ? plan.trackCount + effect.trackCount : effect.trackCount, 1, MAX_TRACK_COUNT);
    changes.push(`length ${plan.trackCount} → ${trackCount} tracks`);
    plan.trackCount = trackCount;
    plan.targetMinutes = null;
  }
  if (effect.addTracks !== undefined) {
    const trackCount = clampInt(plan.trackCount + (removing ? -effect.addTracks : effect.addTracks), 1, MAX_TRACK_COUNT);
    changes.push(`length ${plan.trackCount} → ${trackCount} tracks`);
    plan.trackCount = trackCount;
    plan.targetMinutes = null;
  }
  if (effect.targetMinutes !== undefined && !removing) {
    const minutes = Math.min(MAX_TARGET_MINUTES, term.modifier === 'more' ? (plan.targetMinutes ?? plan.trackCount * 3.6) + effect.targetMinutes : effect.targetMinutes);
    changes.push(`duration → ${Math.round(minutes)} min`);
    plan.targetMinutes = Math.round(minutes);
    plan.trackCount = clampInt(minutes / 3.6, 1, MAX_TRACK_COUNT);
  }
}

function editNames(
  target: { include: string[]; exclude: string[] },
  names: readonly string[],
  term: MatchedTerm,
  label: string,
  changes: string[],
): void {
  for (const name of names) {
    if (term.modifier === 'negated') {
      target.include = target.include.filter((value) => value !== name);
      if (!target.exclude.includes(name) && target.exclude.length < 20) target.exclude.push(name);
      changes.push(`${label} excluded: ${name}`);
    } else if (term.modifier === 'softened') {
      // "less rock": drop it from the includes; if it was never asked for, keep it out.
      if (target.include.includes(name)) {
        target.include = target.include.filter((value) => value !== name);
        changes.push(`${label} no longer required: ${name}`);
      } else if (!target.exclude.includes(name) && target.exclude.length < 20) {
        target.exclude.push(name);
        changes.push(`${label} excluded: ${name}`);
      }
    } else if (term.modifier === 'only') {
      target.include = [name];
      target.exclude = target.exclude.filter((value) => value !== name);
      changes.push(`${label} only: ${name}`);
    } else {
      target.exclude = target.exclude.filter((value) => value !== name);
      if (!target.include.includes(name) && target.include.length < 20) {
        target.include.push(name);
        changes.push(`${label} +${name}`);
      }
    }
  }
}

function editYears(plan: Plan, years: { min: number; max: number }, term: MatchedTerm, changes: string[]): void {
  const before = plan.releaseYear;
  let after: { min: number; max: number } | null = before;
  if (term.modifier === 'negated' || term.modifier === 'softened') {
    after = subtractYears(before, years);
  } else if (term.modifier === 'more' && before) {
    // "more 80s" on a 90s plan: let the 80s in too.
    after = { min: Math.min(before.min, years.min), max: Math.max(before.max, years.max) };
  } else {
    after = { ...years };
  }
  if (before?.min !== after?.min || before?.max !== after?.max) {
    plan.releaseYear = after;
    changes.push(`release years ${formatYears(before)} → ${formatYears(after)}`);
  }
}

/** Removes a span from a year range when it sits at an edge; a span in the middle cannot be cut out of one range. */
function subtractYears(current: { min: number; max: number } | null, span: { min: number; max: number }) {
  const base = current ?? { min: 1900, max: 2100 };
  if (span.max < base.min || span.min > base.max) return current;
  if (span.min <= base.min && span.max >= base.max) return null;
  if (span.min <= base.min) return { min: span.max + 1, max: base.max };
  if (span.max >= base.max) return { min: base.min, max: span.min - 1 };
  return current;
}

function editRange(feature: PlanFeature, current: FeatureRange | null, termRange: FeatureRange, direction: Direction): FeatureRange | null {
  const scale = featureScale(feature);
  const side = rangeSide(feature, termRange);
  if (direction === 'set') return roundRange(termRange);
  if (side === 'middle') return direction === 'toward' ? roundRange(termRange) : null;
  const sign = (side === 'high') === (direction === 'toward') ? 1 : -1;
  if (!current) {
    // No range yet: "more upbeat" takes the term's range, "less upbeat" its complement.
    if (direction === 'toward') return roundRange(termRange);
    return roundRange(side === 'high' ? { min: scale.min, max: termRange.min } : { min: termRange.max, max: scale.max });
  }
  const step = feature === 'tempo' ? TEMPO_STEP : UNIT_STEP;
  const minWidth = feature === 'tempo' ? MIN_WIDTH.tempo : MIN_WIDTH.unit;
  let min = current.min + sign * step;
  let max = current.max + sign * step;
  // Moving past the end of the scale narrows the range against that end instead.
  if (max > scale.max) max = scale.max;
  if (min < scale.min) min = scale.min;
  if (max - min < minWidth) {
    if (sign > 0) min = Math.max(scale.min, max - minWidth);
    else max = Math.min(scale.max, min + minWidth);
  }
  return roundRange({ min, max });
}

function stepToward(current: number, target: number, step: number): number {
  const delta = target - current;
  const moved = Math.abs(delta) <= step ? target : current + Math.sign(delta) * step;
  return Math.round(moved * 100) / 100;
}

function sameRange(a: FeatureRange | null, b: FeatureRange | null): boolean {
  return a?.min === b?.min && a?.max === b?.max;
}

function formatRange(range: FeatureRange | null): string {
  return range ? `${range.min}–${range.max}` : 'any';
}

function formatYears(range: { min: number; max: number } | null): string {
  return range ? `${range.min}–${range.max}` : 'any';
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
