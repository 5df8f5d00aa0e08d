// Short constructors for writing benchmark prompts.
import type { CheckFeature, PromptCheck } from './types';

export const genre = (genres: string[], share = 0.9): PromptCheck => ({ kind: 'genreShare', genres, share });
export const years = (min: number, max: number, share = 0.9): PromptCheck => ({ kind: 'yearShare', min, max, share });
export const feature = (name: CheckFeature, range: { min?: number; max?: number }, share = 0.8): PromptCheck => ({ kind: 'featureShare', feature: name, ...range, share });
export const minutesEach = (range: { min?: number; max?: number }, share = 0.9): PromptCheck => ({ kind: 'trackMinutesShare', ...range, share });
export const noArtists = (...artists: string[]): PromptCheck => ({ kind: 'excludeArtists', artists });
export const noGenres = (...genres: string[]): PromptCheck => ({ kind: 'excludeGenres', genres });
export const artists = (names: string[], min: number, max?: number): PromptCheck => ({ kind: 'artistShare', artists: names, min, ...(max !== undefined ? { max } : {}) });
export const seeded = (name: string): PromptCheck => ({ kind: 'artistShare', artists: [name], min: 0.04, max: 0.4 });
export const count = (value: number): PromptCheck => ({ kind: 'trackCount', count: value });
export const atLeast = (value: number): PromptCheck => ({ kind: 'trackCountAtLeast', count: value });
export const minutes = (min: number, max: number): PromptCheck => ({ kind: 'durationMinutes', min, max });
export const meanBelow = (name: CheckFeature | 'year', artist: string): PromptCheck => ({ kind: 'meanVersusArtist', feature: name, artist, direction: 'below' });
export const meanAbove = (name: CheckFeature | 'year', artist: string): PromptCheck => ({ kind: 'meanVersusArtist', feature: name, artist, direction: 'above' });
export const seedGenre = (artist: string, share = 0.5): PromptCheck => ({ kind: 'seedGenreShare', artist, share });
export const unfulfilled = (mentions: string): PromptCheck => ({ kind: 'unfulfilled', mentions });
export const titleOmits = (...words: string[]): PromptCheck => ({ kind: 'titleOmits', words });
export const describes = (...words: string[]): PromptCheck => ({ kind: 'descriptionMentions', words });
export const relaxed: PromptCheck = { kind: 'relaxedReported' };
export const onlyExcludes = (exclusions: { artists?: string[]; genres?: string[] }): PromptCheck => ({ kind: 'onlyExclusions', artists: exclusions.artists ?? [], genres: exclusions.genres ?? [] });

/** The rap genre with its TidyTuesday subgenres: "without the rap" may exclude any of them. */
export const RAP_FAMILY = ['rap', 'hip hop', 'gangster rap', 'southern hip hop', 'trap'];
/** "hip hop" reads as the hip hop subgenre or the rap genre it sits in. */
export const HIP_HOP = ['hip hop', 'rap'];
