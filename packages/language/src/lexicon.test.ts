import { describe, expect, it } from 'vitest';
import { interpretQuery } from './interpret';
import { buildLexicon, lookupArtist, lookupGenre } from './lexicon';
import { matchTerms } from './match';
import { tokenize } from './tokens';

const lexicon = buildLexicon({
  genres: ['pop', 'rap', 'r&b', 'latin', 'edm', 'trip hop'],
  subgenres: ['hip hop', 'reggaeton', 'electropop'],
  artists: [
    { id: 'a1', name: 'Daft Punk' },
    { id: 'a2', name: 'Beyoncé' },
    { id: 'a3', name: 'The Weeknd' },
    { id: 'a4', name: 'AC/DC' },
    { id: 'a5', name: 'Future' },
    { id: 'a6', name: 'Sigur Rós' },
    { id: 'a7', name: 'Beyonce' },
  ],
  currentYear: 2026,
});

const canonicals = (text: string) => matchTerms(lexicon, text).terms.map((term) => term.canonical);

/** Each term as canonical:modifier, with ":like" when the negation also refuses the artist's sound. */
const read = (text: string) => matchTerms(lexicon, text).terms.map((term) => `${term.canonical}:${term.modifier}${term.negatesLike ? ':like' : ''}`);

/** The whole text reads as "no Daft Punk, nor his sound", nothing left over. */
function expectRefusesDaftPunksSound(text: string) {
  expect(matchTerms(lexicon, text), text).toEqual({ terms: [expect.objectContaining({ canonical: 'Daft Punk', modifier: 'negated', negatesLike: true })], remainder: [] });
}

