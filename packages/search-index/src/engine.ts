// The search engine: MiniSearch (BM25, prefix, fuzzy, field boosts) over tracks, artists and
// albums in one code space; FAISS over content vectors for descriptive queries; reciprocal rank
// fusion; popularity and personal priors; and a prefix index for typeahead.
import { ProgressTracker, type Logger, type ProgressCallback } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import { VectorIndex, chooseFactory, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, trackIndexByLabel } from '@mixtape/embeddings';
import type { ContentEncoder } from '@mixtape/embeddings';
import { buildCatalogLexicon, nameText, nameWords } from '@mixtape/language';
import type { Lexicon } from '@mixtape/language';
import MiniSearch from 'minisearch';
import type { Options as MiniSearchOptions, SearchOptions as MiniSearchSearchOptions, SearchResult as MiniSearchResult } from 'minisearch';
import { resolveAffinity } from './affinity';
import type { ResolvedAffinity, UserAffinity } from './affinity';
import { encodeDescriptiveVector, readDescriptiveQuery } from './dense';
import type { DescriptiveReading } from './dense';
import { ENTITY_TYPES, EntitySpace } from './entities';
import type { EntityType } from './entities';
import { editDistance } from './internal/edit-distance';
import { SuggestIndex } from './suggest-index';

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

/** A track with popularity at or above this (0..1) is labelled "popular". */
const POPULAR_PRIOR = 0.7;
/** Minimum affinity for "you play this artist" / "you play <genre>". */
const AFFINITY_LABEL_THRESHOLD = 0.15;
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

interface IndexedDocument {
  id: number;
  name: string;
  artists: string;
  album: string;
  genres: string;
}

const FIELDS = ['name', 'artists', 'album', 'genres'] as const;
type Field = (typeof FIELDS)[number];

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

function miniSearchOptions(): MiniSearchOptions<IndexedDocument> {
  return {
    idField: 'id',
    fields: [...FIELDS],
    storeFields: [],
    // text is normalized before it reaches MiniSearch (nameText), so tokenizing is a split
    tokenize: (text) => (text === '' ? [] : text.split(' ')),
    processTerm: (term) => term,
  };
}

export interface ContentSearch {
  index: VectorIndex;
  encoder: ContentEncoder;
}

