import { CatalogStore } from '@mixtape/catalog';
import type { Track } from '@mixtape/catalog';
import { createEmptyPlan } from '@mixtape/llm';
import { describe, expect, it } from 'vitest';
import type { ResolvedPlan } from './constraints';
import { describePlaylist, noteForTrack } from './notes';

const FEATURES = { danceability: 0.5, energy: 0.5, valence: 0.5, tempo: 120, acousticness: 0.2, instrumentalness: 0, speechiness: 0.05, liveness: 0.1, loudness: -6, key: 0, mode: 1 as const };

/** `withFeatures`: every track, none, or the first N tracks carry audio features. */
function storeOf(durations: number[], withFeatures: boolean | number): CatalogStore {
  const featured = withFeatures === true ? durations.length : withFeatures === false ? 0 : withFeatures;
  const tracks: Track[] = durations.map((durationMs, index) => ({
    id: `t${index}`, title: `Song ${index}`, artistIds: [`a${index}`], durationMs, explicit: false, popularity: 50, genres: ['pop'], subgenres: [],
    ...(index < featured ? { features: FEATURES } : {}),
  }));
  return CatalogStore.fromCatalog({ tracks, artists: durations.map((_unused, index) => ({ id: `a${index}`, name: `Artist ${index}`, genres: [] })), albums: [] });
}

const resolved = { plan: { ...createEmptyPlan(), genres: { include: ['pop'], exclude: [] } } } as unknown as ResolvedPlan;

describe('describePlaylist', () => {
  it('states the duration and the flow when the catalog has them', () => {
    expect(describePlaylist(storeOf([180_000, 240_000], true), resolved, [0, 1])).toBe(
      '2 tracks, 7 min: pop. The order holds a steady energy, keeps artists apart and mixes between nearby keys and tempos.',
    );
  });

  it('claims no "0 min" and no energy/key/tempo flow on a catalog without durations or audio features (Last.fm)', () => {
    expect(describePlaylist(storeOf([0, 0, 0], false), resolved, [0, 1, 2])).toBe('3 tracks: pop. The order keeps artists apart.');
    expect(describePlaylist(storeOf([180_000, 0], false), resolved, [0, 1])).toBe('2 tracks, at least 3 min: pop. The order keeps artists apart.');
  });

  it('claims the key/tempo flow only when at least half the tracks have audio features', () => {
    const durations = Array.from({ length: 10 }, () => 180_000);
    expect(describePlaylist(storeOf(durations, 1), resolved, durations.map((_unused, i) => i))).toBe('10 tracks, 30 min: pop. The order keeps artists apart.');
    expect(describePlaylist(storeOf(durations, 5), resolved, durations.map((_unused, i) => i))).toMatch(/mixes between nearby keys and tempos\.$/);
  });

  it('does not claim a mood the catalog cannot judge: no "matches \'chill\'" on a track without audio features', () => {
    const chill = { plan: { ...createEmptyPlan(), moods: ['chill'] }, features: [], seedArtists: [], includedGenres: null } as unknown as ResolvedPlan;
    const inputs = { track: 0, fromSeedArtist: false, seedSimilarity: 0, userSimilarity: 0, popularityPercentile: 0.5 };
    expect(noteForTrack(storeOf([180_000], true), chill, inputs)).toMatch(/^matches 'chill'/);
    expect(noteForTrack(storeOf([180_000], false), chill, inputs)).not.toMatch(/chill/);
    // that 'chill' could not be judged by sound is the fulfilment's unfulfilled 'sound' part (honesty.ts), joined to the description
    expect(describePlaylist(storeOf([180_000], false), chill, [0])).toBe('1 track, 3 min: chill. The order keeps artists apart.');
  });
});