describe('lexicon matching', () => {
  it('matches genres whatever the spacing, hyphens and case', () => {
    for (const text of ['trip-hop', 'trip hop', 'TripHop', 'TRIP  HOP']) expect(canonicals(text)).toEqual(['trip hop']);
    for (const text of ['r&b', 'R & B', 'rnb', 'r n b', 'rhythm and blues']) expect(canonicals(text)).toEqual(['r&b']);
    for (const text of ['hip hop', 'hip-hop', 'hiphop']) expect(canonicals(text)).toEqual(['hip hop']);
    // A curated alias maps onto the catalog's spelling.
    expect(canonicals('synth-pop')).toEqual(['electropop']);
  });

  it('prefers the longest phrase: "latin" vs "latin pop" vs mood words', () => {
    const withLatinPop = buildLexicon({ genres: ['latin'], subgenres: ['latin pop'], artists: [], currentYear: 2026 });
    expect(matchTerms(withLatinPop, 'latin pop hits').terms.map((term) => term.canonical)).toEqual(['latin pop', 'popular']);
  });

  it('matches artists folded, with or without "the", and joined words', () => {
    expect(canonicals('like beyonce')).toEqual(['Beyoncé']);
    expect(matchTerms(lexicon, 'like beyonce').terms[0]?.effect.artist?.ids).toEqual(['a2', 'a7']);
    expect(canonicals('weeknd')).toEqual(['The Weeknd']);
    expect(canonicals('acdc and ac/dc')).toEqual(['AC/DC', 'AC/DC']);
    expect(canonicals('sigur ros')).toEqual(['Sigur Rós']);
    // Where the writer uses capitals, a lowercase single word is not taken for a name.
    expect(canonicals('Songs for a weeknd')).toEqual([]);
    expect(canonicals('Songs like weeknd')).toEqual(['The Weeknd']);
  });

  it('reads a common-word artist only after a cue', () => {
    expect(canonicals('music for the future')).toEqual([]);
    expect(matchTerms(lexicon, 'no future').terms).toMatchObject([{ kind: 'artist', canonical: 'Future', modifier: 'negated' }]);
    expect(matchTerms(lexicon, 'like future').terms).toMatchObject([{ kind: 'artist', modifier: 'like' }]);
  });

  it('scopes cues: a negation carries over "or"/"and", a softener stops at the next term', () => {
    const modifiers = (text: string) => matchTerms(lexicon, text).terms.map((term) => `${term.canonical}:${term.modifier}`);
    expect(modifiers('no reggaeton or future, upbeat pop')).toEqual([
      'reggaeton:negated',
      'Future:negated',
      'upbeat:none',
      'pop:none',
    ]);
    expect(modifiers('without any songs by daft punk')).toEqual(['Daft Punk:negated']);
    expect(modifiers('not too upbeat pop')).toEqual(['upbeat:softened', 'pop:none']);
    expect(modifiers('like daft punk but slower')).toEqual(['Daft Punk:like', 'slower:none']);
  });

  it('tells "no Daft Punk" (his tracks) from "nothing like Daft Punk" (his sound), and softens "less like Daft Punk"', () => {
    // a refinement keeps a seed as the direction for the first and drops it for the second
    for (const text of ['no daft punk', 'without daft punk', 'exclude daft punk', 'no songs by daft punk', 'no more daft punk']) {
      expect(read(text)).toEqual(['Daft Punk:negated']);
    }
    expect(read('nothing like daft punk')).toEqual(['Daft Punk:negated:like']);
    expect(read('not similar to daft punk or future')).toEqual(['Daft Punk:negated:like', 'Future:negated:like']);
    expect(read('nothing like daft punk, no future')).toEqual(['Daft Punk:negated:like', 'Future:negated']);
    expect(read('nothing like songs by daft punk')).toEqual(['Daft Punk:negated:like']);
    // a replacement asks for another direction
    for (const text of ['instead of daft punk', 'rather than daft punk', 'anything but daft punk', 'other than daft punk']) {
      expect(read(text), text).toEqual(['Daft Punk:negated:like']);
    }
    expect(read('no daft punk, apart from that anything')).toEqual(['Daft Punk:negated']);
    // was "like": "less like X" seeded X; it moves away from the sound, as "nothing like X"
    expect(read('less like daft punk')).toEqual(['Daft Punk:softened:like']);
    expect(interpretQuery(lexicon, 'less like daft punk').constraints.artists.seed).toEqual([]);
  });

  it('reads "no Daft Punk or anything like him" as his tracks and his sound: the pronoun points back at the negated artist', () => {
    for (const text of [
      'skip daft punk and anything like him',
      'no daft punk or anyone like him',
      'without daft punk or anything like her',
      'not daft punk or artists like them',
      'no daft punk and nothing like it',
      'no daft punk or anyone else who sounds like him',
      'no daft punk or stuff similar to them',
    ]) {
      expectRefusesDaftPunksSound(text);
    }
    // "them" points back at every artist the negation named, "him" at the last one
    expect(read('no daft punk or future or anyone like them')).toEqual(['Daft Punk:negated:like', 'Future:negated:like']);
    expect(read('no daft punk or future or anyone like him')).toEqual(['Daft Punk:negated', 'Future:negated:like']);
    // the tail ends there: the cue carries on over the next "or"; a clause after it reads as before
    expect(read('skip daft punk and anything like him or future, more pop')).toEqual(['Daft Punk:negated:like', 'Future:negated', 'pop:more']);
    // a "but" or a comma ends the negation: the pronoun no longer refuses the sound
    expect(read('no daft punk, but anything like him is fine')).toEqual(['Daft Punk:negated']);
    // a seeded artist stays a seed; a plain "no" stays plain
    expect(read('like daft punk and anything like him')).toEqual(['Daft Punk:like']);
    expect(read('no daft punk')).toEqual(['Daft Punk:negated']);
    // in lowercase text "them" is not read as a band called Them
    const withThem = buildLexicon({ genres: [], artists: [{ id: 'd', name: 'Drake' }, { id: 't', name: 'Them' }], currentYear: 2026 });
    expect(matchTerms(withThem, 'no drake or anyone like them').terms.map((term) => term.canonical)).toEqual(['Drake']);
  });

  it('reads "no Daft Punk or anything similar" without a pronoun when the words name the others and the clause ends there', () => {
    for (const text of [
      'no daft punk or anything similar',
      'skip daft punk and anyone similar',
      'no daft punk or similar artists',
      'without daft punk or anything like that',
      'no daft punk or similar',
      'no daft punk and the like',
    ]) {
      expectRefusesDaftPunksSound(text);
    }
    // without a pronoun the tail points back at every artist the negation named, as "them" does
    expect(read('no daft punk or future or anything similar')).toEqual(['Daft Punk:negated:like', 'Future:negated:like']);
    expect(read('no daft punk or anything similar or future, more pop')).toEqual(['Daft Punk:negated:like', 'Future:negated', 'pop:more']);
    // "similar" that goes on to something else, after a comma, or a bare filler "like" is not a tail
    expect(read('no daft punk, similar energy though')).toEqual(['Daft Punk:negated', 'high-energy:like']);
    expect(read('no daft punk, similar')).toEqual(['Daft Punk:negated']);
    expect(read('no daft punk and similar energy')).toEqual(['Daft Punk:negated', 'high-energy:like']);
    expect(read('no daft punk and like, upbeat stuff')).toEqual(['Daft Punk:negated', 'upbeat:none']);
    expect(read('no daft punk or anything similar to the weeknd')).toEqual(['Daft Punk:negated', 'The Weeknd:negated:like']);
  });

  it('reads a negation after a comma that points back ("no Daft Punk, nothing like him either") as refusing his sound too', () => {
    for (const text of [
      'no daft punk, nothing like him either',
      'no daft punk, and nothing like him',
      'no daft punk, no one who sounds like him',
      'no daft punk, nothing similar either',
      'skip daft punk, and nothing like that',
      'no daft punk, nor anything like him',
    ]) {
      expectRefusesDaftPunksSound(text);
    }
    expect(read('no daft punk or future, nothing like them either')).toEqual(['Daft Punk:negated:like', 'Future:negated:like']);
    expect(read('no daft punk, nothing like him, more pop')).toEqual(['Daft Punk:negated:like', 'pop:more']);
    // after a comma only a negation of its own carries on: "but anything like him is fine" welcomes the sound
    expect(read('no daft punk, but anything like him is fine')).toEqual(['Daft Punk:negated']);
    expect(read('no daft punk, anything like him')).toEqual(['Daft Punk:negated']);
    // "nothing but" asks for only
    expect(read('no daft punk, nothing but pop')).toEqual(['Daft Punk:negated', 'pop:only']);
  });

  it('starts a new clause at "and like" / "and by": "less pop and like Daft Punk" asks for Daft Punk; "or" carries the cue on', () => {
    expect(read('less pop and like daft punk')).toEqual(['pop:softened', 'Daft Punk:like']);
    expect(read('no pop and like daft punk')).toEqual(['pop:negated', 'Daft Punk:like']);
    expect(read('no pop and by daft punk')).toEqual(['pop:negated', 'Daft Punk:by']);
    expect(interpretQuery(lexicon, 'less pop and similar to daft punk').constraints.artists.seed.map((artist) => artist.name)).toEqual(['Daft Punk']);
    // without a cue after the connector, the cue carries on, "or" and "and" alike
    expect(read('no daft punk or future')).toEqual(['Daft Punk:negated', 'Future:negated']);
    expect(read('nothing like daft punk and future')).toEqual(['Daft Punk:negated:like', 'Future:negated:like']);
  });

  it('reads a minus before a word as a negation, as search boxes do ("rock -reggaeton"), and leaves hyphens alone', () => {
    const modifiers = (text: string) => matchTerms(lexicon, text).terms.map((term) => `${term.canonical}:${term.modifier}`);
    expect(modifiers('pop -reggaeton')).toEqual(['pop:none', 'reggaeton:negated']);
    expect(modifiers('-reggaeton pop')).toEqual(['reggaeton:negated', 'pop:none']);
    expect(modifiers('upbeat k-pop')).not.toContainEqual(expect.stringMatching(/negated/));
    expect(modifiers('upbeat - pop')).toEqual(['upbeat:none', 'pop:none']);
  });

  it('leaves a name that ends in a hyphen alone: "-M-" is the artist, not "no M" (the search query language\'s rule)', () => {
    const words = (text: string) => tokenize(text).map((token) => token.text);
    expect(words('-M-')).toEqual(['m']);
    expect(words('songs like -M- -jazz')).toEqual(['songs', 'like', 'm', 'no', 'jazz']);
    expect(words('-M')).toEqual(['no', 'm']);
    expect(words('Jay-Z a-ha -5')).toEqual(['jay', 'z', 'a', 'ha', '5']);
  });

  it('reads decades, years, ranges and open bounds', () => {
    const years = (text: string) => interpretQuery(lexicon, text).constraints.releaseYear;
    expect(years('90s')).toEqual({ min: 1990, max: 1999 });
    expect(years("'90s")).toEqual({ min: 1990, max: 1999 });
    expect(years('1990s')).toEqual({ min: 1990, max: 1999 });
    expect(years('nineties')).toEqual({ min: 1990, max: 1999 });
    expect(years('late 90s')).toEqual({ min: 1996, max: 1999 });
    expect(years('early 2000s')).toEqual({ min: 2000, max: 2003 });
    expect(years('2010s')).toEqual({ min: 2010, max: 2019 });
    expect(years('10s')).toEqual({ min: 2010, max: 2019 });
    expect(years('80s and 90s')).toEqual({ min: 1980, max: 1999 });
    expect(years('from 2010 to 2015')).toEqual({ min: 2010, max: 2015 });
    expect(years('2010-2015')).toEqual({ min: 2010, max: 2015 });
    expect(years('1996')).toEqual({ min: 1996, max: 1996 });
    expect(years('before 2000')).toEqual({ min: 1900, max: 1999 });
    expect(years('pre-2000 hip hop')).toEqual({ min: 1900, max: 1999 });
    expect(years('since 2015')).toEqual({ min: 2015, max: 2100 });
    expect(years('90s but nothing before 1995')).toEqual({ min: 1995, max: 1999 });
    expect(years('90s after 1995')).toEqual({ min: 1996, max: 1999 });
    expect(years('new releases')).toEqual({ min: 2024, max: 2026 });
    expect(years('old school hip hop')).toEqual({ min: 1970, max: 1999 });
  });

  it('reads lengths and durations', () => {
    const length = (text: string) => {
      const { constraints } = interpretQuery(lexicon, text);
      return { tracks: constraints.trackCount, minutes: constraints.targetMinutes };
    };
    expect(length('20 songs')).toEqual({ tracks: 20, minutes: null });
    expect(length('twenty five tracks')).toEqual({ tracks: 25, minutes: null });
    expect(length('30 upbeat pop tracks')).toEqual({ tracks: 30, minutes: null });
    expect(length('a dozen songs')).toEqual({ tracks: 12, minutes: null });
    expect(length('a happy song')).toEqual({ tracks: null, minutes: null });
    expect(length('an hour')).toEqual({ tracks: null, minutes: 60 });
    expect(length('45 min')).toEqual({ tracks: null, minutes: 45 });
    expect(length('45min')).toEqual({ tracks: null, minutes: 45 });
    expect(length('1.5 hours')).toEqual({ tracks: null, minutes: 90 });
    expect(length('two hours')).toEqual({ tracks: null, minutes: 120 });
    expect(length('half an hour')).toEqual({ tracks: null, minutes: 30 });
    expect(length('an hour and a half')).toEqual({ tracks: null, minutes: 90 });
    expect(length('an hour-long mix')).toEqual({ tracks: null, minutes: 60 });
  });

  it('reads tempo in BPM and tempo/energy words, and inverts negated moods', () => {
    const features = (text: string) => interpretQuery(lexicon, text).constraints.features;
    expect(features('around 120 bpm').tempo).toEqual({ min: 112, max: 128 });
    expect(features('under 100 bpm').tempo).toEqual({ min: 0, max: 100 });
    expect(features('at least 128bpm').tempo).toEqual({ min: 128, max: 250 });
    expect(features('upbeat').energy).toEqual({ min: 0.6, max: 1 });
    expect(features('mellow').energy).toEqual({ min: 0, max: 0.5 });
    expect(features('no sad songs').valence).toEqual({ min: 0.35, max: 1 });
    expect(features('chill workout').energy).toEqual({ min: 0, max: 0.55 });
    expect(features('instrumental, no vocals').instrumentalness).toEqual({ min: 0.5, max: 1 });
  });

  it('keeps an artist both seeded and excluded as a direction: "like The Weeknd but not The Weeknd"', () => {
    const artists = (text: string) => {
      const { seed, include, exclude } = interpretQuery(lexicon, text).constraints.artists;
      const names = (list: readonly { name: string }[]) => list.map((artist) => artist.name);
      return { seed: names(seed), include: names(include), exclude: names(exclude) };
    };
    // the sound of the seed steers the playlist; its own tracks stay out (the ranking excludes them)
    expect(artists('songs like the weeknd but not the weeknd')).toEqual({ seed: ['The Weeknd'], include: [], exclude: ['The Weeknd'] });
    expect(artists('like daft punk, no daft punk')).toEqual({ seed: ['Daft Punk'], include: [], exclude: ['Daft Punk'] });
    // "by X … but not X" contradicts itself: the exclusion wins over the include
    expect(artists('songs by daft punk but not daft punk')).toEqual({ seed: [], include: [], exclude: ['Daft Punk'] });
    // an exclusion alone seeds nothing
    expect(artists('no daft punk')).toEqual({ seed: [], include: [], exclude: ['Daft Punk'] });
  });

  it('drops a seed whose exclusion refuses the sound too: "rap like Daft Punk but skip Daft Punk and anything like him" is rap without him', () => {
    const artistsAndGenres = (text: string) => {
      const { constraints } = interpretQuery(lexicon, text);
      return { seed: constraints.artists.seed.map((artist) => artist.name), exclude: constraints.artists.exclude.map((artist) => artist.name), genres: constraints.genres.include };
    };
    for (const text of ['rap like daft punk but skip daft punk and anything like him', 'rap like daft punk, no daft punk or anything similar', 'rap like daft punk but nothing like daft punk']) {
      expect(artistsAndGenres(text), text).toEqual({ seed: [], exclude: ['Daft Punk'], genres: ['rap'] });
    }
    // only the artist whose sound is refused: the other seed stays
    expect(artistsAndGenres('rap like daft punk and future but no daft punk or anything similar')).toEqual({ seed: ['Future'], exclude: ['Daft Punk'], genres: ['rap'] });
    // a plain exclusion keeps the seed as the direction, as before
    expect(artistsAndGenres('rap like daft punk but no daft punk')).toEqual({ seed: ['Daft Punk'], exclude: ['Daft Punk'], genres: ['rap'] });
  });

  it('leaves unknown words in the remainder for lexical search', () => {
    expect(interpretQuery(lexicon, 'chill halo remix by beyonce').remainder).toBe('halo');
  });
});

describe('lookups', () => {
  it('resolves genre spellings and curated aliases to catalog names', () => {
    expect(lookupGenre(lexicon, 'Hip-Hop')).toEqual({ genres: [], subgenres: ['hip hop'] });
    expect(lookupGenre(lexicon, 'synthpop')).toEqual({ genres: [], subgenres: ['electropop'] });
    // A genre the vocabulary knows but the catalog lacks resolves to its label only (said, not filtered on).
    expect(lookupGenre(lexicon, 'polka')).toEqual({ genres: [], subgenres: [], label: 'polka' });
    expect(lookupGenre(lexicon, 'zydeco')).toBeUndefined();
  });

  it('resolves artists folded, with or without "the"', () => {
    expect(lookupArtist(lexicon, 'the weeknd')?.name).toBe('The Weeknd');
    expect(lookupArtist(lexicon, 'ACDC')?.name).toBe('AC/DC');
    expect(lookupArtist(lexicon, 'Nobody')).toBeUndefined();
  });
});