export interface BuildSearchIndexOptions {
  /**
   * Dense retrieval: an existing content VectorIndex (ids = track ids) with its encoder; 'build'
   * (default) encodes the catalog's content vectors and builds one here; false for lexical only.
   */
  content?: ContentSearch | 'build' | false;
  onProgress?: ProgressCallback;
  logger?: Logger;
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

interface Candidate {
  code: number;
  score: number;
  matched: string[];
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
      fused.set(code, { code, score: (lexicalWeight * (k + 1)) / (k + rank + 1), matched: this.explainLexical(result, words, code) });
    });
    dense.forEach(({ code }, rank) => {
      const contribution = (denseWeight * (k + 1)) / (k + rank + 1);
      const existing = fused.get(code);
      const labels = this.explainDense(reading!, code);
      if (existing) {
        existing.score += contribution;
        for (const label of labels) if (!existing.matched.includes(label)) existing.matched.push(label);
      } else fused.set(code, { code, score: contribution, matched: labels });
    });

    const prior = this.entities.prior;
    const ranked = this.collapseDuplicates([...fused.values()].sort((a, b) => b.score - a.score || prior[b.code]! - prior[a.code]! || a.code - b.code));
    const results = ranked.slice(offset, offset + limit).map((candidate) => this.toHit(candidate, affinity));
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
      this.toHit({ code, score, matched: [key === normalized ? `exact: ${key}` : `prefix: ${normalized}→${key}`] }, affinity),
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
        hits.push(this.toHit({ code, score: (0.1 * result.score) / top, matched: this.explainLexical(result, words, code) }, affinity));
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

  private explainLexical(result: MiniSearchResult, words: readonly string[], code: number): string[] {
    const type = this.entities.typeOf(code);
    const fieldTerms = new Map<string, string[]>();
    const notes: string[] = [];
    const exact = new Set(words);
    const last = words[words.length - 1] ?? '';
    for (const [term, fields] of Object.entries(result.match)) {
      for (const field of fields as Field[]) {
        const label = fieldLabel(type, field);
        if (field === 'genres') {
          const genre = this.genreContaining(code, term);
          pushUnique(fieldTerms, label, genre ?? term);
        } else pushUnique(fieldTerms, label, term);
      }
      if (exact.has(term)) continue;
      if (last.length >= 3 && term.startsWith(last)) notes.push(`prefix: ${last}→${term}`);
      else {
        let closest = '';
        let best = Number.POSITIVE_INFINITY;
        for (const word of words) {
          const distance = editDistance(word, term, 3);
          if (distance < best) {
            best = distance;
            closest = word;
          }
        }
        if (closest !== '') notes.push(`typo: ${closest}→${term}`);
      }
    }
    const matched: string[] = [];
    for (const [label, terms] of fieldTerms) matched.push(`${label}: ${terms.join(' ')}`);
    return [...matched, ...notes];
  }

  private genreContaining(code: number, term: string): string | undefined {
    for (const genre of this.entities.genresOf(code)) {
      const name = this.store.genreName(genre);
      if (nameWords(name).includes(term)) return name;
    }
    return undefined;
  }

  private explainDense(reading: DescriptiveReading, code: number): string[] {
    const out = [`describes: ${reading.labels.join(', ')}`];
    const track = this.entities.indexOf(code);
    const constraints = reading.interpretation.constraints;
    const included = new Set([...constraints.genres.include, ...constraints.subgenres.include]);
    if (included.size > 0) {
      for (const genre of this.entities.genresOf(code)) {
        const name = this.store.genreName(genre);
        if (included.has(name)) out.push(`genre: ${name}`);
      }
    }
    if (constraints.releaseYear) {
      const year = this.store.trackReleaseYear[track]!;
      if (year > 0) out.push(`year: ${year}`);
    }
    return out;
  }

  private toHit(candidate: Candidate, affinity: ResolvedAffinity | undefined): SearchHit {
    const { code } = candidate;
    const entities = this.entities;
    const type = entities.typeOf(code);
    const hit: SearchHit = { type, id: entities.idOf(code), name: entities.displayName(code), score: round(candidate.score), matched: [...candidate.matched] };
    if (type !== 'artist') {
      const artists = entities.artistsOf(code);
      hit.artists = Array.from(artists, (artist) => ({ id: this.store.artistId(artist), name: this.store.artistName(artist) }));
    }
    if (entities.prior[code]! >= POPULAR_PRIOR) hit.matched.push('popular');
    if (affinity) {
      const artists = entities.artistsOf(code);
      let artistWeight = 0;
      for (let j = 0; j < artists.length; j++) artistWeight = Math.max(artistWeight, affinity.artists.get(artists[j]!) ?? 0);
      if (artistWeight >= AFFINITY_LABEL_THRESHOLD) hit.matched.push('you play this artist');
      else if (type !== 'album') {
        for (const genre of entities.genresOf(code)) {
          if ((affinity.genres.get(genre) ?? 0) >= AFFINITY_LABEL_THRESHOLD) {
            hit.matched.push(`you play ${this.store.genreName(genre)}`);
            break;
          }
        }
      }
    }
    return hit;
  }
}

function fieldLabel(type: EntityType, field: Field): string {
  if (field === 'name') return type === 'artist' ? 'name' : 'title';
  if (field === 'artists') return 'artist';
  if (field === 'album') return 'album';
  return 'genre';
}

function pushUnique(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_LIMIT, Math.max(0, Math.floor(limit)));
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

// ---- build -------------------------------------------------------------------------------

/** Builds the whole engine from a catalog: lexical index, suggest index, lexicon, content vectors. */
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

export function buildSearchIndex(store: CatalogStore, options: BuildSearchIndexOptions = {}): SearchEngine {
  const entities = new EntitySpace(store);
  const lexical = new MiniSearch<IndexedDocument>(miniSearchOptions());
  const progress = new ProgressTracker('index search documents', 'docs', entities.size, options.onProgress);
  const columns = store.columns;
  const genreTexts = columns.genreNames.map((name) => nameText(name));
  const vocabulary = new Map<string, number>();
  for (let code = 0; code < entities.size; code++) {
    const document = documentOf(entities, code, genreTexts);
    const terms = new Set<string>();
    for (const field of FIELDS) if (document[field] !== '') for (const term of document[field].split(' ')) terms.add(term);
    for (const term of terms) vocabulary.set(term, (vocabulary.get(term) ?? 0) + 1);
    lexical.add(document);
    if ((code & 4095) === 0) progress.update(code);
  }
  progress.finish(entities.size);
  const suggestIndex = SuggestIndex.build(entities);
  const lexicon = buildCatalogLexicon(store);

  let encoder: ContentEncoder | undefined;
  let index: VectorIndex | undefined;
  const content = options.content ?? 'build';
  if (content === 'build') {
    encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const vectors = encodeCatalogContent(encoder, store);
    index = VectorIndex.build({ dim: encoder.dim, factory: chooseFactory(store.trackCount, encoder.dim), metric: 'ip', ids: columns.trackIds, vectors });
  } else if (content) {
    encoder = content.encoder;
    index = content.index;
  }
  const engine = new SearchEngine(store, entities, lexical, suggestIndex, vocabulary, lexicon, encoder, index);
  options.logger?.info(engine.info(), 'search index built');
  return engine;
}

