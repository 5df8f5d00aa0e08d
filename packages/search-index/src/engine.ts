// The search engine at query time: the typed-array inverted index (BM25F top-k, typos, prefixes) over tracks,
// artists and albums in one code space; FAISS over content vectors for descriptive queries;
// reciprocal rank fusion; popularity and personal priors; and a prefix index for typeahead.
// Built by build.ts, stored and loaded by format.ts; hit labels come from explain.ts.
import type { CatalogStore } from '@mixtape/catalog';
import { trackIndexByLabel, type ContentEncoder, type VectorIndex } from '@mixtape/embeddings';
import type { Lexicon } from '@mixtape/language';
import { resolveAffinity } from './affinity';
import type { ResolvedAffinity, UserAffinity } from './affinity';
import { encodeDescriptiveVector, readDescriptiveQuery } from './dense';
import { contentInformativeness, measureContentProfile, type ContentProfile } from './content-profile';
import { FIELD_BOOSTS, type Field, type InvertedIndex } from './inverted-index';
import { distinctCount, groupVersionsInOrder, orderKnownItems } from './known-item';
import type { SemanticModel } from './semantic';
import { topK, type QueryGroup } from './top-k';
import { queryEdits, type TypoIndex } from './typo-index';
import { searchText, searchWords } from './normalize';
import { ENTITY_TYPES, type EntitySpace, type EntityType } from './entities';
import { explainDense, explainLexical, round, toHit, writtenWords, type Candidate } from './explain';
import type { SuggestIndex } from './suggest-index';
import { Recordings } from './recordings';
import { hasOperators, parseSearchQuery, SearchSyntaxError, type ParsedQuery, type SearchField } from './query-syntax';

export { FIELD_BOOSTS };
/**
 * The knobs of fusion and priors, per request (experiments change them through config). A hit's
 * score is its fused rank score × (1 + popularity·prior + affinity·affinity), plus `exactName` on
 * its boost when its whole name equals the query.
 */
export interface FusionWeights {
  /** reciprocal rank fusion constant (Cormack et al. 2009) */
  rrfK: number;
  /** multiplier of the lexical list */
  lexical: number;
  /** multiplier of the dense (content) list */
  dense: number;
  /** weight of the popularity prior */
  popularity: number;
  /** weight of the listener's affinity */
  affinity: number;
  /** added to the boost of an entity whose whole name equals the query ("beyonce" → the artist Beyoncé) */
  exactName: number;
}
/** The defaults (60 is the customary RRF constant). */
export const DEFAULT_FUSION: Readonly<FusionWeights> = Object.freeze({ rrfK: 60, lexical: 1, dense: 1, popularity: 0.3, affinity: 0.5, exactName: 0.5 });

/** Genre affinity counts this much relative to artist affinity. */
const GENRE_AFFINITY_FACTOR = 0.4;
const DEFAULT_LIMIT = 20;
const DEFAULT_SUGGEST_LIMIT = 8;
/** Completions looked at beyond the limit, so versions of a title can follow its original (known-item.ts). */
const VERSION_SLACK = 4;
export const MAX_LIMIT = 100;
/**
 * The lexical list holds the page asked for + 10 (at least 20): room for duplicates that
 * collapse and for known-item order to pull names up, while top-k's cost grows with its k (on the
 * TidyTuesday suite, depth 20 and 100 give the same MRR within one query). Dense lists stay deep:
 * fusion of a descriptive query draws on their long tail, and FAISS pays little for it.
 */
const MIN_LEXICAL_DEPTH = 20;
const LEXICAL_SLACK = 10;
/** Alternate ids listed on one hit at most (a recording on dozens of compilations lists its most popular). */
const MAX_ALTERNATES = 20;
const MIN_DENSE_DEPTH = 100;
/** Weights of a word's variants: a one-edit correction, a two-edit one, a completion of an unfinished last word. */
export const VARIANT_WEIGHTS = { typo1: 0.6, typo2: 0.4, prefix: 0.5 } as const;
/** Completions of an unfinished last word that are searched (the most frequent terms with that prefix). */
const MAX_PREFIX_TERMS = 24;
/** Corrections of a misspelled word that are searched (nearest first). */
const MAX_TYPO_TERMS = 16;
/** A known word in at most this many documents may still be a typo of a word COMMON_RATIO times as frequent. */
const RARE_KNOWN_WORD = 20;
const COMMON_RATIO = 4;
/** The learned list weighs this × the dense multiplier × the share of query words it knows. */
export const LEARNED_WEIGHT = 1;

