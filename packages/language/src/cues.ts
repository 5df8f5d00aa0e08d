// Cue words: the little words that scope what follows ("no", "not too", "more", "only", "like",
// "by") and the filler a cue's scope passes over. Matched like any other phrase of the lexicon.
import type { Modifier } from './terms';

export const MODIFIER_PHRASES: Record<Exclude<Modifier, 'none'>, readonly string[]> = {
  negated: [
    'no', 'not', 'without', 'except', 'excluding', 'exclude', 'avoid', 'minus', 'skip', 'nothing', 'none', 'dont',
    'do not', 'never', 'but no', 'no more', 'remove', 'drop', 'cut', 'lose', 'get rid of', 'take out', 'ban', 'ditch',
    'not any', 'zero', 'hold the', 'instead of', 'rather than', 'anything but', 'other than', 'apart from', 'hate',
  ],
  softened: [
    'not too', 'not very', 'not so', 'not overly', 'not super', 'not that', 'not really', 'less', 'a bit less',
    'a little less', 'slightly less', 'tone down', 'reduce', 'lower', 'not as',
  ],
  more: [
    'more', 'a bit more', 'a little more', 'extra', 'even more', 'add', 'add some', 'add more', 'add in', 'with more',
    'throw in', 'include', 'plus', 'increase', 'bring in', 'bring back', 'mix in', 'some more', 'lots of', 'loads of',
  ],
  only: ['only', 'just', 'nothing but', 'exclusively', 'strictly', 'purely', 'all'],
  like: [
    'like', 'similar to', 'similar', 'sounds like', 'sound like', 'in the style of', 'style of', 'inspired by',
    'vibes of', 'a la', 'reminiscent of', 'in the vein of', 'such as', 'the likes of', 'kind of like',
    'along the lines of', 'fans of', 'for fans of', 'if you like', 'think', 'similar artists to', 'artists like',
  ],
  by: ['by', 'from', 'featuring', 'feat', 'ft', 'songs by', 'tracks by', 'music by', 'songs from'],
};

/** Words a cue's scope passes over: "no songs by Drake", "without any reggaeton or trap". */
export const SCOPE_SKIP_WORDS = new Set([
  'and', 'or', 'nor', 'any', 'some', 'the', 'a', 'an', 'too', 'very', 'much', 'of', 'want', 'wanna', 'anything',
  'songs', 'song', 'tracks', 'track', 'music', 'stuff', 'please', 'really', 'so', 'i', 'me', 'artists', 'artist',
  'bands', 'band', 'tunes', 'vibes', 'vibe', 'style', 'kind', 'type', 'sort', 'genre', 'with', 'for',
]);

export const CONNECTOR_WORDS = new Set(['and', 'or', 'nor', 'plus']);

/** Words that end a cue's scope: "like Daft Punk but slower". */
export const SCOPE_BREAK_WORDS = new Set(['but', 'yet', 'though', 'although', 'while', 'then']);

export const REMAINDER_STOPWORDS = new Set([
  ...SCOPE_SKIP_WORDS,
  'playlist', 'mix', 'give', 'make', 'me', 'my', 'to', 'in', 'on', 'at', 'is', 'it', 'that', 'this', 'be', 'get',
  'put', 'together', 'create', 'can', 'you', 'something', 'good', 'great', 'best', 'some', 'few', 'list', 'but',
  'while', 'when', 'im', 'am', 'are', 'was', 'during', 'great', 'nice', 'cool', 'awesome', 'perfect', 'ideal',
  'day', 'days', 'time', 'era', 'decade', 'years', 'year', 'from', 'about', 'around', 'up', 'out', 'down', 'into',
  'need', 'would', 'could', 'should', 'love', 'play', 'let', 'lets', 'hear', 'listen', 'listening',
]);


/** Single-word negation cues ("no", "without", …): Search drops them with what they negate. */
export const NEGATION_WORDS: readonly string[] = MODIFIER_PHRASES.negated.filter((phrase) => !phrase.includes(' '));
