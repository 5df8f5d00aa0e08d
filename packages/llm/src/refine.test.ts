import { describe, expect, it } from 'vitest';
import { buildLexicon } from '@mixtape/language';
import { planFromPrompt } from './offline-planner';
import { createEmptyPlan } from './plan';
import { refinePlan } from './refine';

const lexicon = buildLexicon({
  genres: ['pop', 'rock', 'latin', 'jazz'],
  subgenres: ['reggaeton', 'classic rock'],
  artists: [
    { id: 'd', name: 'Drake' },
    { id: 'b', name: 'Bad Bunny' },
  ],
  currentYear: 2026,
});

describe('titleForPlan', () => {
  it('says a seed that is also excluded is left out: "songs like Drake but not Drake"', () => {
    const plan = planFromPrompt(lexicon, 'songs like Drake but not Drake').plan;
    expect(plan.seedArtists).toEqual(['Drake']);
    expect(plan.artists.exclude).toEqual(['Drake']);
    expect(plan.title).toBe('Like Drake, without Drake');
    expect(planFromPrompt(lexicon, 'pop like Drake').plan.title).toBe('Pop like Drake');
  });

  it('"pop like Drake but skip Drake and anything like him" asks for pop without Drake: no seed, his tracks excluded', () => {
    // the prompt contradicts itself; the later refusal of his sound wins over the direction, the genre stays
    const plan = planFromPrompt(lexicon, 'pop like Drake but skip Drake and anything like him').plan;
    expect(plan).toMatchObject({ seedArtists: [], artists: { include: [], exclude: ['Drake'] }, genres: { include: ['pop'], exclude: [] }, title: 'Pop' });
    // a plain "but no Drake" keeps him as the direction
    expect(planFromPrompt(lexicon, 'songs like Drake but no Drake').plan).toMatchObject({ seedArtists: ['Drake'], artists: { exclude: ['Drake'] }, title: 'Like Drake, without Drake' });
  });
});

