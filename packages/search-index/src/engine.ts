// The search engine at query time: MiniSearch (BM25, prefix, fuzzy, field boosts) over tracks,
// artists and albums in one code space; FAISS over content vectors for descriptive queries;
// reciprocal rank fusion; popularity and personal priors; and a prefix index for typeahead.
// Built by build.ts, stored and loaded by format.ts; hit labels come from explain.ts.
import type { CatalogStore } from '@mixtape/catalog';
import { trackIndexByLabel, type ContentEncoder, type VectorIndex } from '@mixtape/embeddings';
import { nameText, nameWords } from '@mixtape/language';
import type { Lexicon } from '@mixtape/language';
import type MiniSearch from 'minisearch';
import type { SearchOptions as MiniSearchSearchOptions, SearchResult as MiniSearchResult } from 'minisearch';
import { resolveAffinity } from './affinity';
import type { ResolvedAffinity, UserAffinity } from './affinity';
import { encodeDescriptiveVector, readDescriptiveQuery } from './dense';
import type { DescriptiveReading } from './dense';
import { FIELDS, type Field, type IndexedDocument } from './documents';
import { ENTITY_TYPES, type EntitySpace, type EntityType } from './entities';
import { explainDense, explainLexical, round, toHit, type Candidate } from './explain';
import type { SuggestIndex } from './suggest-index';

/** Field boosts: a title hit outweighs an artist hit, which outweighs album and genre hits. */
export const FIELD_BOOSTS = { name: 3, artists: 2, album: 1, genres: 0.5 } as const;
/** Reciprocal rank fusion constant (Cormack et al. 2009); 60 is the customary value. */
export const RRF_K = 60;
/** Multiplicative priors: score × (1 + POPULARITY_WEIGHT·popularity + AFFINITY_WEIGHT·affinity). */
export const POPULARITY_WEIGHT = 0.3;
export const AFFINITY_WEIGHT = 0.5;
/** An entity whose whole name equals the query ("beyonce" → the artist Beyoncé) gets this added to its boost. */
export const EXACT_NAME_WEIGHT = 0.5;
/**
 * The knobs of fusion and priors, per request (experiments change them through config): RRF
 * constant, multipliers of the lexical and dense lists, and the prior weights above.
 */
export interface FusionWeights {
  rrfK: number;
  lexical: number;
  dense: number;
  popularity: number;
  affinity: number;
  exactName: number;
}
export const DEFAULT_FUSION: Readonly<FusionWeights> = Object.freeze({ rrfK: RRF_K, lexical: 1, dense: 1, popularity: POPULARITY_WEIGHT, affinity: AFFINITY_WEIGHT, exactName: EXACT_NAME_WEIGHT });

/** Genre affinity counts this much relative to artist affinity. */
const GENRE_AFFINITY_FACTOR = 0.4;
const DEFAULT_LIMIT = 20;
const DEFAULT_SUGGEST_LIMIT = 8;
export const MAX_LIMIT = 100;
const MIN_DEPTH = 100;
/** Postings the driving terms of one lexical query may have in total (see lexicalSearch). */
export const POSTINGS_BUDGET = 2000;
/** Candidates re-scored with the frequent words. */
const RESCORE_CANDIDATES = 500;


/**
 * Allowed edits grow with term length: none up to 3 characters, 1 up to 7, 2 from 8; never in
 * numbers. A word the index knows is taken as typed: correcting "love" to "live" and "move"
 * adds noise, and its neighbours' postings cost time on every query.
 */
export function typoTolerance(term: string, known = false): number {
  if (known || /\d/.test(term)) return 0;
  if (term.length <= 3) return 0;
  return term.length <= 7 ? 1 : 2;
}




export interface SearchOptions {
  /** entity types to return (default all) */
  types?: readonly EntityType[];
  /** default 20, at most MAX_LIMIT */
  limit?: number;
  offset?: number;
  /** the user's top artists and genres: their items move up */
  affinity?: UserAffinity;
  /** fusion and prior weights (default DEFAULT_FUSION) */
  fusion?: Partial<FusionWeights>;
}

export interface SuggestOptions {
  types?: readonly EntityType[];
  /** default 8, at most MAX_LIMIT */
  limit?: number;
  affinity?: UserAffinity;
}

