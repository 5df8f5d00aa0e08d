// Short constructors for writing benchmark prompts.
import type { CheckFeature, PromptCheck } from './types';

export const genre = (genres: string[], share = 0.9): PromptCheck => ({ kind: 'genreShare', genres, share });
export const years = (min: number, max: number, share = 0.9): PromptCheck => ({ kind: 'yearShare', min, max, share });
export const feature = (name: CheckFeature, range: { min?: number; max?: number }, share = 0.8): PromptCheck => ({ kind: 'featureShare', feature: name, ...range, share });
export const noArtists = (...artists: string[]): PromptCheck => ({ kind: 'excludeArtists', artists });
export const noGenres = (...genres: string[]): PromptCheck => ({ kind: 'excludeGenres', genres });
export const artists = (names: string[], min: number, max?: number): PromptCheck => ({ kind: 'artistShare', artists: names, min, ...(max !== undefined ? { max } : {}) });
export const seeded = (name: string): PromptCheck => ({ kind: 'artistShare', artists: [name], min: 0.04, max: 0.4 });
export const count = (value: number): PromptCheck => ({ kind: 'trackCount', count: value });
export const minutes = (min: number, max: number): PromptCheck => ({ kind: 'durationMinutes', min, max });

