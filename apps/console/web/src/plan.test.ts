import { describe, expect, it } from 'vitest';
import { planChips } from './plan';

describe('planChips', () => {
  it('turns a plan into readable chips: genres, exclusions, years, feature ranges, settings', () => {
    const chips = planChips({
      seedArtists: ['Daft Punk'],
      seedTracks: [],
      genres: { include: ['dance', 'pop'], exclude: ['rap'] },
      subgenres: { include: [], exclude: [] },
      artists: { include: [], exclude: ['Drake'] },
      features: { energy: { min: 0.7, max: 1 }, valence: null, tempo: { min: 120, max: 140.4 } },
      releaseYear: { min: 1990, max: 1999 },
      moods: ['upbeat'],
      activities: ['running'],
      similarToUser: 0,
      discovery: 0.3,
      trackCount: 20,
      targetMinutes: null,
      arc: 'rise',
      explicitAllowed: false,
    });
    expect(chips.map((chip) => chip.text)).toEqual([
      'genre: dance',
      'genre: pop',
      'no rap',
      'no Drake',
      'like Daft Punk',
      '1990–1999',
      'energy 70–100%',
      'tempo 120–140 bpm',
      'upbeat',
      'for running',
      '20 tracks',
      'arc: rise',
      'discovery 30%',
      'no explicit',
    ]);
    expect(chips.find((chip) => chip.text === 'no rap')?.kind).toBe('exclude');
  });

  it('shows minutes instead of a track count when the plan targets a duration', () => {
    expect(planChips({ trackCount: 25, targetMinutes: 45 }).map((chip) => chip.text)).toEqual(['45 min']);
  });
});