export interface SearchHit {
  type: EntityType;
  id: string;
  name: string;
  artists?: { id: string; name: string }[];
  score: number;
  /** why it matched: "title: halo", "typo: beyonse→beyonce", "genre: trip-hop", "popular", "you play this artist" */
  matched: string[];
}

export interface SearchResponse {
  query: string;
  /** the query as indexed text */
  normalized: string;
  /** present when the query described music (moods, genres, eras…) and dense retrieval ran */
  descriptive?: { terms: string[]; constraints: string[]; coverage: number };
  results: SearchHit[];
}

export interface SearchEngineInfo {
  tracks: number;
  artists: number;
  albums: number;
  lexicalTerms: number;
  suggestKeys: number;
  dense: boolean;
}


export class SearchEngine {
  /** Postings the driving terms of a lexical query may have in total; frequent words past it only re-score. */
  postingsBudget = POSTINGS_BUDGET;
  /** content VectorIndex label → track index (−1 when the id is not in the store) */
  private readonly labelTrack: Int32Array | undefined;

  /** @internal use buildSearchIndex or loadSearchIndex */
  constructor(
    readonly store: CatalogStore,
    /** @internal */ readonly entities: EntitySpace,
    /** @internal */ readonly lexical: MiniSearch<IndexedDocument>,
    /** @internal */ readonly suggestIndex: SuggestIndex,
    /** @internal every term in the lexical index → number of documents holding it */ readonly vocabulary: Map<string, number>,
    private readonly lexicon: Lexicon,
    /** encoder of the content vectors (kept without an index so serialization keeps it) */
    readonly contentEncoder: ContentEncoder | undefined,
    readonly contentIndex: VectorIndex | undefined,
  ) {
    if (contentIndex) {
      if (!contentEncoder) throw new Error('search engine: a content index needs its content encoder');
      if (contentIndex.dim !== contentEncoder.dim) {
        throw new Error(`search engine: content index has dim ${contentIndex.dim} but the content encoder produces ${contentEncoder.dim}`);
      }
      this.labelTrack = trackIndexByLabel(contentIndex, store);
    }
    // the default typeahead (all types, 8 results) answers short, common prefixes from memory
    suggestIndex.prewarm(DEFAULT_SUGGEST_LIMIT, () => true, 'all');
  }

  info(): SearchEngineInfo {
    return {
      tracks: this.entities.trackCount,
      artists: this.entities.artistCount,
      albums: this.entities.albumCount,
      lexicalTerms: this.lexical.termCount,
      suggestKeys: this.suggestIndex.size,
      dense: this.contentIndex !== undefined,
    };
  }