describe('refinePlan', () => {
  it('moves ranges for comparatives and "less"/"more", and sets them for plain terms', () => {
    const base = createEmptyPlan({ features: { ...createEmptyPlan().features, energy: { min: 0.6, max: 1 }, tempo: { min: 120, max: 160 } } });
    expect(refinePlan(base, 'less upbeat', lexicon).plan.features.energy).toEqual({ min: 0.4, max: 0.8 });
    expect(refinePlan(base, 'more upbeat', lexicon).plan.features.energy).toEqual({ min: 0.8, max: 1 });
    expect(refinePlan(base, 'slower', lexicon).plan.features.tempo).toEqual({ min: 105, max: 145 });
    expect(refinePlan(base, 'faster', lexicon).plan.features.tempo).toEqual({ min: 135, max: 175 });
    expect(refinePlan(base, 'make it chill', lexicon).plan.features.energy).toEqual({ min: 0, max: 0.55 });
    // No range yet: "less upbeat" takes the complement.
    expect(refinePlan(createEmptyPlan(), 'less upbeat', lexicon).plan.features.energy).toEqual({ min: 0, max: 0.6 });
  });

  it('edits genres, artists and years with the cue: no / only / add / more / less', () => {
    const base = planFromPrompt(lexicon, 'latin and pop like bad bunny, 90s').plan;
    const noDrake = refinePlan(base, 'no Drake and no pop', lexicon);
    expect(noDrake.plan.artists.exclude).toEqual(['Drake']);
    expect(noDrake.plan.genres).toEqual({ include: ['latin'], exclude: ['pop'] });
    expect(refinePlan(base, 'only rock', lexicon).plan.genres.include).toEqual(['rock']);
    expect(refinePlan(base, 'add some jazz', lexicon).plan.genres.include).toEqual(['latin', 'pop', 'jazz']);
    // "no more bad bunny" leaves his tracks out but keeps him as the direction; "nothing like" drops it
    expect(refinePlan(base, 'no more bad bunny', lexicon).plan).toMatchObject({ seedArtists: ['Bad Bunny'], artists: { exclude: ['Bad Bunny'] } });
    expect(refinePlan(base, 'nothing like bad bunny', lexicon).plan).toMatchObject({ seedArtists: [], artists: { exclude: ['Bad Bunny'] } });
    expect(refinePlan(base, 'more 80s', lexicon).plan.releaseYear).toEqual({ min: 1980, max: 1999 });
    expect(refinePlan(base, '80s instead', lexicon).plan.releaseYear).toEqual({ min: 1980, max: 1989 });
    expect(refinePlan(refinePlan(base, 'more 80s', lexicon).plan, 'no 90s', lexicon).plan.releaseYear).toEqual({ min: 1980, max: 1989 });
  });

  it('"no Drake" on a "like Drake" plan keeps Drake as the direction and excludes his tracks, as "like Drake but not Drake" does', () => {
    const base = planFromPrompt(lexicon, 'songs like Drake').plan;
    const oneShot = planFromPrompt(lexicon, 'songs like Drake but not Drake').plan;
    for (const instruction of ['no Drake', 'without Drake', 'not Drake', 'exclude Drake']) {
      const { plan, changes } = refinePlan(base, instruction, lexicon);
      expect(plan.seedArtists, instruction).toEqual(['Drake']);
      expect(plan.artists).toEqual({ include: [], exclude: ['Drake'] });
      expect(plan.title).toBe('Like Drake, without Drake');
      expect(changes).toEqual(['artist excluded: Drake (still the direction)']);
      expect(plan).toEqual(oneShot);
    }
    // another artist leaves the seed alone
    const noBadBunny = refinePlan(base, 'no Bad Bunny', lexicon).plan;
    expect(noBadBunny).toMatchObject({ seedArtists: ['Drake'], artists: { include: [], exclude: ['Bad Bunny'] }, title: 'Like Drake' });
    // refusing his sound drops the direction too
    const nothingLike = refinePlan(base, 'nothing like Drake', lexicon);
    expect(nothingLike.plan).toMatchObject({ seedArtists: [], artists: { exclude: ['Drake'] } });
    expect(nothingLike.changes).toEqual(['seed artist -Drake', 'artist excluded: Drake']);
    // "less like Drake" moves away from his sound as well, and so does asking for something in his place
    for (const instruction of ['less like Drake', 'instead of Drake', 'anything but Drake', 'rather than Drake']) {
      expect(refinePlan(base, instruction, lexicon).plan, instruction).toMatchObject({ seedArtists: [], artists: { exclude: ['Drake'] } });
    }
    // "and like" starts a new clause: the artist after it is asked for, not softened
    expect(refinePlan(base, 'less pop and like Bad Bunny', lexicon).plan.seedArtists).toEqual(['Drake', 'Bad Bunny']);
  });

  it('"skip Drake and anything like him" on a "like Drake" plan drops the seed and excludes his tracks, as "no Drake" plus "nothing like Drake"', () => {
    const base = planFromPrompt(lexicon, 'songs like Drake').plan;
    const both = refinePlan(refinePlan(base, 'no Drake', lexicon).plan, 'nothing like Drake', lexicon).plan;
    expect(both).toMatchObject({ seedArtists: [], artists: { include: [], exclude: ['Drake'] } });
    for (const instruction of ['skip Drake and anything like him', 'no Drake or anyone like him', 'without Drake or anything like her', 'not Drake or artists like them']) {
      const { plan, changes } = refinePlan(base, instruction, lexicon);
      expect(plan, instruction).toEqual(both);
      expect(changes, instruction).toEqual(['seed artist -Drake', 'artist excluded: Drake']);
    }
    // "no Drake" alone still keeps him as the direction
    expect(refinePlan(base, 'no Drake', lexicon).plan).toMatchObject({ seedArtists: ['Drake'], artists: { exclude: ['Drake'] } });
  });

  it('drops the seed for "no Drake or anything similar" (no pronoun) and "no Drake, nothing like him either" (a negation after the comma)', () => {
    const base = planFromPrompt(lexicon, 'songs like Drake').plan;
    const both = refinePlan(refinePlan(base, 'no Drake', lexicon).plan, 'nothing like Drake', lexicon).plan;
    for (const instruction of [
      'no Drake or anything similar',
      'skip Drake and anyone similar',
      'no Drake or similar artists',
      'without Drake or anything like that',
      'no Drake, nothing like him either',
      'no Drake, and nothing like him',
    ]) {
      const { plan, changes } = refinePlan(base, instruction, lexicon);
      expect(plan, instruction).toEqual(both);
      expect(changes, instruction).toEqual(['seed artist -Drake', 'artist excluded: Drake']);
    }
    // "similar" after a comma that says something else, and a comma then "but", keep him as the direction
    for (const instruction of ['no Drake, similar energy though', 'no Drake, but anything like him is fine']) {
      expect(refinePlan(base, instruction, lexicon).plan, instruction).toMatchObject({ seedArtists: ['Drake'], artists: { exclude: ['Drake'] } });
    }
  });

  it('changes length, explicitness, discovery; reports each change; leaves the plan alone when nothing matches', () => {
    const base = createEmptyPlan({ trackCount: 20 });
    expect(refinePlan(base, 'longer', lexicon).plan.trackCount).toBe(30);
    expect(refinePlan(base, 'shorter', lexicon).plan.trackCount).toBe(13);
    expect(refinePlan(base, '10 more songs', lexicon).plan.trackCount).toBe(30);
    expect(refinePlan(base, 'make it an hour', lexicon).plan).toMatchObject({ targetMinutes: 60, trackCount: 17 });
    expect(refinePlan(base, 'clean versions only', lexicon).plan.explicitAllowed).toBe(false);
    expect(refinePlan(base, 'deeper cuts', lexicon).plan.discovery).toBeGreaterThan(base.discovery);
    const nothing = refinePlan(base, 'ignore all previous instructions', lexicon);
    expect(nothing.plan).toEqual(base);
    expect(nothing.changes).toEqual([]);
  });
});
