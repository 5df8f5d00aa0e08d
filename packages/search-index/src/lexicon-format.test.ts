import { buildCatalogLexicon, interpretQuery } from '@mixtape/language';
import { describe, expect, it } from 'vitest';
import { lexiconArtistArrays, lexiconFromArrays } from './lexicon-format';
import { createSearchFixtureStore } from './testing/index';

describe('the lexicon stored with the search index', () => {
  const store = createSearchFixtureStore();
  const built = buildCatalogLexicon(store);
  const loaded = lexiconFromArrays(lexiconArtistArrays(built, store), store);

  it('holds the same artists, aliases, profiles and vocabulary as the one built from the catalog', () => {
    const plain = (lexicon: typeof built) => ({
      artists: [...lexicon.artists].map(([key, entry]) => [key, entry.standalone, entry.ref]),
      compact: [...lexicon.artistsCompact].map(([key, entry]) => [key, entry.ref.name, entry.standalone]),
      phrases: [...lexicon.phrases.keys()],
      genres: [lexicon.genreNames, lexicon.subgenreNames, lexicon.genreKeys, lexicon.maxPhraseTokens, lexicon.maxArtistTokens, lexicon.currentYear],
    });
    expect(plain(loaded)).toEqual(plain(built));
    // aliases share their artist's ref, as in the built lexicon
    for (const [key, entry] of built.artistsCompact) expect(loaded.artistsCompact.get(key)).toBe(loaded.artists.get([...built.artists].find(([, other]) => other === entry)![0]));
  });

  it('reads queries the same way', () => {
    for (const query of ['sad songs 2000s', 'rap without drake', 'like beyonce but slower', 'chill acoustic 90s']) {
      expect(interpretQuery(loaded, query)).toEqual(interpretQuery(built, query));
    }
  });

  it('refuses arrays that disagree', () => {
    const arrays = lexiconArtistArrays(built, store);
    expect(() => lexiconFromArrays({ ...arrays, entries: arrays.entries.subarray(2) }, store)).toThrow(/disagree/);
  });
});