  /** Hybrid search. Never throws on odd text (validation is the caller's: see validateQuery). */
  search(query: string, options: SearchOptions = {}): SearchResponse {
    const words = nameWords(query);
    const normalized = words.join(' ');
    const limit = clampLimit(options.limit, DEFAULT_LIMIT);
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    if (words.length === 0 || limit === 0) return { query, normalized, results: [] };
    const accept = this.typeFilter(options.types);
    const affinity = options.affinity ? resolveAffinity(this.store, options.affinity) : undefined;
    const fusion = options.fusion ? { ...DEFAULT_FUSION, ...options.fusion } : DEFAULT_FUSION;
    const priorBoost = this.priorBoost(affinity, fusion);
    const boost = (code: number): number => priorBoost(code) + (this.entities.names[code] === normalized ? fusion.exactName : 0);
    const depth = Math.max(MIN_DEPTH, offset + limit);

    const reading = readDescriptiveQuery(this.lexicon, this.store, query);
    let lexicalResults = this.lexicalSearch(words, accept, boost, depth);

    // Navigational: an entity is named exactly so, or the top hit matched every word while the
    // words are not all description ("dance monkey") or include a negation cue ("No Tears",
    // "Boys Don't Cry"). Then the lexicon's reading only adds a lightly weighted dense list.
    const coverage = reading?.coverage ?? 0;
    const names = this.entities.names;
    const negations = reading !== undefined && reading.negatedWords.size > 0;
    const matchedEveryWord = lexicalResults.length > 0 && new Set(lexicalResults[0]!.queryTerms).size >= new Set(words).size;
    const navigational =
      lexicalResults.slice(0, 3).some((result) => names[result.id as number] === normalized) || (matchedEveryWord && (coverage < 1 || negations));

    if (reading && !navigational) {
      // Exclusions ("no reggaeton", "without drake") bind lexical hits; a fully descriptive
      // query's year range ("sad songs 2000s") binds them too; negated words are not looked up.
      const hardFilter = coverage === 1 ? reading.hardFilter : reading.exclusionFilter;
      if (hardFilter || negations) {
        const lexicalWords = negations ? words.filter((word) => !reading.negatedWords.has(word)) : words;
        const trackCount = this.entities.trackCount;
        const filtered = hardFilter === undefined ? accept : (code: number) => accept(code) && (code >= trackCount || hardFilter(code));
        lexicalResults = lexicalWords.length === 0 ? [] : this.lexicalSearch(lexicalWords, filtered, boost, depth);
      }
    }

    let dense: { code: number; score: number }[] = [];
    if (reading?.vectorQuery && this.contentIndex && this.contentEncoder && accept(0) && this.entities.trackCount > 0) {
      dense = this.denseSearch(reading, boost, depth);
    }
    const lexicalWeight = fusion.lexical * (dense.length === 0 || navigational ? 1 : 1 - 0.5 * coverage);
    const denseWeight = fusion.dense * (navigational ? 0.25 * coverage : coverage);
    const k = fusion.rrfK;

    const fused = new Map<number, Candidate>();
    lexicalResults.forEach((result, rank) => {
      const code = result.id as number;
      fused.set(code, { code, score: (lexicalWeight * (k + 1)) / (k + rank + 1), matched: explainLexical(this.entities, result, words, code) });
    });
    dense.forEach(({ code }, rank) => {
      const contribution = (denseWeight * (k + 1)) / (k + rank + 1);
      const existing = fused.get(code);
      const labels = explainDense(this.entities, reading!, code);
      if (existing) {
        existing.score += contribution;
        for (const label of labels) if (!existing.matched.includes(label)) existing.matched.push(label);
      } else fused.set(code, { code, score: contribution, matched: labels });
    });

    const prior = this.entities.prior;
    const ranked = this.collapseDuplicates([...fused.values()].sort((a, b) => b.score - a.score || prior[b.code]! - prior[a.code]! || a.code - b.code));
    const results = ranked.slice(offset, offset + limit).map((candidate) => toHit(this.entities, candidate, affinity));
    const response: SearchResponse = { query, normalized, results };
    if (reading && dense.length > 0) {
      response.descriptive = { terms: reading.labels, constraints: reading.hardLabels, coverage: round(reading.coverage) };
    }
    return response;
  }

  /**
   * Typeahead: names starting with the text (from any of their first words, or "artist title"),
   * best by popularity and affinity; when fewer than `limit` complete, typo-tolerant lexical
   * matches fill the rest.
   */
  suggest(prefix: string, options: SuggestOptions = {}): SearchHit[] {
    const normalized = nameText(prefix);
    const limit = clampLimit(options.limit, DEFAULT_SUGGEST_LIMIT);
    if (normalized === '' || limit === 0) return [];
    const accept = this.typeFilter(options.types);
    const affinity = options.affinity ? resolveAffinity(this.store, options.affinity) : undefined;
    const boost = affinity ? (code: number) => AFFINITY_WEIGHT * this.affinityOf(code, affinity) : undefined;
    const memoKey = options.types && options.types.length > 0 ? [...new Set(options.types)].sort().join(',') : 'all';
    const completions = this.suggestIndex.complete(normalized, limit, accept, boost, memoKey);
    const hits = completions.map(({ code, key, score }) =>
      toHit(this.entities, { code, score, matched: [key === normalized ? `exact: ${key}` : `prefix: ${normalized}→${key}`] }, affinity),
    );
    // Nothing completes: the text is probably misspelled, so typo-tolerant lexical matches answer
    // instead (only then: a lexical search costs far more than a completion).
    if (hits.length === 0 && normalized.length >= 3) {
      const seen = new Set(completions.map((completion) => completion.code));
      const words = normalized.split(' ');
      const corrections = this.lexicalSearch(words, accept, this.priorBoost(affinity), limit * 2);
      const top = corrections[0]?.score ?? 1;
      for (const result of corrections) {
        if (hits.length >= limit) break;
        const code = result.id as number;
        if (seen.has(code)) continue;
        seen.add(code);
        // corrections, not continuations: listed after the completions, scored 0..0.1
        hits.push(toHit(this.entities, { code, score: (0.1 * result.score) / top, matched: explainLexical(this.entities, result, words, code) }, affinity));
      }
    }
    return hits;
  }

