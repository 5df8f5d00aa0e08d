// Cue words: the little words that scope what follows ("no", "not too", "more", "only", "like",
// "by") and the filler a cue's scope passes over. Matched like any other phrase of the lexicon.
import type { Modifier } from './terms';

export const MODIFIER_PHRASES: Record<Exclude<Modifier, 'none'>, readonly string[]> = {
  negated: [
    'no', 'not', 'without', 'except', 'excluding', 'exclude', 'avoid', 'minus', 'skip', 'nothing', 'none', 'dont',
    'do not', 'never', 'but no', 'no more', 'remove', 'drop', 'cut', 'lose', 'get rid of', 'take out', 'ban', 'ditch',
    'not any', 'zero', 'hold the', 'instead of', 'rather than', 'anything but', 'other than', 'apart from', 'hate',
    'no more of', 'none of', 'not a fan of', 'sick of', 'tired of', 'leave out', 'keep out', 'spare me',
    // Spanish, Portuguese, French, German
    'sin', 'nada de', 'ningun', 'ninguna', 'ninguno', 'excepto', 'salvo', 'menos de', 'sem', 'nenhum', 'nenhuma', 'exceto',
    'sans', 'pas de', 'sauf', 'excepte', 'ohne', 'kein', 'keine', 'keinen', 'keiner', 'nicht', 'ausser', 'bitte kein',
  ],
  softened: [
    'not too', 'not very', 'not so', 'not overly', 'not super', 'not that', 'not really', 'less', 'a bit less',
    'a little less', 'slightly less', 'tone down', 'reduce', 'lower', 'not as', 'nothing too', 'none too',
    'nothing overly', 'nothing super', 'never too', 'not too much', 'nothing that', 'nada muy', 'nada demasiado',
    'no muy', 'no tan', 'nao muito', 'nada muito', 'pas trop', 'rien de trop', 'nicht zu', 'nichts zu', 'menos', 'moins', 'weniger',
  ],
  more: [
    'more', 'a bit more', 'a little more', 'extra', 'even more', 'add', 'add some', 'add more', 'add in', 'with more',
    'throw in', 'include', 'plus', 'increase', 'bring in', 'bring back', 'mix in', 'some more', 'lots of', 'loads of',
    'mas', 'mehr', 'plus de',
  ],
  only: ['only', 'just', 'nothing but', 'exclusively', 'strictly', 'purely', 'all', 'solo', 'solamente', 'somente', 'apenas', 'seulement', 'uniquement', 'nur'],
  like: [
    'like', 'similar to', 'similar', 'sounds like', 'sound like', 'in the style of', 'style of', 'inspired by',
    'vibes of', 'a la', 'reminiscent of', 'in the vein of', 'such as', 'the likes of', 'kind of like',
    'along the lines of', 'fans of', 'for fans of', 'if you like', 'think', 'similar artists to', 'artists like',
    'como', 'parecido a', 'parecida a', 'similar a', 'al estilo de', 'estilo', 'parecido com', 'semelhante a', 'tipo',
    'comme', 'dans le style de', 'facon', 'wie', 'ahnlich wie', 'im stil von', 'a la',
  ],
  by: [
    'by', 'from', 'featuring', 'feat', 'ft', 'songs by', 'tracks by', 'music by', 'songs from', 'play', 'play some',
    'play me some', 'put on', 'put on some', 'i want to hear', 'best of', 'the best of', 'de', 'von', 'par',
  ],
};

/** Words a cue's scope passes over: "no songs by Drake", "without any reggaeton or trap". */
export const SCOPE_SKIP_WORDS = new Set([
  'and', 'or', 'nor', 'any', 'some', 'the', 'a', 'an', 'too', 'very', 'much', 'of', 'want', 'wanna', 'anything',
  'songs', 'song', 'tracks', 'track', 'music', 'stuff', 'please', 'really', 'so', 'i', 'me', 'artists', 'artist',
  'bands', 'band', 'tunes', 'vibes', 'vibe', 'style', 'kind', 'type', 'sort', 'genre', 'with', 'for', 'that',
  'those', 'these', 'his', 'her', 'their',
  // Spanish, Portuguese, French, German filler: articles, "songs", "music", "for"
  'canciones', 'cancion', 'musica', 'musicas', 'temas', 'cancoes', 'cancao', 'chansons', 'chanson', 'musique', 'morceaux',
  'lieder', 'lied', 'musik', 'songs', 'el', 'la', 'los', 'las', 'un', 'una', 'unos', 'o', 'os', 'as', 'um', 'uma',
  'le', 'les', 'une', 'des', 'du', 'der', 'die', 'das', 'den', 'dem', 'ein', 'eine', 'y', 'e', 'et', 'und', 'ou',
  'oder', 'ni', 'nem', 'para', 'pour', 'fur', 'zum', 'zur', 'con', 'com', 'avec', 'mit', 'de', 'do', 'da', 'dos',
  'del', 'al', 'en', 'em', 'au', 'aux', 'im', 'bitte', 'por', 'favor',
]);

export const CONNECTOR_WORDS = new Set(['and', 'or', 'nor', 'plus', 'y', 'e', 'et', 'und', 'o', 'ou', 'oder', 'ni', 'nem', 'weder', 'noch']);

/** Negations that ask for something else in its place ("instead of Drake"): on a seed they refuse the direction too. */
export const REPLACING_CUES = new Set(['instead of', 'rather than', 'anything but', 'other than']);

/** Pronouns that point back at the artists just negated: "no Drake or anyone like him". */
export const ARTIST_PRONOUNS = new Set(['him', 'her', 'them', 'it']);

/** Words between the connector and "like" that stand for other artists: "and anything / anyone who sounds like him". */
export const LIKENESS_WORDS = new Set([
  'anything', 'anyone', 'anybody', 'something', 'someone', 'somebody', 'nothing', 'nobody', 'no', 'one', 'none', 'any',
  'other', 'else', 'artists', 'artist', 'bands', 'band', 'singers', 'rappers', 'people', 'stuff', 'music', 'songs',
  'tracks', 'who', 'that', 'the',
]);

/** The connectors that join (not alternatives): after one, "like" / "by" start a new clause ("less pop and like Drake"). */
export const AND_WORDS = new Set(['and', 'plus', 'y', 'e', 'et', 'und']);

/** Words that end a cue's scope: "like Daft Punk but slower". */
export const SCOPE_BREAK_WORDS = new Set(['but', 'yet', 'though', 'although', 'while', 'then', 'pero', 'sino', 'porem', 'aber', 'sondern', 'cependant', 'pourtant']);

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
