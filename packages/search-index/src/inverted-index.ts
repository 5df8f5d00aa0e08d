// The lexical index: an inverted index held in a handful of typed arrays (so the bundle stores it
// as raw bytes and a load is one read, no parsing). Terms are sorted, so a prefix is a range;
// each term's postings are doc codes in increasing order with a quantized BM25F impact and a
// field mask, cut in blocks of BLOCK_SIZE with the block's last doc and highest impact (block-max
// top-k in top-k.ts skips whole blocks that cannot reach the threshold).
import { indexOfSorted, lowerBound } from '@mixtape/base';
import type { EntitySpace } from './entities';

export const FIELDS = ['name', 'artists', 'album', 'genres'] as const;
export type Field = (typeof FIELDS)[number];
/** BM25F field weights: a title hit outweighs an artist hit, which outweighs album and genre hits. */
export const FIELD_BOOSTS = { name: 3, artists: 2, album: 1, genres: 0.5 } as const;
/** BM25 saturation and per-field length normalisation (Robertson & Zaragoza's usual values). */
const K1 = 1.2;
const B = 0.75;
export const BLOCK_SIZE = 64;
/** Impacts are (k1+1)·tf/(k1+tf) ∈ (0, k1+1], stored as a byte of that range. */
const IMPACT_SCALE = (K1 + 1) / 255;

export interface InvertedIndexArrays {
  /** sorted vocabulary */
  terms: string[];
  /** term t's postings are [termStarts[t], termStarts[t+1]) */
  termStarts: Uint32Array;
  docs: Uint32Array;
  impacts: Uint8Array;
  /** bit i set = the term occurs in FIELDS[i] */
  fieldMasks: Uint8Array;
  /** term t's blocks are [blockStarts[t], blockStarts[t+1]) */
  blockStarts: Uint32Array;
  blockLast: Uint32Array;
  blockMax: Uint8Array;
  /** document → entity code: documents are numbered by popularity, most popular first (static rank) */
  docCodes: Uint32Array;
  documentCount: number;
}

/** Decoded impacts (byte → float), shared. */
const IMPACT = Float32Array.from({ length: 256 }, (_, q) => q * IMPACT_SCALE);

export class InvertedIndex {
  private readonly termIds = new Map<string, number>();
  /** idf per term (BM25's, never negative) */
  readonly idf: Float32Array;
  /** the highest prior of any document numbered d or later (non-increasing: top-k stops on it) */
  readonly priorBound: Float32Array;
  /** entity code → document */
  private readonly codeDocs: Uint32Array;

  /** `prior` is the entities' popularity prior by code (what the document order was built from). */
  constructor(
    readonly arrays: InvertedIndexArrays,
    prior: Float32Array,
  ) {
    const { terms, termStarts, documentCount, docCodes } = arrays;
    if (docCodes.length !== documentCount || prior.length !== documentCount) {
      throw new Error(`inverted index: ${docCodes.length} document codes and ${prior.length} priors for ${documentCount} documents`);
    }
    this.codeDocs = new Uint32Array(documentCount);
    this.priorBound = new Float32Array(documentCount);
    let bound = 0;
    for (let doc = documentCount - 1; doc >= 0; doc--) {
      const code = docCodes[doc]!;
      if (code >= documentCount) throw new Error(`inverted index: document ${doc} has entity code ${code} of ${documentCount}`);
      this.codeDocs[code] = doc;
      bound = Math.max(bound, prior[code]!);
      this.priorBound[doc] = bound;
    }
    this.idf = new Float32Array(terms.length);
    for (let t = 0; t < terms.length; t++) {
      this.termIds.set(terms[t]!, t);
      const df = termStarts[t + 1]! - termStarts[t]!;
      this.idf[t] = Math.log(1 + (documentCount - df + 0.5) / (df + 0.5));
    }
  }

  get termCount(): number {
    return this.arrays.terms.length;
  }

  get documentCount(): number {
    return this.arrays.documentCount;
  }

  termId(term: string): number {
    return this.termIds.get(term) ?? -1;
  }

  term(id: number): string {
    return this.arrays.terms[id]!;
  }

  /** Number of documents holding the term. */
  documentFrequency(id: number): number {
    return this.arrays.termStarts[id + 1]! - this.arrays.termStarts[id]!;
  }

  /** Highest impact of any posting of the term (its block maxima's maximum). */
  maxImpact(id: number): number {
    const { blockStarts, blockMax } = this.arrays;
    let max = 0;
    for (let b = blockStarts[id]!; b < blockStarts[id + 1]!; b++) if (blockMax[b]! > max) max = blockMax[b]!;
    return IMPACT[max]!;
  }