function documentOf(entities: EntitySpace, code: number, genreTexts: readonly string[]): IndexedDocument {
  const store = entities.store;
  const type = entities.typeOf(code);
  const index = entities.indexOf(code);
  if (type === 'track') {
    const artists = store.artistsOfTrack(index);
    let artistText = '';
    for (let j = 0; j < artists.length; j++) artistText += (j > 0 ? ' ' : '') + entities.names[entities.artistCode(artists[j]!)]!;
    const album = store.columns.trackAlbum[index]!;
    // Track genres are left to the lexicon and dense retrieval: a genre word would otherwise hit
    // every track of the genre (posting lists of 10^4–10^5 at 1M tracks) on every query.
    return { id: code, name: entities.names[code]!, artists: artistText, album: album >= 0 ? entities.names[entities.albumCode(album)]! : '', genres: '' };
  }
  if (type === 'artist') {
    const genres = entities.genresOf(code).map((genre) => genreTexts[genre]!).join(' ');
    return { id: code, name: entities.names[code]!, artists: '', album: '', genres };
  }
  const artist = store.columns.albumArtist[index]!;
  return { id: code, name: entities.names[code]!, artists: entities.names[entities.artistCode(artist)]!, album: '', genres: '' };
}

// ---- serialize / load --------------------------------------------------------------------

const MAGIC = 'MXSI';
const FORMAT_VERSION = 1;

interface SerializedHeader {
  version: number;
  counts: { tracks: number; artists: number; albums: number };
  /** FNV-1a over every id, so an index is never loaded against another catalog */
  catalogFingerprint: string;
  contentEncoder: ContentEncoder | null;
  sections: { name: string; offset: number; length: number }[];
}

/** The engine as bytes for the bundle: lexical index (MiniSearch JSON), names, suggest arrays. */
export function serializeSearchIndex(engine: SearchEngine): Buffer {
  const sections: { name: string; bytes: Buffer }[] = [
    { name: 'lexical', bytes: Buffer.from(JSON.stringify(engine.lexical), 'utf8') },
    { name: 'names', bytes: Buffer.from(engine.entities.names.join('\n'), 'utf8') },
    { name: 'vocabulary', bytes: Buffer.from(Array.from(engine.vocabulary, ([term, count]) => `${term}\t${count}`).join('\n'), 'utf8') },
    { name: 'suggest.codes', bytes: typedBytes(engine.suggestIndex.arrays.codes) },
    { name: 'suggest.offsets', bytes: typedBytes(engine.suggestIndex.arrays.offsets) },
    { name: 'suggest.kinds', bytes: typedBytes(engine.suggestIndex.arrays.kinds) },
  ];
  let offset = 0;
  const header: SerializedHeader = {
    version: FORMAT_VERSION,
    counts: { tracks: engine.entities.trackCount, artists: engine.entities.artistCount, albums: engine.entities.albumCount },
    catalogFingerprint: catalogFingerprint(engine.store),
    contentEncoder: engine.contentEncoder ?? null,
    sections: sections.map(({ name, bytes }) => {
      const entry = { name, offset, length: bytes.length };
      offset += bytes.length;
      return entry;
    }),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(FORMAT_VERSION, 4);
  prefix.writeUInt32LE(headerBytes.length, 8);
  return Buffer.concat([prefix, headerBytes, ...sections.map((section) => section.bytes)]);
}

export class SearchIndexFormatError extends Error {
  readonly code = 'SEARCH_INDEX_FORMAT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`search index: ${message}`, options);
    this.name = 'SearchIndexFormatError';
  }
}

export interface LoadSearchIndexOptions {
  logger?: Logger;
}