  /**
   * One result per recording: catalogs repeat a track under several ids (compilations, playlist
   * rows), so a later track with the same normalized title and primary artist is dropped, and so
   * is an album named like a track of the same artist ranked above it (the single of that track).
   */
  private collapseDuplicates(ranked: Candidate[]): Candidate[] {
    const entities = this.entities;
    const seenRecordings = new Set<string>();
    const out: Candidate[] = [];
    for (const candidate of ranked) {
      const type = entities.typeOf(candidate.code);
      if (type === 'track') {
        const key = `${entities.names[candidate.code]!}\u0000${this.store.trackPrimaryArtist[candidate.code]!}`;
        if (seenRecordings.has(key)) continue;
        seenRecordings.add(key);
      } else if (type === 'album') {
        const album = entities.indexOf(candidate.code);
        const key = `${entities.names[candidate.code]!}\u0000${this.store.columns.albumArtist[album]!}`;
        if (seenRecordings.has(key)) continue;
      }
      out.push(candidate);
    }
    return out;
  }

  private typeFilter(types: readonly EntityType[] | undefined): (code: number) => boolean {
    if (!types || types.length === 0 || ENTITY_TYPES.every((type) => types.includes(type))) return () => true;
    const tracks = types.includes('track');
    const artists = types.includes('artist');
    const albums = types.includes('album');
    const artistStart = this.entities.trackCount;
    const albumStart = artistStart + this.entities.artistCount;
    return (code) => (code < artistStart ? tracks : code < albumStart ? artists : albums);
  }

  private priorBoost(affinity: ResolvedAffinity | undefined, fusion: Readonly<FusionWeights> = DEFAULT_FUSION): (code: number) => number {
    const prior = this.entities.prior;
    const { popularity, affinity: affinityWeight } = fusion;
    if (!affinity) return (code) => 1 + popularity * prior[code]!;
    return (code) => 1 + popularity * prior[code]! + affinityWeight * this.affinityOf(code, affinity);
  }

  private affinityOf(code: number, affinity: ResolvedAffinity): number {
    let artistScore = 0;
    if (affinity.artists.size > 0) {
      const artists = this.entities.artistsOf(code);
      for (let j = 0; j < artists.length; j++) artistScore = Math.max(artistScore, affinity.artists.get(artists[j]!) ?? 0);
    }
    let genreScore = 0;
    if (affinity.genres.size > 0 && this.entities.typeOf(code) !== 'album') {
      for (const genre of this.entities.genresOf(code)) genreScore = Math.max(genreScore, affinity.genres.get(genre) ?? 0);
    }
    return Math.min(1, artistScore + GENRE_AFFINITY_FACTOR * genreScore);
  }

  private lexicalSearch(
    words: string[],
    accept: (code: number) => boolean,
    boost: (code: number) => number,
    depth: number,
  ): MiniSearchResult[] {
    // MiniSearch's fuzzy matching is Levenshtein, where swapped neighbours ("layd") cost 2 edits:
    // an unknown word whose swap is a known word is searched as that word (explained as a typo).
    const lastIndex = words.length - 1;
    const lastWord = words[lastIndex] ?? '';
    const searched = words.map((word, index) => {
      // a short last word is likely still being typed: leave it to prefix matching
      if ((index === lastIndex && word.length < 4) || this.vocabulary.has(word) || /\d/.test(word)) return word;
      return this.transpositionInVocabulary(word) ?? word;
    });

    // MiniSearch scores every posting of every query term (no early termination), so frequent
    // words ("the", "of", "love") would make a query cost O(catalog). Unknown words (typos,
    // prefixes) and the rarest known words up to POSTINGS_BUDGET postings drive retrieval; the
    // remaining frequent words only re-score the candidates.
    const driver: string[] = [];
    const rescoring: string[] = [];
    const known: string[] = [];
    for (const word of new Set(searched)) (this.vocabulary.has(word) ? known : driver).push(word);
    known.sort((a, b) => this.vocabulary.get(a)! - this.vocabulary.get(b)!);
    let postings = 0;
    for (const word of known) {
      const frequency = this.vocabulary.get(word)!;
      if (driver.length === 0 || postings + frequency <= this.postingsBudget) {
        driver.push(word);
        postings += frequency;
      } else rescoring.push(word);
    }

    const searchOptions: MiniSearchSearchOptions = {
      boost: { ...FIELD_BOOSTS },
      combineWith: 'OR',
      // the last word may be unfinished ("digital lov"); a word the index knows is taken as whole
      prefix: (term) => term === lastWord && term.length >= 3 && !this.vocabulary.has(term),
      fuzzy: (term) => typoTolerance(term, this.vocabulary.has(term)),
      weights: { fuzzy: 0.45, prefix: 0.375 },
      boostDocument: (id) => boost(id as number),
      filter: (result) => accept(result.id as number),
    };
    const results = this.lexical.search(rescoring.length === 0 ? searched.join(' ') : driver.join(' '), searchOptions);
    const distinctWords = new Set(searched).size;
    if (rescoring.length === 0) {
      coordinate(results, distinctWords);
      return results.length > depth ? results.slice(0, depth) : results;
    }

    const candidates = results.length > RESCORE_CANDIDATES ? results.slice(0, RESCORE_CANDIDATES) : results;
    const documentCount = this.lexical.documentCount;
    for (const result of candidates) {
      const code = result.id as number;
      const fields = this.fieldWords(code);
      for (const word of rescoring) {
        const field = FIELDS.find((candidate) => fields[candidate]?.includes(word));
        if (!field) continue;
        const frequency = this.vocabulary.get(word)!;
        const idf = Math.log(1 + (documentCount - frequency + 0.5) / (frequency + 0.5));
        // BM25+ of a single occurrence in a field of average length: about 1.5 × idf
        result.score += 1.5 * idf * FIELD_BOOSTS[field] * boost(code);
        result.match[word] = [field];
        result.queryTerms.push(word);
      }
    }
    coordinate(candidates, distinctWords);
    return candidates.length > depth ? candidates.slice(0, depth) : candidates;
  }

