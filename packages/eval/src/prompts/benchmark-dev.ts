// The development set of the prompt benchmark (TidyTuesday catalog): the prompts planner work is
// allowed to look at, fail on and be tuned against. Written together with the held-out test set
// (benchmark-test.ts), before any planner change, with the same classes and the same kind of
// checks but different prompts.
import {
  artists,
  atLeast,
  count,
  feature,
  genre,
  HIP_HOP,
  meanAbove,
  meanBelow,
  minutes,
  minutesEach,
  noArtists,
  noGenres,
  onlyExcludes,
  relaxed,
  seeded,
  seedGenre,
  titleOmits,
  unfulfilled,
  years,
} from './helpers';
import type { BenchmarkPrompt } from './types';

export const PROMPT_BENCHMARK_DEV: readonly BenchmarkPrompt[] = [
  // negation
  { class: 'negation', prompt: 'rap without Drake', checks: [genre(['rap']), noArtists('Drake')] },
  { class: 'negation', prompt: 'no more Ed Sheeran please', checks: [noArtists('Ed Sheeran'), onlyExcludes({ artists: ['Ed Sheeran'] })] },
  { class: 'negation', prompt: 'nothing too energetic', checks: [feature('energy', { max: 0.8 }, 0.85)] },
  { class: 'negation', prompt: 'edm minus the big room stuff', checks: [genre(['edm']), noGenres('big room')] },
  { class: 'negation', prompt: 'no happy songs', checks: [feature('valence', { max: 0.6 }), feature('energy', { min: 0.75 }, 0.15)] },
  { class: 'negation', prompt: 'r&b but skip the new jack swing', checks: [genre(['r&b']), noGenres('new jack swing')] },
  { class: 'negation', prompt: 'pop songs, no Justin Bieber or Selena Gomez', checks: [genre(['pop']), noArtists('Justin Bieber', 'Selena Gomez')] },
  { class: 'negation', prompt: 'chill songs without any rap', checks: [feature('energy', { max: 0.6 }), noGenres('rap')] },
  { class: 'negation', prompt: 'anything but country', checks: [onlyExcludes({}), atLeast(25)] },
  { class: 'negation', prompt: 'Songs without The Weeknd', checks: [noArtists('The Weeknd'), onlyExcludes({ artists: ['The Weeknd'] })] },

  // comparison
  { class: 'comparison', prompt: 'like Drake but softer', checks: [meanBelow('energy', 'Drake'), seedGenre('Drake')] },
  { class: 'comparison', prompt: 'songs like Taylor Swift but sadder', checks: [meanBelow('valence', 'Taylor Swift'), seedGenre('Taylor Swift')] },
  { class: 'comparison', prompt: "like Guns N' Roses but newer", checks: [meanAbove('year', "Guns N' Roses"), seedGenre("Guns N' Roses")] },
  { class: 'comparison', prompt: 'something like Avicii but slower', checks: [meanBelow('tempo', 'Avicii'), seedGenre('Avicii')] },
  { class: 'comparison', prompt: 'like Rihanna but more danceable', checks: [meanAbove('danceability', 'Rihanna'), seedGenre('Rihanna')] },
  { class: 'comparison', prompt: 'Ed Sheeran but more upbeat', checks: [meanAbove('energy', 'Ed Sheeran'), seedGenre('Ed Sheeran')] },
  { class: 'comparison', prompt: 'like David Guetta but older', checks: [meanBelow('year', 'David Guetta'), seedGenre('David Guetta')] },
  { class: 'comparison', prompt: 'like Kendrick Lamar but chiller', checks: [meanBelow('energy', 'Kendrick Lamar'), seedGenre('Kendrick Lamar')] },
  { class: 'comparison', prompt: 'like Metallica but softer', checks: [meanBelow('energy', 'Metallica'), seedGenre('Metallica')] },

  // era
  { class: 'era', prompt: '80s rock', checks: [genre(['rock']), years(1980, 1989)] },
  { class: 'era', prompt: 'songs from the nineties', checks: [years(1990, 1999), atLeast(20)] },
  { class: 'era', prompt: 'late 90s r&b', checks: [genre(['r&b']), years(1996, 1999)] },
  { class: 'era', prompt: 'pop hits from the early 2010s', checks: [genre(['pop']), years(2010, 2013)] },
  { class: 'era', prompt: 'rap from before 1995', checks: [genre(['rap']), years(1900, 1994)] },
  { class: 'era', prompt: 'seventies rock', checks: [genre(['rock']), years(1970, 1979)] },
  { class: 'era', prompt: 'edm from 2015 onwards', checks: [genre(['edm']), years(2015, 2100)] },
  { class: 'era', prompt: 'music from when I was in college around 2012', checks: [years(2009, 2015)] },
  { class: 'era', prompt: 'r&b from the 2000s', checks: [genre(['r&b']), years(2000, 2009)] },
  { class: 'era', prompt: 'rock from the sixties', checks: [genre(['rock']), years(1960, 1969), atLeast(20)] },

  // numbers
  { class: 'numbers', prompt: 'songs under 3 minutes', checks: [minutesEach({ max: 3 })] },
  { class: 'numbers', prompt: 'an hour of 80s synth-pop', checks: [years(1980, 1989), minutes(55, 70)] },
  { class: 'numbers', prompt: '20 songs of edm', checks: [genre(['edm']), count(20)] },
  { class: 'numbers', prompt: 'a dozen happy songs', checks: [count(12), feature('valence', { min: 0.5 })] },
  { class: 'numbers', prompt: '45 minutes of rap', checks: [genre(['rap']), minutes(40, 52)] },
  { class: 'numbers', prompt: 'songs over 5 minutes long', checks: [minutesEach({ min: 5 })] },
  { class: 'numbers', prompt: 'ten chill latin tracks', checks: [count(10), genre(['latin']), feature('energy', { max: 0.65 })] },
  { class: 'numbers', prompt: 'three hours of pop', checks: [genre(['pop']), minutes(170, 195)] },
  { class: 'numbers', prompt: 'short rap songs, under two and a half minutes', checks: [genre(['rap']), minutesEach({ max: 2.5 })] },

  // occasion
  { class: 'occasion', prompt: 'dinner party', checks: [feature('energy', { max: 0.75 })] },
  { class: 'occasion', prompt: "music for a baby's nap", checks: [feature('energy', { max: 0.45 })] },
  { class: 'occasion', prompt: 'gym session, leg day', checks: [feature('energy', { min: 0.7 }), feature('tempo', { min: 110 }, 0.6)] },
  { class: 'occasion', prompt: 'christmas dinner with my grandparents', checks: [years(1950, 1989, 0.7), feature('energy', { max: 0.75 }, 0.7)] },
  { class: 'occasion', prompt: "songs for my mom's 50th birthday", checks: [years(1975, 1999, 0.6), feature('valence', { min: 0.5 }, 0.7)] },
  { class: 'occasion', prompt: 'study session', checks: [feature('speechiness', { max: 0.15 }), feature('energy', { max: 0.7 })] },
  { class: 'occasion', prompt: 'yoga class', checks: [feature('energy', { max: 0.5 })] },
  { class: 'occasion', prompt: 'cleaning the apartment', checks: [feature('energy', { min: 0.6 }), feature('valence', { min: 0.5 })] },
  { class: 'occasion', prompt: 'BBQ with the neighbours', checks: [feature('valence', { min: 0.5 })] },
  { class: 'occasion', prompt: 'late night drive', checks: [feature('energy', { max: 0.75 })] },

  // audio
  { class: 'audio', prompt: 'live rock recordings', checks: [genre(['rock']), feature('liveness', { min: 0.6 }, 0.7)] },
  { class: 'audio', prompt: 'songs in a minor key', checks: [feature('mode', { max: 0 }, 0.9)] },
  { class: 'audio', prompt: 'instrumental music for focus', checks: [feature('instrumentalness', { min: 0.5 }, 0.7)] },
  { class: 'audio', prompt: 'acoustic covers', checks: [feature('acousticness', { min: 0.5 }, 0.7)] },
  { class: 'audio', prompt: 'really fast songs over 150 bpm', checks: [feature('tempo', { min: 150 }, 0.9)] },
  { class: 'audio', prompt: 'major key pop', checks: [genre(['pop']), feature('mode', { min: 1 }, 0.9)] },
  { class: 'audio', prompt: 'unplugged', checks: [feature('acousticness', { min: 0.5 }, 0.7)] },
  { class: 'audio', prompt: 'songs without vocals', checks: [feature('instrumentalness', { min: 0.5 }, 0.7)] },
  { class: 'audio', prompt: 'danceable latin', checks: [genre(['latin']), feature('danceability', { min: 0.7 })] },

  // spelling
  { class: 'spelling', prompt: 'gangsta rap from the 90s', checks: [genre(['gangster rap'], 0.8), years(1990, 1999)] },
  { class: 'spelling', prompt: 'reggaetón', checks: [genre(['reggaeton'], 0.8)] },
  { class: 'spelling', prompt: 'hip-hop', checks: [genre(HIP_HOP)] },
  { class: 'spelling', prompt: 'R n B', checks: [genre(['r&b'])] },
  { class: 'spelling', prompt: "rock'n'roll", checks: [genre(['rock'])] },
  { class: 'spelling', prompt: 'dancepop', checks: [genre(['dance pop'], 0.8)] },
  { class: 'spelling', prompt: 'raggaeton', checks: [genre(['reggaeton'], 0.8)] },
  { class: 'spelling', prompt: 'electropop', checks: [genre(['electropop'], 0.8)] },
  { class: 'spelling', prompt: 'southern hiphop', checks: [genre(['southern hip hop'], 0.8)] },
  { class: 'spelling', prompt: 'newjack swing', checks: [genre(['new jack swing'], 0.8)] },

  // multilingual
  { class: 'multilingual', prompt: 'música para dormir', checks: [feature('energy', { max: 0.45 })] },
  { class: 'multilingual', prompt: 'canciones alegres', checks: [feature('valence', { min: 0.5 })] },
  { class: 'multilingual', prompt: 'pop sin Taylor Swift', checks: [genre(['pop']), noArtists('Taylor Swift')] },
  { class: 'multilingual', prompt: 'chansons tristes', checks: [feature('valence', { max: 0.4 })] },
  { class: 'multilingual', prompt: 'musique pour faire la fête', checks: [feature('danceability', { min: 0.6 }, 0.7), feature('energy', { min: 0.6 })] },
  { class: 'multilingual', prompt: 'Rock der 70er', checks: [genre(['rock']), years(1970, 1979)] },
  { class: 'multilingual', prompt: 'entspannte Musik', checks: [feature('energy', { max: 0.6 })] },
  { class: 'multilingual', prompt: 'músicas tristes', checks: [feature('valence', { max: 0.4 })] },
  { class: 'multilingual', prompt: 'hip hop dos anos 2000', checks: [genre(HIP_HOP), years(2000, 2009)] },
  { class: 'multilingual', prompt: 'rap sans Eminem', checks: [genre(['rap']), noArtists('Eminem')] },

  // artist
  { class: 'artist', prompt: 'songs like Daft Punk', checks: [seeded('Daft Punk')] },
  { class: 'artist', prompt: 'music by Bad Bunny', restrictsArtists: true, checks: [artists(['Bad Bunny'], 1)] },
  { class: 'artist', prompt: 'like beyonce', checks: [seeded('Beyoncé')] },
  { class: 'artist', prompt: 'in the style of The Weeknd', checks: [seeded('The Weeknd')] },
  { class: 'artist', prompt: 'Songs for the Future', checks: [artists(['Future'], 0, 0.1)] },
  { class: 'artist', prompt: 'Eminem deep cuts', restrictsArtists: true, checks: [artists(['Eminem'], 0.3)] },
  { class: 'artist', prompt: 'something like guns n roses', checks: [artists(["Guns N' Roses"], 0.04)] },
  { class: 'artist', prompt: 'songs by the beatles', restrictsArtists: true, allowShort: true, checks: [artists(['The Beatles'], 1), atLeast(10)] },
  { class: 'artist', prompt: 'music for a drama queen', checks: [artists(['Queen'], 0, 0.1)] },
  { class: 'artist', prompt: 'Taylor Swift and Ed Sheeran songs', restrictsArtists: true, checks: [artists(['Taylor Swift', 'Ed Sheeran'], 0.8)] },

  // honesty
  { class: 'honesty', prompt: 'jazz', checks: [unfulfilled('jazz'), titleOmits('jazz')] },
  { class: 'honesty', prompt: 'reggae for the beach', checks: [unfulfilled('reggae'), titleOmits('reggae')] },
  { class: 'honesty', prompt: 'songs like Portishead', checks: [unfulfilled('portishead'), titleOmits('portishead')] },
  { class: 'honesty', prompt: 'blues for a rainy night', checks: [unfulfilled('blues'), titleOmits('blues')] },
  { class: 'honesty', prompt: 'music from the 1930s', checks: [unfulfilled('1930'), titleOmits('1930', '30s'), atLeast(20)] },
  { class: 'honesty', prompt: 'rap from the sixties', checks: [relaxed, genre(['rap']), years(1955, 1990, 0.8)] },
  { class: 'honesty', prompt: 'techno for a warehouse rave', checks: [unfulfilled('techno'), titleOmits('techno'), feature('energy', { min: 0.65 })] },
  { class: 'honesty', prompt: 'folk songs by the campfire', checks: [unfulfilled('folk'), titleOmits('folk')] },
  { class: 'honesty', prompt: 'bossa nova for a lazy sunday', checks: [unfulfilled('bossa nova'), titleOmits('bossa nova')] },
  { class: 'honesty', prompt: 'opera arias', checks: [unfulfilled('opera'), titleOmits('opera')] },
];