/**
 * Loads a serialized engine against the same catalog it was built from (checked by fingerprint).
 * Pass the bundle's content VectorIndex to enable dense retrieval.
 */
export function loadSearchIndex(buffer: Buffer, store: CatalogStore, contentIndex?: VectorIndex, options: LoadSearchIndexOptions = {}): SearchEngine {
  if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== MAGIC) throw new SearchIndexFormatError('not a Mixtape search index (bad magic bytes)');
  const version = buffer.readUInt32LE(4);
  if (version !== FORMAT_VERSION) throw new SearchIndexFormatError(`format version ${version}; this build reads version ${FORMAT_VERSION} (rebuild the index)`);
  const headerLength = buffer.readUInt32LE(8);
  const bodyStart = 12 + headerLength;
  if (bodyStart > buffer.length) throw new SearchIndexFormatError('truncated header');
  let header: SerializedHeader;
  try {
    header = JSON.parse(buffer.toString('utf8', 12, bodyStart)) as SerializedHeader;
  } catch (error) {
    throw new SearchIndexFormatError('header is not valid JSON', { cause: error });
  }
  const expected = { tracks: store.trackCount, artists: store.artistCount, albums: store.albumCount };
  if (header.counts.tracks !== expected.tracks || header.counts.artists !== expected.artists || header.counts.albums !== expected.albums) {
    throw new SearchIndexFormatError(
      `built for ${header.counts.tracks} tracks / ${header.counts.artists} artists / ${header.counts.albums} albums, but the catalog has ${expected.tracks} / ${expected.artists} / ${expected.albums}`,
    );
  }
  const fingerprint = catalogFingerprint(store);
  if (header.catalogFingerprint !== fingerprint) {
    throw new SearchIndexFormatError(`built for catalog ${header.catalogFingerprint}, but this catalog is ${fingerprint} (same sizes, different ids)`);
  }
  const section = (name: string): Buffer => {
    const entry = header.sections.find((candidate) => candidate.name === name);
    if (!entry) throw new SearchIndexFormatError(`section "${name}" is missing`);
    const start = bodyStart + entry.offset;
    if (start + entry.length > buffer.length) throw new SearchIndexFormatError(`section "${name}" is truncated`);
    return buffer.subarray(start, start + entry.length);
  };
  const namesText = section('names').toString('utf8');
  const names = namesText === '' && store.trackCount + store.artistCount + store.albumCount === 0 ? [] : namesText.split('\n');
  const entities = new EntitySpace(store, names);
  let lexical: MiniSearch<IndexedDocument>;
  try {
    lexical = MiniSearch.loadJSON<IndexedDocument>(section('lexical').toString('utf8'), miniSearchOptions());
  } catch (error) {
    throw new SearchIndexFormatError(`lexical section could not be read: ${(error as Error).message}`, { cause: error });
  }
  const codes = new Uint32Array(copyAligned(section('suggest.codes')));
  const offsets = new Uint16Array(copyAligned(section('suggest.offsets')));
  const kinds = new Uint8Array(copyAligned(section('suggest.kinds')));
  if (codes.length !== offsets.length || codes.length !== kinds.length) throw new SearchIndexFormatError('suggest arrays differ in length');
  const suggestIndex = new SuggestIndex(entities, { codes, offsets, kinds });
  const vocabularyText = section('vocabulary').toString('utf8');
  const vocabulary = new Map<string, number>();
  if (vocabularyText !== '') {
    for (const line of vocabularyText.split('\n')) {
      const tab = line.lastIndexOf('\t');
      vocabulary.set(line.slice(0, tab), Number(line.slice(tab + 1)));
    }
  }
  const lexicon = buildCatalogLexicon(store);
  const encoder = header.contentEncoder ?? undefined;
  if (contentIndex && !encoder) throw new SearchIndexFormatError('a content index was given but the search index was built without a content encoder');
  const engine = new SearchEngine(store, entities, lexical, suggestIndex, vocabulary, lexicon, encoder, contentIndex);
  options.logger?.info(engine.info(), 'search index loaded');
  return engine;
}

function typedBytes(array: Uint32Array | Uint16Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function copyAligned(bytes: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

function catalogFingerprint(store: CatalogStore): string {
  let hash = 0x811c9dc5;
  const mix = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 10;
    hash = Math.imul(hash, 0x01000193);
  };
  const columns = store.columns;
  for (const id of columns.trackIds) mix(id);
  for (const id of columns.artistIds) mix(id);
  for (const id of columns.albumIds) mix(id);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
