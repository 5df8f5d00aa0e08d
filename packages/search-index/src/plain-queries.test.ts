// Plain queries are answered as before the query language (3d08ceb): a query without operators
// is not read through the parser, and the lexical top-k that now takes the parser's slots gives,
// for plain words, exactly what its plain path gives. Checked over a fixed set of queries — every
// name of the fixture catalog, a misspelling of each (seeded), a prefix of each, and names that
// hold ":", "-" or quotes — replacing the gitignored hash of the session's scratch script.
import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from './build';
import { misspell } from './misspell';
import { searchWords } from './normalize';
import { hasOperators, parseSearchQuery, type ParsedQuery } from './query-syntax';
import { createSearchFixtureStore } from './testing/index';

const store = createSearchFixtureStore();

function fixedQueries(): string[] {
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const names = [
    ...Array.from({ length: store.trackCount }, (_, i) => store.trackTitle(i)),
    ...Array.from({ length: store.artistCount }, (_, i) => store.artistName(i)),
  ];
  const queries = new Set<string>();
  for (const name of names) {
    queries.add(name);
    const words = name.split(/\s+/);
    const long = words.findIndex((word) => word.length >= 4);
    if (long >= 0) queries.add(words.map((word, i) => (i === long ? misspell(word.toLowerCase(), random) : word)).join(' '));
    queries.add(name.slice(0, Math.max(2, Math.ceil(name.length * 0.6))));
  }
  // text with the parser's characters that holds no operator
  for (const query of ['AC/DC - Live', 'Title: Track', 'Suite: Judy Blue Eyes', 'Lee "Shot" Williams', 'JAY-Z', '-M-', 'ROCK AND ROLL', 'now or never', 'Royce Da 5\'9"', 'Blue Monday 12"', 're:stacks', 'a-ha take on me'])
    queries.add(query);
  return [...queries];
}

type Lexical = (words: string[], accept: unknown, boost: unknown, bound: unknown, depth: number, syntax?: ParsedQuery) => { id: number; score: number; queryTerms: string[] }[];

describe('plain queries are answered as before the query language', () => {
  const queries = fixedQueries();

  it('a query without operators reads as its plain words', () => {
    expect(queries.length).toBeGreaterThan(300);
    for (const query of queries) {
      const parsed = parseSearchQuery(query);
      expect(hasOperators(parsed), query).toBe(false);
      expect(parsed.words, query).toEqual(searchWords(query));
    }
  });

  it("the lexical top-k through the parser's slots equals its plain path on every query", () => {
    const engine = buildSearchIndex(store, { content: false });
    const internals = engine as unknown as { lexicalSearch: Lexical };
    const plainPath = internals.lexicalSearch.bind(engine);
    let compared = 0;
    // every lexical list the real searches ask for is also taken through the slot path, with each word a slot
    internals.lexicalSearch = (words, accept, boost, bound, depth, syntax) => {
      const plain = plainPath(words, accept, boost, bound, depth, syntax);
      if (syntax === undefined) {
        const slots = [...new Set(words)].map((word) => [word]);
        const slotted = plainPath(words, accept, boost, bound, depth, { words, slots, requirements: [], exclusions: [], describe: words.join(' '), operators: [] });
        expect(slotted.map(({ id, score, queryTerms }) => ({ id, score, queryTerms })), words.join(' ')).toEqual(plain.map(({ id, score, queryTerms }) => ({ id, score, queryTerms })));
        compared++;
      }
      return plain;
    };
    const reference = buildSearchIndex(store, { content: false });
    for (const query of queries) {
      // the instrumented engine answers as an untouched one
      expect(engine.search(query, { limit: 20 }), query).toEqual(reference.search(query, { limit: 20 }));
    }
    expect(compared).toBeGreaterThanOrEqual(queries.length);
  });
});