/** Field-mask bits (FIELDS order: name, artists, album, genres) a query-language field reads, by entity type: `title:` is a track's or album's name, `artist:` a track's or album's artists or an artist's name, `album:` a track's album or an album's name. */
function fieldBits(field: SearchField, type: EntityType): number {
  if (field === 'title') return type === 'artist' ? 0 : 1;
  if (field === 'artist') return type === 'artist' ? 1 : 2;
  return type === 'track' ? 4 : type === 'album' ? 1 : 0;
}
const ANY_FIELD = 0b1111;
/** What a query must hold to use the query language: a colon, a quote, a minus, OR or AND. */
const OPERATOR_HINT = /[:"-]|\bOR\b|\bAND\b/;

/** One lexical hit: entity code, score, document terms matched per field, and the query words they answer. */
export interface LexicalResult {
  id: number;
  score: number;
  readonly match: Record<string, Field[]>;
  queryTerms: string[];
}

/**
 * A lexical hit whose `match` is looked up in the postings when first read: only near-exact
 * candidates and the returned page need it, and building it for every hit of the list was a
 * third of what a search allocated.
 */
class LexicalHit implements LexicalResult {
  private matched: Record<string, Field[]> | undefined;
  constructor(
    readonly id: number,
    readonly score: number,
    readonly queryTerms: string[],
    private readonly lexical: InvertedIndex,
    private readonly groups: readonly QueryGroup[],
    private readonly mask: number,
  ) {}

  get match(): Record<string, Field[]> {
    if (this.matched) return this.matched;
    const match: Record<string, Field[]> = {};
    for (let g = 0; g < this.groups.length; g++) {
      if ((this.mask & (1 << g)) === 0) continue;
      for (const { term } of this.groups[g]!.variants) {
        const position = this.lexical.find(term, this.id);
        if (position >= 0) match[this.lexical.term(term)] = this.lexical.fieldsAt(position);
      }
    }
    this.matched = match;
    return match;
  }
}

/** A fused candidate: where it came from (the lexical hit; FROM_* bits for the vector lists). */
interface FusedCandidate extends Candidate {
  lexical: LexicalResult | undefined;
  sources: number;
}
const FROM_DENSE = 1;
const FROM_LEARNED = 2;
/** The labels of a fused candidate until it reaches the page (frozen: shared by all of them). */
const UNLABELLED = Object.freeze([]) as unknown as string[];

/**
 * Allowed edits grow with term length: none up to 3 characters, 1 up to 7, 2 from 8; never in
 * numbers. A word the index knows is taken as typed: correcting "love" to "live" and "move"
 * adds noise, and its neighbours' postings cost time on every query.
 */
export function typoTolerance(term: string, known = false): number {
  return known ? 0 : queryEdits(term);
}

/** What bounds a lexical search's boosts: base + popularity × prior, except the forced codes (exact names). */
interface LexicalBound {
  base: number;
  popularity: number;
  forced?: readonly number[];
  /** the most a forced code's boost exceeds base + popularity × prior (the exact-name weight) */
  forcedExtra?: number;
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
  /**
   * Tracks: the other ids of the same recording (same normalized title and primary artist; the
   * catalog lists it on several albums or compilations), most popular first. The hit's own id is
   * the recording's most popular row.
   */
  alternates?: string[];
}

export interface SearchResponse {
  query: string;
  /** the query as indexed text */
  normalized: string;
  /** present when the query described music (moods, genres, eras…) and dense retrieval ran */
  descriptive?: { terms: string[]; constraints: string[]; coverage: number };
  /** present when the learned text → track model (from playlist names) knew words of the query */
  learned?: { terms: string[]; coverage: number };
  /** present when the query used the query language: how each operator was read ("required: title: cafe del mar", "either: radiohead | muse", "not: live") */
  operators?: string[];
  results: SearchHit[];
}

export interface SearchEngineInfo {
  tracks: number;
  artists: number;
  albums: number;
  lexicalTerms: number;
  /** deletion-neighbourhood entries of the typo index */
  typoKeys: number;
  suggestKeys: number;
  dense: boolean;
  /** words and phrases of the learned text → track model (0 without one) */
  semanticFeatures: number;
}

export class SearchEngine {
  /** the learned text → track model (playlist names), when one was given: see useSemanticModel */
  semantic: SemanticModel | undefined;
  /** @internal content VectorIndex label → track index (−1 when the id is not in the store) */
  readonly labelTrack: Int32Array | undefined;

  /** @internal use buildSearchIndex or loadSearchIndex */
  constructor(
    readonly store: CatalogStore,
    /** @internal */ readonly entities: EntitySpace,
    /** @internal */ readonly lexical: InvertedIndex,
    /** @internal */ readonly typos: TypoIndex,
    /** @internal */ readonly suggestIndex: SuggestIndex,
    /** @internal */ readonly lexicon: Lexicon,
    /** encoder of the content vectors (kept without an index so serialization keeps it) */
    readonly contentEncoder: ContentEncoder | undefined,
    readonly contentIndex: VectorIndex | undefined,
    /** the label → track map when the caller has it (stored with the index; checked by format.ts) */
    labelTrack?: Int32Array,
    /** tracks that are one recording (stored with the index; built on first use when absent) */
    private recordingGroups?: Recordings,
  ) {
    if (contentIndex) {
      if (!contentEncoder) throw new Error('search engine: a content index needs its content encoder');
      if (contentIndex.dim !== contentEncoder.dim) {
        throw new Error(`search engine: content index has dim ${contentIndex.dim} but the content encoder produces ${contentEncoder.dim}`);
      }
      this.labelTrack = labelTrack && labelTrack.length === contentIndex.size ? labelTrack : trackIndexByLabel(contentIndex, store);
    }
  }

  /** @internal entity code → its candidate's position during one search's fusion, −1 otherwise (always reset) */
  private get fusionSlots(): Int32Array {
    this.slotsOfCodes ??= new Int32Array(this.entities.size).fill(-1);
    return this.slotsOfCodes;
  }
  private slotsOfCodes: Int32Array | undefined;

  /** what the catalog's content vectors can say (measured from the store on first use; warmUp does it at load) */
  get contentProfile(): ContentProfile {
    this.profile ??= measureContentProfile(this.store);
    return this.profile;
  }
  private profile: ContentProfile | undefined;

  /**
   * Whether some track has a release year: a year range filters only then. Read from the store,
   * with or without the content index, so a lexical-only engine answers a dateless catalog as the
   * full engine does.
   */
  private get anyReleaseYear(): boolean {
    this.releaseYears ??= this.profile ? this.profile.years > 0 : this.store.datedTracks > 0;
    return this.releaseYears;
  }
  private releaseYears: boolean | undefined;

  /** @internal the recordings with several rows (built here on first use for an index stored without them) */
  get recordings(): Recordings {
    this.recordingGroups ??= Recordings.build(this.entities);
    return this.recordingGroups;
  }

  /**
   * Adds the learned text → track model as a dense retriever; its vectors live in the content
   * space, so it needs the content index and the same dimension.
   */
  useSemanticModel(model: SemanticModel | undefined): this {
    if (model && !this.contentIndex) throw new Error('search engine: a semantic model needs the content index (build with content vectors)');
    if (model && model.dim !== this.contentIndex!.dim) throw new Error(`search engine: semantic model has dim ${model.dim} but the content index has ${this.contentIndex!.dim}`);
    this.semantic = model;
    return this;
  }

  /**
   * Answers a few suggestions and searches made of the catalog's own names, so the first real
   * requests do not pay for compiling the hot paths (loadSearchIndex calls it before returning).
   */
  warmUp(suggestions = 96, searches = 12): void {
    if (this.contentIndex) void this.contentProfile;
    const names = this.entities.names;
    if (names.length === 0) return;
    const stride = Math.max(1, Math.floor(names.length / Math.max(1, suggestions)));
    for (let i = 0, code = 0; i < suggestions; i++, code = (code + stride) % names.length) {
      const name = names[code]!;
      if (name !== '') this.suggest(name.slice(0, 1 + (i % 8)));
    }
    const searchStride = Math.max(1, Math.floor(names.length / Math.max(1, searches)));
    for (let i = 0, code = 0; i < searches; i++, code = (code + searchStride) % names.length) {
      if (names[code] !== '') this.search(names[code]!, { limit: 10 });
    }
  }

  info(): SearchEngineInfo {
    return {
      tracks: this.entities.trackCount,
      artists: this.entities.artistCount,
      albums: this.entities.albumCount,
      lexicalTerms: this.lexical.termCount,
      typoKeys: this.typos.size,
      suggestKeys: this.suggestIndex.size,
      dense: this.contentIndex !== undefined,
      semanticFeatures: this.semantic?.vocabulary.length ?? 0,
    };
  }

  /** Hybrid search. Never throws on odd text (validation is the caller's: see validateQuery). */
  search(query: string, options: SearchOptions = {}): SearchResponse {
    // the query language (query-syntax.ts); a plain query keeps the plain reading of its words
    let parsed: ParsedQuery | undefined;
    try {
      // most queries hold no operator character: they skip the parse
      if (OPERATOR_HINT.test(query)) parsed = parseSearchQuery(query);
    } catch (error) {
      if (!(error instanceof SearchSyntaxError)) throw error; // validateQuery refuses it; here its words are searched
    }
    const syntax = parsed && hasOperators(parsed) ? parsed : undefined;
    const words = syntax ? syntax.words : searchWords(query);
    const normalized = words.join(' ');
    const limit = clampLimit(options.limit, DEFAULT_LIMIT);
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    if (words.length === 0 || limit === 0) return { query, normalized, results: [] };
    const typeAccept = this.typeFilter(options.types);
    // the query language's requirements and exclusions bind every list: lexical, dense and learned
    const syntaxAccept = syntax ? this.syntaxFilter(syntax, words[words.length - 1]!) : undefined;
    const accept = syntaxAccept ? (code: number) => typeAccept(code) && syntaxAccept(code) : typeAccept;
    const affinity = options.affinity ? resolveAffinity(this.store, options.affinity) : undefined;
    const fusion = options.fusion ? { ...DEFAULT_FUSION, ...options.fusion } : DEFAULT_FUSION;
    const priorBoost = this.priorBoost(affinity, fusion);
    const boost = (code: number): number => priorBoost(code) + (this.entities.names[code] === normalized ? fusion.exactName : 0);
    // entities named exactly so are scored up front; every other boost is bounded by the prior
    const bound: LexicalBound = { base: 1 + (affinity ? Math.max(0, fusion.affinity) : 0), popularity: fusion.popularity, forced: this.suggestIndex.exactNames(normalized), forcedExtra: Math.max(0, fusion.exactName) };
    const depth = Math.max(MIN_LEXICAL_DEPTH, offset + limit + LEXICAL_SLACK);
    const denseDepth = Math.max(MIN_DENSE_DEPTH, offset + limit);

    const profile = this.contentIndex ? this.contentProfile : undefined;
    const reading = readDescriptiveQuery(this.lexicon, this.store, syntax ? syntax.describe : query, this.anyReleaseYear);
    let lexicalResults = this.lexicalSearch(words, accept, boost, bound, depth, syntax);

    // Navigational: an entity is named exactly so, or the top hit matched every word while the
    // words are not all description ("dance monkey") or include a negation cue ("No Tears",
    // "Boys Don't Cry"). Then the lexicon's reading only adds a lightly weighted dense list.
    const coverage = reading?.coverage ?? 0;
    const names = this.entities.names;
    const negations = reading !== undefined && reading.negatedWords.size > 0;
    const matchedEveryWord = lexicalResults.length > 0 && lexicalResults[0]!.queryTerms.length >= distinctCount(words);
    let namedExactly = false;
    for (let i = 0; i < Math.min(3, lexicalResults.length); i++) if (names[lexicalResults[i]!.id] === normalized) namedExactly = true;
    const navigational = namedExactly || (matchedEveryWord && (coverage < 1 || negations));

    if (reading && !navigational) {
      // Exclusions ("no reggaeton", "without drake") bind lexical hits; a fully descriptive
      // query's year range ("sad songs 2000s") binds them too; negated words are not looked up.
      const hardFilter = coverage === 1 ? reading.hardFilter : reading.exclusionFilter;
      if (hardFilter || negations) {
        const lexicalWords = negations ? words.filter((word) => !reading.negatedWords.has(word)) : words;
        const trackCount = this.entities.trackCount;
        const filtered = hardFilter === undefined ? accept : (code: number) => accept(code) && (code >= trackCount || hardFilter(code));
        const lexicalSyntax = syntax && negations ? { ...syntax, slots: syntax.slots.map((slot) => slot.filter((word) => !reading.negatedWords.has(word))).filter((slot) => slot.length > 0) } : syntax;
        lexicalResults = lexicalWords.length === 0 ? [] : this.lexicalSearch(lexicalWords, filtered, boost, bound, depth, lexicalSyntax);
      }
    }

    // Each vector list counts by how informative its query vector is on this catalog (0..1, see
    // content-profile.ts): on a catalog without audio features, genres or dates it is skipped.
    let dense: { code: number; score: number }[] = [];
    let denseInformative = 0;
    // tracks are codes [0, trackCount): a vector list's filter over track indices is one over codes
    const withSyntax = (hard: ((track: number) => boolean) | undefined): ((track: number) => boolean) | undefined =>
      syntaxAccept === undefined ? hard : hard === undefined ? syntaxAccept : (track) => hard(track) && syntaxAccept(track);
    if (reading?.vectorQuery && this.contentIndex && this.contentEncoder && typeAccept(0) && this.entities.trackCount > 0) {
      const vector = encodeDescriptiveVector(this.contentEncoder, reading.vectorQuery);
      if (vector) {
        const asked = { genres: reading.vectorQuery.genres ?? [], subgenres: reading.vectorQuery.subgenres ?? [] };
        denseInformative = contentInformativeness(profile!, this.contentEncoder, vector, asked);
        if (denseInformative > 0) dense = this.vectorSearch(vector, withSyntax(reading.hardFilter), boost, denseDepth);
      }
    }
    // The learned text → track model (playlist names) reads words the lexicon does not know
    // ("workout", "vibes", "trip hop"); its list joins the fusion for non-navigational queries,
    // weighted by the share of the query the lexicon left unread: a query the lexicon reads whole
    // keeps the lexicon's dense list alone (where both read a name, the learned list diluted it —
    // chosen on the validation names of TidyTuesday and of the Kaggle 2024 catalog).
    const unread = dense.length > 0 ? 1 - coverage : 1;
    let learned: { code: number; score: number }[] = [];
    let learnedReading: { known: string[]; coverage: number; informative: number } | undefined;
    if (!navigational && unread > 0 && this.semantic && this.contentIndex && this.contentEncoder && typeAccept(0) && this.entities.trackCount > 0) {
      const text = reading && reading.negatedWords.size > 0 ? words.filter((word) => !reading.negatedWords.has(word)).join(' ') : normalized;
      const encoded = this.semantic.encode(text);
      const informative = encoded ? contentInformativeness(profile!, this.contentEncoder, encoded.vector) : 0;
      if (encoded && informative > 0) {
        const hard = reading ? (coverage === 1 ? reading.hardFilter : reading.exclusionFilter) : undefined;
        learned = this.vectorSearch(encoded.vector, withSyntax(hard), boost, denseDepth);
        learnedReading = { known: encoded.known, coverage: encoded.coverage, informative };
      }
    }
    const learnedWeight = learnedReading ? fusion.dense * LEARNED_WEIGHT * learnedReading.coverage * learnedReading.informative * unread : 0;
    // description moves weight from the lexical list to the dense ones (the larger reading counts)
    const described = Math.max(dense.length > 0 ? coverage * denseInformative : 0, learned.length > 0 ? learnedReading!.coverage * learnedReading!.informative : 0);
    const lexicalWeight = fusion.lexical * (navigational ? 1 : 1 - 0.5 * described);

    const denseWeight = fusion.dense * (navigational ? 0.25 * coverage : coverage) * denseInformative;
    const k = fusion.rrfK;

    // One candidate per code, found through a scratch slot per entity code (no hash map per
    // search); labels are made for the returned page only (a descriptive query fuses ~200).
    const fused: FusedCandidate[] = [];
    const slots = this.fusionSlots;
    const fuse = (code: number, contribution: number, source: number): FusedCandidate => {
      const slot = slots[code]!;
      if (slot >= 0) {
        const existing = fused[slot]!;
        existing.score += contribution;
        existing.sources |= source;
        return existing;
      }
      slots[code] = fused.length;
      const candidate: FusedCandidate = { code, score: contribution, matched: UNLABELLED, lexical: undefined, sources: source };
      fused.push(candidate);
      return candidate;
    };
    try {
      for (let rank = 0; rank < lexicalResults.length; rank++) {
        const result = lexicalResults[rank]!;
        fuse(result.id, (lexicalWeight * (k + 1)) / (k + rank + 1), 0).lexical = result;
      }
      // reciprocal-rank fusion of the vector lists into the lexical one
      for (let rank = 0; rank < dense.length; rank++) fuse(dense[rank]!.code, (denseWeight * (k + 1)) / (k + rank + 1), FROM_DENSE);
      for (let rank = 0; rank < learned.length; rank++) fuse(learned[rank]!.code, (learnedWeight * (k + 1)) / (k + rank + 1), FROM_LEARNED);
    } finally {
      for (const candidate of fused) slots[candidate.code] = -1;
    }

    const prior = this.entities.prior;
    fused.sort((a, b) => b.score - a.score || prior[b.code]! - prior[a.code]! || a.code - b.code);
    const ranked = orderKnownItems(this.entities, this.collapseDuplicates(fused), {
      normalized,
      words,
      affinity: affinity ? (code) => this.affinityOf(code, affinity) : undefined,
    });
    scoresDownTheOrder(ranked);
    const learnedLabel = learnedReading ? `playlists say: ${learnedReading.known.join(', ')}` : '';
    const page = ranked.slice(offset, offset + limit);
    for (const candidate of page) {
      const code = candidate.code;
      const matched = candidate.lexical ? explainLexical(this.entities, candidate.lexical, words, code, syntax ? syntax.describe : query) : [];
      if (candidate.sources & FROM_DENSE) for (const label of explainDense(this.entities, reading!, code)) if (!matched.includes(label)) matched.push(label);
      if (candidate.sources & FROM_LEARNED && !matched.includes(learnedLabel)) matched.push(learnedLabel);
      candidate.matched = matched;
    }
    // a recording's canonical row must pass what the scored row passed (rows of one recording
    // can differ in year and genre tags: a compilation's date, the playlist a row came from)
    const rowFilters = reading ? [reading.hardFilter, reading.exclusionFilter].filter((filter) => filter !== undefined) : [];
    const results = page.map((candidate) => this.recordingHit(candidate, affinity, rowFilters));
    const response: SearchResponse = { query, normalized, results };
    if (syntax && syntax.operators.length > 0) {
      // album: on a catalog without albums (Last.fm HetRec, a log of names only) can match nothing: say why the list is empty
      const noAlbums = this.store.albumCount === 0 && syntax.requirements.some((alternatives) => alternatives.every((required) => required.field === 'album'));
      response.operators = noAlbums ? [...syntax.operators, 'album: this catalog has no albums, so nothing can match'] : syntax.operators;
    }
    // the reading is reported whenever it shaped the answer (and with it any part that could not)
    if (reading && (dense.length > 0 || !navigational)) {
      response.descriptive = { terms: reading.labels, constraints: reading.hardLabels, coverage: round(reading.coverage) };
    }
    if (learnedReading && learned.length > 0) response.learned = { terms: learnedReading.known, coverage: round(learnedReading.coverage) };
    return response;
  }

  /**
   * Typeahead: names starting with the text (from any of their first words, or "artist title"),
   * best by popularity and affinity; when fewer than `limit` complete, typo-tolerant lexical
   * matches fill the rest.
   */
  suggest(prefix: string, options: SuggestOptions = {}): SearchHit[] {
    const text = searchText(prefix);
    const limit = clampLimit(options.limit, DEFAULT_SUGGEST_LIMIT);
    if (text === '' || limit === 0) return [];
    // "goodbye " (a space typed after the word): the name goes on with another word
    const normalized = /\s$/u.test(prefix) ? `${text} ` : text;
    const accept = this.typeFilter(options.types);
    const affinity = options.affinity ? resolveAffinity(this.store, options.affinity) : undefined;
    const boost = affinity ? (code: number) => DEFAULT_FUSION.affinity * this.affinityOf(code, affinity) : undefined;
    // a few more than asked: the original of a version that completes may be just below the cut
    const completions = groupVersionsInOrder(
      this.entities,
      this.suggestIndex.complete(normalized, Math.min(MAX_LIMIT, limit + VERSION_SLACK), accept, boost, { maxBoost: DEFAULT_FUSION.affinity, identity: this.recordingIdentity }),
      text.split(' '),
    ).slice(0, limit);
    scoresDownTheOrder(completions);
    const hits = completions.map(({ code, key, score }) =>
      this.recordingHit({ code, score, matched: [key === normalized ? `exact: ${this.keyAsWritten(code, key)}` : `prefix: ${prefix.trim()}→${this.keyAsWritten(code, key)}`] }, affinity),
    );
    // Nothing completes: the text is probably misspelled, so typo-tolerant lexical matches answer
    // instead (only then: a lexical search costs far more than a completion).
    if (hits.length === 0 && text.length >= 3) {
      const seen = new Set(completions.map((completion) => completion.code));
      const words = text.split(' ');
      const corrections = this.lexicalSearch(words, accept, this.priorBoost(affinity), { base: 1 + (affinity ? DEFAULT_FUSION.affinity : 0), popularity: DEFAULT_FUSION.popularity }, limit * 2);
      const top = corrections[0]?.score ?? 1;
      for (const result of corrections) {
        if (hits.length >= limit) break;
        const code = result.id as number;
        if (seen.has(code)) continue;
        seen.add(code);
        // corrections, not continuations: listed after the completions, scored 0..0.1
        hits.push(toHit(this.entities, { code, score: (0.1 * result.score) / top, matched: explainLexical(this.entities, result, words, code, prefix) }, affinity));
      }
    }
    return hits;
  }

  /** A typeahead key (normalized words of the name, or "artist title") as the catalog spells it. */
  private keyAsWritten(code: number, key: string): string {
    const texts = [this.entities.displayName(code), ...Array.from(this.entities.artistsOf(code), (artist) => this.store.artistName(artist))];
    return writtenWords(texts, key.split(' ').filter((word) => word !== ''), false).join(' ');
  }

  /**
   * What a listener cannot tell apart: a track's normalized title and primary artist; an album's
   * title and artist (so an album named like its single merges with the track when both complete).
   */
  private readonly recordingIdentity = (code: number): string | undefined => {
    const entities = this.entities;
    if (code < entities.trackCount) return `${entities.names[code]!}\u0000${this.store.trackPrimaryArtist[code]!}`;
    if (entities.typeOf(code) === 'album') return `${entities.names[code]!}\u0000${this.store.columns.albumArtist[entities.indexOf(code)]!}`;
    return undefined;
  };

  /**
   * The hit for a candidate. A track stands for its recording: the hit carries the recording's
   * most popular row (the canonical id) and lists the other rows as alternates, so the same
   * query answers with the same id whichever compilation row scored best. The rows (same
   * normalized title and primary artist: recordings.ts, stored with the index) are those that
   * pass every filter of the query the scored row passes (track codes are track indices).
   */
  private recordingHit(candidate: Candidate, affinity: ResolvedAffinity | undefined, rowFilters: readonly ((track: number) => boolean)[] = []): SearchHit {
    const entities = this.entities;
    const code = candidate.code;
    if (code >= entities.trackCount) return toHit(entities, candidate, affinity);
    const group = this.recordings.rowsOf(code);
    if (!group) return toHit(entities, candidate, affinity);
    const filters = rowFilters.filter((filter) => filter(code));
    // most popular first: the first row that passes is the canonical one
    const rows: number[] = [];
    for (let j = 0; j < group.length && rows.length <= MAX_ALTERNATES; j++) {
      const row = group[j]!;
      if (filters.every((filter) => filter(row))) rows.push(row);
    }
    if (rows.length <= 1) return toHit(entities, candidate, affinity);
    const canonical = rows[0]!;
    // the album a label names belongs to the row that scored, not necessarily to the canonical one
    const hit = toHit(entities, canonical === code ? candidate : { ...candidate, code: canonical, matched: candidate.matched.filter((label) => !label.startsWith('album:')) }, affinity);
    hit.alternates = rows.slice(1, 1 + MAX_ALTERNATES).map((row) => entities.idOf(row));
    return hit;
  }

  /**
   * One result per recording: catalogs repeat a track under several ids (compilations, playlist
   * rows), so a later track with the same normalized title and primary artist is dropped, and so
   * is an album named like a track of the same artist ranked above it (the single of that track).
   */
  private collapseDuplicates<T extends Candidate>(ranked: readonly T[]): T[] {
    const entities = this.entities;
    const seenGroups = new Set<number>();
    const groupOf = this.recordings.arrays.groupOf;
    const primary = this.store.trackPrimaryArtist;
    const albumArtist = this.store.columns.albumArtist;
    /** tracks kept so far: an album below one of them with its name and artist is its single */
    const keptTracks: number[] = [];
    const out: T[] = [];
    for (const candidate of ranked) {
      const code = candidate.code;
      const type = entities.typeOf(code);
      if (type === 'track') {
        // a recording of several rows by its group
        const group = groupOf[code]!;
        if (group >= 0) {
          if (seenGroups.has(group)) continue;
          seenGroups.add(group);
        }
        keptTracks.push(code);
      } else if (type === 'album') {
        const name = entities.names[code]!;
        const artist = albumArtist[entities.indexOf(code)]!;
        if (keptTracks.some((track) => primary[track] === artist && entities.names[track] === name)) continue;
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

  /**
   * BM25F top-k over the inverted index. Each distinct query word is a group of variants: the
   * word itself when the index knows it (a known word is taken as typed), otherwise its
   * corrections within the length-scaled edit distance (deletion neighbourhood), and for an
   * unfinished last word its most frequent completions. Coordination and priors are part of the
   * score (see top-k.ts), so no post-pass re-sorts.
   */
  private lexicalSearch(
    words: string[],
    accept: (code: number) => boolean,
    boost: (code: number) => number,
    bound: LexicalBound,
    depth: number,
    syntax?: ParsedQuery,
  ): LexicalResult[] {
    const lastWord = words[words.length - 1] ?? '';
    const groups: QueryGroup[] = [];
    const groupWords: string[][] = [];
    // a slot is one word, or the words of "a OR b" sharing one group (either counts in full)
    const slots = syntax ? syntax.slots : [...new Set(words)].map((word) => [word]);
    for (const slot of slots) {
      const variants: QueryGroup['variants'] = [];
      for (const word of slot) {
        for (const variant of this.variantsOf(word, word === lastWord)) {
          const at = variants.findIndex((existing) => existing.term === variant.term);
          if (at < 0) variants.push(variant);
          else if (variants[at]!.weight < variant.weight) variants[at] = variant;
        }
      }
      if (variants.length === 0) continue;
      groups.push({ variants });
      groupWords.push(slot);
    }
    if (groups.length === 0) return [];
    const lexical = this.lexical;
    return topK(lexical, groups, { k: depth, accept, boost, maxBoost: bound.base, popularity: bound.popularity, forced: bound.forced, forcedExtra: bound.forcedExtra }).map(({ doc, score, groups: mask }) => {
      const queryTerms: string[] = [];
      for (let g = 0; g < groups.length; g++) if ((mask & (1 << g)) !== 0) queryTerms.push(...groupWords[g]!);
      return new LexicalHit(doc, score, queryTerms, lexical, groups, mask);
    });
  }

  /**
   * The query language's requirements and exclusions as one predicate over entity codes: a
   * required word holds when one of its variants (typo corrections, completions of the last word)
   * has a posting for the entity — in the field asked for, read from the posting's field mask; an
   * exclusion when every one of its words, exactly as typed, has one (in its field, or any). Binary
   * searches in the postings, nothing allocated per candidate.
   */
  private syntaxFilter(syntax: ParsedQuery, lastWord: string): ((code: number) => boolean) | undefined {
    if (syntax.requirements.length === 0 && syntax.exclusions.length === 0) return undefined;
    const lexical = this.lexical;
    const fieldMasks = lexical.arrays.fieldMasks;
    const entities = this.entities;
    const variantTerms = (word: string): Int32Array => Int32Array.from(this.variantsOf(word, word === lastWord), (variant) => variant.term);
    const requirements = syntax.requirements.map((alternatives) =>
      alternatives.map(({ words, field }) => ({ terms: words.map(variantTerms), field })),
    );
    // an exclusion matches its words exactly as typed (no typo or prefix variants)
    const exclusions = syntax.exclusions.map(({ words, field }) => ({ terms: words.map((word) => Int32Array.of(lexical.termId(word))), field }));
    const holds = (terms: Int32Array, code: number, field: SearchField | undefined): boolean => {
      const wanted = field === undefined ? ANY_FIELD : fieldBits(field, entities.typeOf(code));
      if (wanted === 0) return false;
      for (let i = 0; i < terms.length; i++) {
        const position = lexical.find(terms[i]!, code);
        if (position >= 0 && (fieldMasks[position]! & wanted) !== 0) return true;
      }
      return false;
    };
    return (code: number): boolean => {
      for (const { terms, field } of exclusions) {
        let all = true;
        for (let i = 0; i < terms.length && all; i++) all = terms[i]![0]! >= 0 && (field === undefined ? lexical.find(terms[i]![0]!, code) >= 0 : holds(terms[i]!, code, field));
        if (all) return false;
      }
      for (const alternatives of requirements) {
        let any = false;
        for (const { terms, field } of alternatives) {
          let every = true;
          for (let w = 0; w < terms.length && every; w++) every = holds(terms[w]!, code, field);
          if (every) {
            any = true;
            break;
          }
        }
        if (!any) return false;
      }
      return true;
    };
  }

  /** The terms a query word stands for, with weights (see lexicalSearch). */
  private variantsOf(word: string, last: boolean): QueryGroup['variants'] {
    const lexical = this.lexical;
    const known = lexical.termId(word);
    if (known >= 0) {
      // A known word is taken as typed, unless it is rare and one edit from a far more common
      // word: "ross" for "roses", "spar" for "spark" (a noisy-channel prior: people mistype common
      // words into rare ones far more often than the reverse).
      const variants: QueryGroup['variants'] = [{ term: known, weight: 1 }];
      const frequency = lexical.documentFrequency(known);
      if (frequency <= RARE_KNOWN_WORD) {
        for (const { term, distance } of this.typos.candidates(word, MAX_TYPO_TERMS, (term) => -lexical.documentFrequency(term))) {
          if (distance === 1 && lexical.documentFrequency(term) >= COMMON_RATIO * frequency) variants.push({ term, weight: VARIANT_WEIGHTS.typo1 });
        }
      }
      return variants;
    }
    const variants: QueryGroup['variants'] = [];
    for (const { term, distance } of this.typos.candidates(word, MAX_TYPO_TERMS, (term) => -lexical.documentFrequency(term))) {
      variants.push({ term, weight: distance === 1 ? VARIANT_WEIGHTS.typo1 : VARIANT_WEIGHTS.typo2 });
    }
    // the last word may be unfinished ("digital lov"); 3 characters (code points: "🔥🔥" is 2, not 4)
    if (last && [...word].length >= 3) {
      const [from, to] = lexical.prefixRange(word);
      const completions: number[] = [];
      for (let term = from; term < to; term++) completions.push(term);
      if (completions.length > MAX_PREFIX_TERMS) completions.sort((a, b) => lexical.documentFrequency(b) - lexical.documentFrequency(a) || a - b);
      for (const term of completions.slice(0, MAX_PREFIX_TERMS)) {
        if (!variants.some((variant) => variant.term === term)) variants.push({ term, weight: VARIANT_WEIGHTS.prefix });
      }
    }
    return variants;
  }

  /**
   * Nearest tracks to a vector in the content index (ids = track ids), under a hard filter over
   * track indices. Without a filter (every label a track, no hard constraint) FAISS is asked for
   * `depth` neighbours only; with one it is asked for depth ÷ the filter's pass rate (estimated
   * on a fixed sample of labels), not a blind 4× — HNSW's cost grows with the neighbours asked for.
   */
  private vectorSearch(vector: Float32Array, hard: ((track: number) => boolean) | undefined, boost: (code: number) => number, depth: number): { code: number; score: number }[] {
    const index = this.contentIndex!;
    const labelTrack = this.labelTrack!;
    const k = Math.min(depth, index.size);
    let neighbors;
    if (hard === undefined && this.everyLabelATrack) neighbors = index.search(vector, k);
    else {
      const filter = (label: number): boolean => {
        const track = labelTrack[label]!;
        return track >= 0 && (hard === undefined || hard(track));
      };
      neighbors = index.search(vector, k, { filter, overFetch: overFetchFor(filter, index.size) });
    }
    const out: { code: number; score: number }[] = [];
    for (let i = 0; i < neighbors.labels.length; i++) {
      const code = this.entities.trackCode(labelTrack[neighbors.labels[i]!]!);
      out.push({ code, score: neighbors.scores[i]! * boost(code) });
    }
    return out.sort((a, b) => b.score - a.score);
  }

  /** @internal whether every content-index label is a track of the store (then an unfiltered search needs no filter) */
  private get everyLabelATrack(): boolean {
    this.labelsAreTracks ??= this.labelTrack!.every((track) => track >= 0);
    return this.labelsAreTracks;
  }
  private labelsAreTracks: boolean | undefined;
}

/** Labels a filter is tried on to estimate its pass rate (evenly spaced: the same sample every time). */
const FILTER_SAMPLE = 256;
/** Neighbours asked for per neighbour wanted: 1.5 ÷ the sampled pass rate, within [1.5, 64]. */
function overFetchFor(filter: (label: number) => boolean, size: number): number {
  const samples = Math.min(FILTER_SAMPLE, size);
  if (samples === 0) return 1.5;
  const step = size / samples;
  let passed = 0;
  for (let i = 0; i < samples; i++) if (filter(Math.floor(i * step))) passed++;
  return Math.min(64, 1.5 / Math.max(passed / samples, 1 / 64));
}

/**
 * Known-item order (exact title first, versions after their original) can put a hit above
 * higher-scored ones; the score it reports is then lifted to the highest score below it, so
 * scores never increase down the list (over the whole ranked list, so pages agree) and a client
 * sorting by score keeps the order.
 */
function scoresDownTheOrder(ranked: { score: number }[]): void {
  for (let i = ranked.length - 2; i >= 0; i--) if (ranked[i]!.score < ranked[i + 1]!.score) ranked[i]!.score = ranked[i + 1]!.score;
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_LIMIT, Math.max(0, Math.floor(limit)));
}
