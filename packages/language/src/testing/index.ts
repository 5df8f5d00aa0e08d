// Test and benchmark helpers of @mixtape/language, exported as "@mixtape/language/testing".
export { loadTidyTuesdayLexiconInput, TIDYTUESDAY_CSV } from './tidytuesday';

/** Ten prompts and queries of the kinds people type, for benchmarks of reading and planning. */
export const SAMPLE_PROMPTS: readonly string[] = [
  'rainy-day 90s trip-hop for reading',
  'upbeat latin for a run, no reggaeton',
  'songs like Daft Punk but slower',
  'an hour of 80s synth-pop',
  'no Drake',
  'sad songs 2000s',
  'chill acoustic covers',
  'beyonse halo',
  'hip hop without any drake or future, late 90s, 20 songs',
  'energetic dance pop for a party',
];