  /** The words of a document's searchable fields (as indexed), for re-scoring frequent words. */
  private fieldWords(code: number): Partial<Record<Field, string[]>> {
    const entities = this.entities;
    const type = entities.typeOf(code);
    const out: Partial<Record<Field, string[]>> = { name: entities.names[code]!.split(' ') };
    if (type === 'artist') return out;
    const artists = entities.artistsOf(code);
    const artistWords: string[] = [];
    for (let j = 0; j < artists.length; j++) artistWords.push(...entities.names[entities.artistCode(artists[j]!)]!.split(' '));
    out.artists = artistWords;
    if (type === 'track') {
      const album = this.store.columns.trackAlbum[code]!;
      if (album >= 0) out.album = entities.names[entities.albumCode(album)]!.split(' ');
    }
    return out;
  }

  private transpositionInVocabulary(word: string): string | undefined {
    for (let i = 0; i + 1 < word.length; i++) {
      if (word[i] === word[i + 1]) continue;
      const swapped = word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2);
      if (this.vocabulary.has(swapped)) return swapped;
    }
    return undefined;
  }

  private denseSearch(reading: DescriptiveReading, boost: (code: number) => number, depth: number): { code: number; score: number }[] {
    const index = this.contentIndex!;
    const vector = encodeDescriptiveVector(this.contentEncoder!, reading.vectorQuery!);
    if (!vector) return [];
    const labelTrack = this.labelTrack!;
    const hard = reading.hardFilter;
    const filter = (label: number): boolean => {
      const track = labelTrack[label]!;
      return track >= 0 && (hard === undefined || hard(track));
    };
    const neighbors = index.search(vector, Math.min(depth, index.size), { filter });
    const out: { code: number; score: number }[] = [];
    for (let i = 0; i < neighbors.labels.length; i++) {
      const code = this.entities.trackCode(labelTrack[neighbors.labels[i]!]!);
      out.push({ code, score: neighbors.scores[i]! * boost(code) });
    }
    return out.sort((a, b) => b.score - a.score);
  }




}



function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_LIMIT, Math.max(0, Math.floor(limit)));
}


/**
 * Coordination (Lucene's "coord"): a document matching more of the query's words ranks above one
 * matching a single rare word strongly — "all my fire nelze" wants the track All My Fire by
 * Nelze before albums titled "Nelze". Scales scores by the share of distinct query words matched
 * (exactly, by typo or by prefix), then re-sorts.
 */
function coordinate(results: MiniSearchResult[], distinctWords: number): void {
  if (distinctWords <= 1) return;
  for (const result of results) result.score *= new Set(result.queryTerms).size / distinctWords;
  results.sort((a, b) => b.score - a.score);
}