  /** Terms starting with `prefix` as a range of term ids [from, to) (the vocabulary is sorted). */
  prefixRange(prefix: string): [number, number] {
    const terms = this.arrays.terms;
    const low = lowerBound(terms, prefix);
    let end = low;
    let high = terms.length;
    while (end < high) {
      const mid = (end + high) >>> 1;
      if (terms[mid]!.startsWith(prefix)) end = mid + 1;
      else high = mid;
    }
    return [low, end];
  }

  /** The document of an entity code. */
  docOf(code: number): number {
    return this.codeDocs[code]!;
  }

  /** Position of the entity `code` in the term's postings, or −1 (binary search; used to explain a hit). */
  find(id: number, code: number): number {
    return indexOfSorted(this.arrays.docs, this.codeDocs[code]!, this.arrays.termStarts[id]!, this.arrays.termStarts[id + 1]!);
  }

  impactAt(position: number): number {
    return IMPACT[this.arrays.impacts[position]!]!;
  }

  /** The fields in which the posting at `position` occurs. */
  fieldsAt(position: number): Field[] {
    const mask = this.arrays.fieldMasks[position]!;
    const out: Field[] = [];
    for (let f = 0; f < FIELDS.length; f++) if (mask & (1 << f)) out.push(FIELDS[f]!);
    return out;
  }
}

export { IMPACT };

/** The searchable words of one entity per field (tracks: title, artists, album; artists: name, genres; albums: title, artist). */
export function fieldWords(entities: EntitySpace, code: number, genreTexts: readonly string[]): [string, string, string, string] {
  const store = entities.store;
  const type = entities.typeOf(code);
  const index = entities.indexOf(code);
  const name = entities.names[code]!;
  if (type === 'track') {
    const artists = store.artistsOfTrack(index);
    let artistText = '';
    for (let j = 0; j < artists.length; j++) artistText += (j > 0 ? ' ' : '') + entities.names[entities.artistCode(artists[j]!)]!;
    const album = store.columns.trackAlbum[index]!;
    // Track genres are left to the lexicon and dense retrieval: a genre word would otherwise hit
    // every track of the genre on every query.
    return [name, artistText, album >= 0 ? entities.names[entities.albumCode(album)]! : '', ''];
  }
  if (type === 'artist') {
    return [name, '', '', entities.genresOf(code).map((genre) => genreTexts[genre]!).join(' ')];
  }
  const artist = store.columns.albumArtist[index]!;
  return [name, entities.names[entities.artistCode(artist)]!, '', ''];
}

