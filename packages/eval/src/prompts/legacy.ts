// The first prompt suite (54 prompts written beside the lexicon, issue 10), kept as a regression
// suite: `pnpm mixtape eval --task prompts`. Its categories predate the benchmark's classes.
import { artists, count, feature, genre, minutes, noArtists, noGenres, seeded, years } from './helpers';
import type { SuitePrompt } from './types';

export const LEGACY_QUALITY_PROMPTS: readonly SuitePrompt[] = [
  // genre
  { class: 'genre', prompt: 'latin pop hits', checks: [genre(['latin pop'])] },
  { class: 'genre', prompt: 'classic rock', checks: [genre(['rock'], 0.9), genre(['classic rock'], 0.5)] },
  { class: 'genre', prompt: 'edm bangers', checks: [genre(['edm'], 0.9)] },
  { class: 'genre', prompt: 'neo soul', checks: [genre(['neo soul', 'r&b'], 0.9)] },
  { class: 'genre', prompt: 'trap music', checks: [genre(['trap', 'rap'], 0.9)] },
  { class: 'genre', prompt: 'new jack swing', checks: [genre(['new jack swing', 'r&b'], 0.9)] },
  { class: 'genre', prompt: 'reggaeton', checks: [genre(['reggaeton', 'latin'], 0.9)] },
  { class: 'genre', prompt: 'hard rock', checks: [genre(['hard rock', 'rock'], 0.9)] },
  { class: 'genre', prompt: 'indie poptimism', checks: [genre(['indie poptimism', 'pop'], 0.9)] },
  { class: 'genre', prompt: 'gangster rap', checks: [genre(['gangster rap', 'rap'], 0.9)] },
  // era
  { class: 'era', prompt: '80s rock', checks: [genre(['rock'], 0.9), years(1980, 1989)] },
  { class: 'era', prompt: '90s hip hop', checks: [genre(['hip hop', 'rap'], 0.9), years(1990, 1999)] },
  { class: 'era', prompt: '2000s pop', checks: [genre(['pop'], 0.9), years(2000, 2009)] },
  { class: 'era', prompt: 'pop songs from 2019', checks: [genre(['pop'], 0.9), years(2019, 2019)] },
  { class: 'era', prompt: '70s classic rock', checks: [genre(['rock'], 0.9), years(1970, 1979)] },
  { class: 'era', prompt: 'r&b from the 2010s', checks: [genre(['r&b'], 0.9), years(2010, 2019)] },
  { class: 'era', prompt: 'songs from before 1985', checks: [years(1900, 1984)] },
  { class: 'era', prompt: 'latin music since 2015', checks: [genre(['latin'], 0.9), years(2015, 2100)] },
  // mood
  { class: 'mood', prompt: 'sad songs', checks: [feature('valence', { max: 0.4 })] },
  { class: 'mood', prompt: 'happy upbeat pop', checks: [genre(['pop'], 0.9), feature('valence', { min: 0.5 }), feature('energy', { min: 0.6 })] },
  { class: 'mood', prompt: 'chill r&b', checks: [genre(['r&b'], 0.9), feature('energy', { max: 0.65 })] },
  { class: 'mood', prompt: 'rainy-day 90s trip-hop for reading', checks: [years(1990, 1999), feature('energy', { max: 0.55 }), feature('valence', { max: 0.55 })] },
  { class: 'mood', prompt: 'angry hard rock', checks: [genre(['rock'], 0.9), feature('energy', { min: 0.7 })] },
  { class: 'mood', prompt: 'mellow acoustic songs', checks: [feature('energy', { max: 0.6 }), feature('acousticness', { min: 0.3 }, 0.7)] },
  { class: 'mood', prompt: 'dark moody edm', checks: [genre(['edm'], 0.9), feature('valence', { max: 0.45 })] },
  { class: 'mood', prompt: 'feel-good latin', checks: [genre(['latin'], 0.9), feature('valence', { min: 0.5 })] },
  // activity
  { class: 'activity', prompt: 'upbeat latin for a run, no reggaeton', checks: [genre(['latin'], 0.9), noGenres('reggaeton'), feature('energy', { min: 0.6 }), feature('tempo', { min: 115 }, 0.7)] },
  { class: 'activity', prompt: 'focus music for studying', checks: [feature('speechiness', { max: 0.15 }), feature('energy', { max: 0.7 })] },
  { class: 'activity', prompt: 'workout rap', checks: [genre(['rap'], 0.9), feature('energy', { min: 0.6 })] },
  { class: 'activity', prompt: 'dance pop for a party', checks: [genre(['dance pop', 'pop'], 0.9), feature('danceability', { min: 0.6 })] },
  { class: 'activity', prompt: 'music to fall asleep to', checks: [feature('energy', { max: 0.5 })] },
  { class: 'activity', prompt: 'r&b for a dinner party', checks: [genre(['r&b'], 0.9), feature('energy', { max: 0.75 })] },
  // tempo
  { class: 'tempo', prompt: 'rock songs over 140 bpm', checks: [genre(['rock'], 0.9), feature('tempo', { min: 140 }, 0.9)] },
  { class: 'tempo', prompt: 'slow jams under 90 bpm', checks: [feature('tempo', { max: 90 }, 0.9)] },
  { class: 'tempo', prompt: 'edm at 128 bpm', checks: [genre(['edm'], 0.9), feature('tempo', { min: 120, max: 136 })] },
  { class: 'tempo', prompt: 'fast pop songs', checks: [genre(['pop'], 0.9), feature('tempo', { min: 120 })] },
  // exclusion
  { class: 'exclusion', prompt: 'rap without Drake', checks: [genre(['rap'], 0.9), noArtists('Drake')] },
  { class: 'exclusion', prompt: 'pop, no Taylor Swift and no Ed Sheeran', checks: [genre(['pop'], 0.9), noArtists('Taylor Swift', 'Ed Sheeran')] },
  { class: 'exclusion', prompt: 'latin but no reggaeton', checks: [genre(['latin'], 0.9), noGenres('reggaeton')] },
  { class: 'exclusion', prompt: 'rock without classic rock', checks: [genre(['rock'], 0.9), noGenres('classic rock')] },
  { class: 'exclusion', prompt: 'edm, no pop edm', checks: [genre(['edm'], 0.9), noGenres('pop edm')] },
  // seed
  { class: 'seed', prompt: 'songs like Daft Punk', checks: [seeded('Daft Punk')] },
  { class: 'seed', prompt: 'music like Bad Bunny', checks: [seeded('Bad Bunny'), genre(['latin'], 0.5)] },
  { class: 'seed', prompt: 'songs by Queen', restrictsArtists: true, checks: [artists(['Queen'], 1)] },
  { class: 'seed', prompt: 'in the style of The Weeknd', checks: [seeded('The Weeknd')] },
  // length
  { class: 'length', prompt: '20 songs of edm', checks: [genre(['edm'], 0.9), count(20)] },
  { class: 'length', prompt: 'an hour of 80s synth-pop', checks: [years(1980, 1989), minutes(55, 70)] },
  { class: 'length', prompt: 'a dozen happy songs', checks: [count(12), feature('valence', { min: 0.5 })] },
  { class: 'length', prompt: 'half an hour of chill rap', checks: [genre(['rap'], 0.9), minutes(28, 40), feature('energy', { max: 0.65 })] },
  { class: 'length', prompt: 'classic rock', length: 40, checks: [count(40)] },
  // mixed
  { class: 'mixed', prompt: 'energetic 2010s edm, no big room', checks: [genre(['edm'], 0.9), years(2010, 2019), noGenres('big room'), feature('energy', { min: 0.7 })] },
  { class: 'mixed', prompt: 'sad 90s r&b', checks: [genre(['r&b'], 0.9), years(1990, 1999), feature('valence', { max: 0.45 })] },
  { class: 'mixed', prompt: 'upbeat 80s pop for a road trip', checks: [genre(['pop'], 0.9), years(1980, 1989), feature('energy', { min: 0.6 })] },
  { class: 'mixed', prompt: 'chill latin from the 2000s without reggaeton', checks: [genre(['latin'], 0.9), years(2000, 2009), noGenres('reggaeton'), feature('energy', { max: 0.7 })] },
];