/** Growable Uint32/Float32 column for the build (no per-posting objects). */
class Column<T extends Uint32Array | Float32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (size: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/**
 * Builds the index over every entity: BM25F per (term, doc) — tf summed over fields weighted by
 * FIELD_BOOSTS and normalised by each field's length against its average — saturated by k1 and
 * quantized to a byte; postings grouped by term with a counting sort, terms sorted.
 */
export function buildInvertedIndex(entities: EntitySpace, genreTexts: readonly string[], onDocument?: (code: number) => void): InvertedIndex {
  const size = entities.size;
  const fieldCount = FIELDS.length;
  const boosts = FIELDS.map((field) => FIELD_BOOSTS[field]);
  // pass 1: words per field, field length sums (for the average)
  const lengthSums = new Float64Array(fieldCount);
  const lengthCounts = new Float64Array(fieldCount);
  const docFields: [string, string, string, string][] = new Array(size);
  for (let code = 0; code < size; code++) {
    const fields = fieldWords(entities, code, genreTexts);
    docFields[code] = fields;
    for (let f = 0; f < fieldCount; f++) {
      if (fields[f] === '') continue;
      lengthSums[f]! += countWords(fields[f]!);
      lengthCounts[f]!++;
    }
  }
  const averages = Array.from(lengthSums, (sum, f) => (lengthCounts[f]! > 0 ? sum / lengthCounts[f]! : 1));
  const docCodes = staticRank(entities.prior);

  // pass 2: (term, doc, tf~, mask) in doc order
  const ids = new Map<string, number>();
  const termOf = new Column(new Uint32Array(1 << 16), (n) => new Uint32Array(n));
  const docOf = new Column(new Uint32Array(1 << 16), (n) => new Uint32Array(n));
  const weightOf = new Column(new Float32Array(1 << 16), (n) => new Float32Array(n));
  const maskOf = new Column(new Uint8Array(1 << 16), (n) => new Uint8Array(n));
  let scratchWeight = new Float64Array(1024);
  let scratchMask = new Uint8Array(1024);
  const touched: number[] = [];
  for (let doc = 0; doc < size; doc++) {
    const code = docCodes[doc]!;
    const fields = docFields[code]!;
    for (let f = 0; f < fieldCount; f++) {
      const text = fields[f]!;
      if (text === '') continue;
      const words = text.split(' ');
      const norm = 1 - B + (B * words.length) / averages[f]!;
      const weight = boosts[f]! / norm;
      for (const word of words) {
        if (word === '') continue;
        let id = ids.get(word);
        if (id === undefined) {
          id = ids.size;
          ids.set(word, id);
          if (id >= scratchWeight.length) {
            const grownWeight = new Float64Array(scratchWeight.length * 2);
            grownWeight.set(scratchWeight);
            scratchWeight = grownWeight;
            const grownMask = new Uint8Array(scratchMask.length * 2);
            grownMask.set(scratchMask);
            scratchMask = grownMask;
          }
        }
        if (scratchMask[id] === 0) touched.push(id);
        scratchWeight[id]! += weight;
        scratchMask[id]! |= 1 << f;
      }
    }
    for (const id of touched) {
      termOf.push(id);
      docOf.push(doc);
      const tf = scratchWeight[id]!;
      weightOf.push(((K1 + 1) * tf) / (K1 + tf));
      maskOf.push(scratchMask[id]!);
      scratchWeight[id] = 0;
      scratchMask[id] = 0;
    }
    touched.length = 0;
    docFields[code] = undefined as never; // free as we go
    if (onDocument && (doc & 4095) === 0) onDocument(doc);
  }

  // terms in sorted order; postings grouped by term (counting sort keeps doc order inside a term)
  const unsorted = [...ids.keys()];
  const order = unsorted.map((_, i) => i).sort((a, b) => (unsorted[a]! < unsorted[b]! ? -1 : unsorted[a]! > unsorted[b]! ? 1 : 0));
  const rank = new Uint32Array(order.length);
  order.forEach((id, position) => (rank[id] = position));
  const termCount = order.length;
  const total = termOf.length;
  const termStarts = new Uint32Array(termCount + 1);
  for (let p = 0; p < total; p++) termStarts[rank[termOf.data[p]!]! + 1]!++;
  for (let t = 0; t < termCount; t++) termStarts[t + 1]! += termStarts[t]!;
  const cursor = termStarts.slice(0, termCount);
  const docs = new Uint32Array(total);
  const impacts = new Uint8Array(total);
  const fieldMasks = new Uint8Array(total);
  for (let p = 0; p < total; p++) {
    const t = rank[termOf.data[p]!]!;
    const at = cursor[t]!++;
    docs[at] = docOf.data[p]!;
    impacts[at] = Math.max(1, Math.min(255, Math.round(weightOf.data[p]! / IMPACT_SCALE)));
    fieldMasks[at] = maskOf.data[p]!;
  }
  const blockStarts = new Uint32Array(termCount + 1);
  for (let t = 0; t < termCount; t++) blockStarts[t + 1] = blockStarts[t]! + Math.ceil((termStarts[t + 1]! - termStarts[t]!) / BLOCK_SIZE);
  const blockCount = blockStarts[termCount]!;
  const blockLast = new Uint32Array(blockCount);
  const blockMax = new Uint8Array(blockCount);
  for (let t = 0; t < termCount; t++) {
    let block = blockStarts[t]!;
    for (let start = termStarts[t]!; start < termStarts[t + 1]!; start += BLOCK_SIZE, block++) {
      const end = Math.min(start + BLOCK_SIZE, termStarts[t + 1]!);
      let max = 0;
      for (let p = start; p < end; p++) if (impacts[p]! > max) max = impacts[p]!;
      blockMax[block] = max;
      blockLast[block] = docs[end - 1]!;
    }
  }
  const terms = order.map((id) => unsorted[id]!);
  return new InvertedIndex({ terms, termStarts, docs, impacts, fieldMasks, blockStarts, blockLast, blockMax, docCodes, documentCount: size }, entities.prior);
}

/**
 * Entity codes by prior, highest first (ties: lower code first): the document numbering. Top-k
 * walks postings in this order, so the bound on the popularity of what is left only falls.
 */
export function staticRank(prior: Float32Array): Uint32Array {
  const size = prior.length;
  // one numeric sort of (quantized −prior, code) packed into a double; 2^24 codes per prior step
  if (size < 2 ** 24) {
    const keys = new Float64Array(size);
    for (let code = 0; code < size; code++) keys[code] = Math.round((1 - Math.min(1, Math.max(0, prior[code]!))) * 1e6) * 2 ** 24 + code;
    keys.sort();
    return Uint32Array.from(keys, (key) => key % 2 ** 24);
  }
  return Uint32Array.from({ length: size }, (_, code) => code).sort((a, b) => prior[b]! - prior[a]! || a - b);
}

function countWords(text: string): number {
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) count++;
  return count;
}
