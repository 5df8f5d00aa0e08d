// The search index as bytes for the bundle: a 12-byte prefix (magic, version, header length), a
// JSON header (counts, catalog fingerprint, content encoder, section table), then the sections,
// each 8-byte aligned: names and terms as newline-joined text, everything else raw typed arrays
// (postings, impacts, field masks, block maxima, typo deletions, suggest keys). Loading is one
// read plus views over it (no per-posting parsing); it checks the index belongs to the catalog.
// Format 4 leaves the learned text → track model out (it is stored once, as its own bundle part,
// and handed to loadSearchIndex); format-3 files, which embed it as sections semantic.*, still load.
import type { Logger } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import type { ContentEncoder, VectorIndex } from '@mixtape/embeddings';
import type { Lexicon } from '@mixtape/language';
import { SearchEngine } from './engine';
import { EntitySpace } from './entities';
import { InvertedIndex } from './inverted-index';
import { lexiconArtistArrays, lexiconFromArrays } from './lexicon-format';
import { SuggestIndex } from './suggest-index';
import { TypoIndex } from './typo-index';
import { SemanticModel, type SemanticMethod } from './semantic';
import { Recordings } from './recordings';

const MAGIC = 'MXSI';
const FORMAT_VERSION = 4;
/** Versions this build loads: 3 (the text model embedded) and 4. */
const READABLE_VERSIONS: readonly number[] = [3, FORMAT_VERSION];
const ALIGN = 8;
/** ids per kind hashed into the catalog fingerprint */
const FINGERPRINT_IDS = 1 << 17;

interface SerializedHeader {
  version: number;
  counts: { tracks: number; artists: number; albums: number };
  /** FNV-1a over the ids (all, or an even spread of 2^17 per kind), so an index is not loaded against another catalog */
  catalogFingerprint: string;
  contentEncoder: ContentEncoder | null;
  documentCount: number;
  /** the catalog lexicon's artist part (sections lexicon.*) */
  lexicon: { maxArtistTokens: number };
  /** format 3 only: the learned text → track model embedded as sections semantic.* */
  semantic?: { method: SemanticMethod; dim: number } | null;
  sections: { name: string; offset: number; length: number }[];
}

type TypedArray = Uint32Array | Int32Array | Uint16Array | Uint8Array | Float32Array | Float64Array;
/** What a section holds: newline-joined text, or a typed array's raw bytes. */
type SectionValue = readonly string[] | TypedArray;
interface Section {
  name: string;
  bytes: Buffer;
}

/**
 * The engine as bytes for the bundle (see the file comment). Its learned text model, when it has
 * one, is not among them: store it with serializeSemanticModel and pass it to loadSearchIndex.
 */
export function serializeSearchIndex(engine: SearchEngine): Buffer {
  const lexical = engine.lexical.arrays;
  const typos = engine.typos.arrays;
  const suggest = engine.suggestIndex.arrays;
  const lexicon = lexiconArtistArrays(engine.lexicon, engine.store);
  const recordings = engine.recordings.arrays;
  const sections: Section[] = [
    { name: 'names', bytes: sectionBytes(engine.entities.names) },
    { name: 'terms', bytes: sectionBytes(lexical.terms) },
    ...fieldSections('lexical', lexical, ['termStarts', 'docs', 'impacts', 'fieldMasks', 'blockStarts', 'blockLast', 'blockMax', 'docCodes']),
    ...fieldSections('typos', typos, ['hashes', 'termIds']),
    ...fieldSections('suggest', suggest, ['codes', 'offsets', 'kinds']),
    ...fieldSections('lexicon', lexicon, ['keys', 'entries', 'compactKeys', 'compactEntries', 'refStarts', 'refArtists', 'profiles']),
    ...fieldSections('recordings', recordings, ['groupOf', 'offsets', 'rows']),
  ];
  // the content index's label → track map: checked against the index given at load, rebuilt if it differs
  if (engine.labelTrack) sections.push({ name: 'content.labelTrack', bytes: typedBytes(engine.labelTrack) });
  let offset = 0;
  const parts: Buffer[] = [];
  const table = sections.map(({ name, bytes }) => {
    const entry = { name, offset, length: bytes.length };
    const padded = Math.ceil(bytes.length / ALIGN) * ALIGN;
    parts.push(bytes);
    if (padded > bytes.length) parts.push(Buffer.alloc(padded - bytes.length));
    offset += padded;
    return entry;
  });
  const header: SerializedHeader = {
    version: FORMAT_VERSION,
    counts: { tracks: engine.entities.trackCount, artists: engine.entities.artistCount, albums: engine.entities.albumCount },
    catalogFingerprint: catalogFingerprint(engine.store),
    contentEncoder: engine.contentEncoder ?? null,
    documentCount: lexical.documentCount,
    lexicon: { maxArtistTokens: lexicon.maxArtistTokens },
    sections: table,
  };
  // the header is padded with spaces so the body starts aligned
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((ALIGN - ((12 + Buffer.byteLength(headerText)) % ALIGN)) % ALIGN);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(FORMAT_VERSION, 4);
  prefix.writeUInt32LE(headerBytes.length, 8);
  return Buffer.concat([prefix, headerBytes, ...parts]);
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
  /** answer a few requests before returning so the first real ones are not slow (default true) */
  warmUp?: boolean;
  /**
   * The learned text → track model (stored apart: the bundle's semanticModel part). Needs the
   * content index. A format-3 file's embedded model is used when this is not given.
   */
  semantic?: SemanticModel;
}

/**
 * Loads a serialized engine against the same catalog it was built from (checked by fingerprint).
 * Pass the bundle's content VectorIndex to enable dense retrieval.
 */
export function loadSearchIndex(buffer: Buffer, store: CatalogStore, contentIndex?: VectorIndex, options: LoadSearchIndexOptions = {}): SearchEngine {
  if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== MAGIC) throw new SearchIndexFormatError('not a Mixtape search index (bad magic bytes)');
  const version = buffer.readUInt32LE(4);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new SearchIndexFormatError(`format version ${version}; this build reads versions ${READABLE_VERSIONS.join(' and ')} (rebuild the index)`);
  }
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
  for (const entry of header.sections) {
    if (!Number.isInteger(entry.offset) || !Number.isInteger(entry.length) || entry.offset < 0 || entry.length < 0 || bodyStart + entry.offset + entry.length > buffer.length) {
      throw new SearchIndexFormatError(`section "${entry.name}" is truncated (${entry.length} bytes at ${entry.offset}, the file has ${buffer.length - bodyStart} after the header)`);
    }
  }
  const section = (name: string): Buffer => {
    const entry = header.sections.find((candidate) => candidate.name === name);
    if (!entry) throw new SearchIndexFormatError(`section "${name}" is missing`);
    const start = bodyStart + entry.offset;
    if (start + entry.length > buffer.length) throw new SearchIndexFormatError(`section "${name}" is truncated`);
    return buffer.subarray(start, start + entry.length);
  };
  const text = (name: string): string[] => {
    const value = section(name).toString('utf8');
    return value === '' ? [] : value.split('\n');
  };
  const names = text('names');
  if (names.length !== expected.tracks + expected.artists + expected.albums) {
    throw new SearchIndexFormatError(`names section holds ${names.length} names for ${expected.tracks + expected.artists + expected.albums} entities`);
  }
  const entities = new EntitySpace(store, names);
  const view = <T extends TypedArray>(name: string, make: new (buffer: ArrayBuffer, offset: number, length: number) => T, bytesPer: number): T => {
    const bytes = section(name);
    if (bytes.length % bytesPer !== 0) throw new SearchIndexFormatError(`section "${name}" has ${bytes.length} bytes, not a multiple of ${bytesPer}`);
    // a view over the read buffer when it is aligned (the usual case), else one copy
    if (bytes.byteOffset % bytesPer === 0) return new make(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length / bytesPer);
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    return new make(copy, 0, bytes.length / bytesPer);
  };
  const terms = text('terms');
  let lexical: InvertedIndex;
  try {
    lexical = new InvertedIndex({
    terms,
    termStarts: view('lexical.termStarts', Uint32Array, 4),
    docs: view('lexical.docs', Uint32Array, 4),
    impacts: view('lexical.impacts', Uint8Array, 1),
    fieldMasks: view('lexical.fieldMasks', Uint8Array, 1),
    blockStarts: view('lexical.blockStarts', Uint32Array, 4),
    blockLast: view('lexical.blockLast', Uint32Array, 4),
    blockMax: view('lexical.blockMax', Uint8Array, 1),
    docCodes: view('lexical.docCodes', Uint32Array, 4),
    documentCount: header.documentCount,
  }, entities.prior);
  } catch (error) {
    if (error instanceof SearchIndexFormatError) throw error;
    throw new SearchIndexFormatError((error as Error).message, { cause: error });
  }
  const { termStarts, docs, impacts, fieldMasks, blockStarts, blockLast, blockMax } = lexical.arrays;
  if (termStarts.length !== terms.length + 1 || blockStarts.length !== terms.length + 1) throw new SearchIndexFormatError('term tables disagree with the vocabulary');
  if (docs.length !== termStarts[terms.length] || impacts.length !== docs.length || fieldMasks.length !== docs.length) throw new SearchIndexFormatError('postings arrays differ in length');
  if (blockLast.length !== blockStarts[terms.length] || blockMax.length !== blockLast.length) throw new SearchIndexFormatError('block arrays differ in length');
  const typos = new TypoIndex({ hashes: view('typos.hashes', Uint32Array, 4), termIds: view('typos.termIds', Uint32Array, 4) }, terms);
  if (typos.arrays.hashes.length !== typos.arrays.termIds.length) throw new SearchIndexFormatError('typo arrays differ in length');
  const codes = view('suggest.codes', Uint32Array, 4);
  const offsets = view('suggest.offsets', Uint16Array, 2);
  const kinds = view('suggest.kinds', Uint8Array, 1);
  if (codes.length !== offsets.length || codes.length !== kinds.length) throw new SearchIndexFormatError('suggest arrays differ in length');
  const suggestIndex = new SuggestIndex(entities, { codes, offsets, kinds });
  let lexicon: Lexicon;
  try {
    lexicon = lexiconFromArrays(
      {
        maxArtistTokens: header.lexicon.maxArtistTokens,
        keys: text('lexicon.keys'),
        entries: view('lexicon.entries', Uint32Array, 4),
        compactKeys: text('lexicon.compactKeys'),
        compactEntries: view('lexicon.compactEntries', Uint32Array, 4),
        refStarts: view('lexicon.refStarts', Uint32Array, 4),
        refArtists: view('lexicon.refArtists', Uint32Array, 4),
        profiles: view('lexicon.profiles', Float64Array, 8),
      },
      store,
    );
  } catch (error) {
    if (error instanceof SearchIndexFormatError) throw error;
    throw new SearchIndexFormatError((error as Error).message, { cause: error });
  }
  const encoder = header.contentEncoder ?? undefined;
  if (contentIndex && !encoder) throw new SearchIndexFormatError('a content index was given but the search index was built without a content encoder');
  const labelTrack = contentIndex && header.sections.some((entry) => entry.name === 'content.labelTrack') ? view('content.labelTrack', Int32Array, 4) : undefined;
  // files written before the recordings were stored build them on first use
  const recordings = header.sections.some((entry) => entry.name === 'recordings.groupOf')
    ? new Recordings({ groupOf: view('recordings.groupOf', Int32Array, 4), offsets: view('recordings.offsets', Uint32Array, 4), rows: view('recordings.rows', Uint32Array, 4) })
    : undefined;
  if (recordings && (recordings.arrays.groupOf.length !== entities.trackCount || recordings.arrays.offsets.length === 0 || recordings.arrays.offsets[recordings.arrays.offsets.length - 1] !== recordings.arrays.rows.length)) {
    throw new SearchIndexFormatError(`recordings: ${recordings.arrays.groupOf.length} tracks (expected ${entities.trackCount}) or offsets that do not end at the ${recordings.arrays.rows.length} rows`);
  }
  const engine = new SearchEngine(
    store,
    entities,
    lexical,
    typos,
    suggestIndex,
    lexicon,
    encoder,
    contentIndex,
    labelTrack && sameLabels(labelTrack, contentIndex!, store) ? labelTrack : undefined,
    recordings,
  );
  if (options.semantic) engine.useSemanticModel(options.semantic);
  else if (version === 3 && header.semantic && contentIndex) {
    let model: SemanticModel;
    try {
      model = new SemanticModel(header.semantic.method, header.semantic.dim, text('semantic.vocabulary'), view('semantic.vectors', Float32Array, 4));
    } catch (error) {
      if (error instanceof SearchIndexFormatError) throw error;
      throw new SearchIndexFormatError(`semantic model: ${(error as Error).message}`, { cause: error });
    }
    engine.useSemanticModel(model);
  }
  if (options.warmUp !== false) engine.warmUp();
  options.logger?.info(engine.info(), 'search index loaded');
  return engine;
}

/**
 * Whether a stored label → track map fits this content index and catalog: same size, and 257
 * labels spread over it name the same tracks (a different index is caught without a full pass;
 * the engine rebuilds the map when this says no).
 */
function sameLabels(labelTrack: Int32Array, index: VectorIndex, store: CatalogStore): boolean {
  if (labelTrack.length !== index.size) return false;
  const samples = Math.min(257, labelTrack.length);
  for (let s = 0; s < samples; s++) {
    const label = Math.floor((s * (labelTrack.length - 1)) / Math.max(1, samples - 1));
    const id = index.idOf(label);
    const track = labelTrack[label]!;
    const expected = id === undefined ? -1 : store.trackIndex(id);
    if (track !== expected) return false;
  }
  return true;
}

function typedBytes(array: TypedArray): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function sectionBytes(value: SectionValue): Buffer {
  return Array.isArray(value) ? Buffer.from(value.join('\n'), 'utf8') : typedBytes(value as TypedArray);
}

/** One section per field, named `group.field` (the name the loader asks for), in the order given. */
function fieldSections<T, K extends keyof T & string>(group: string, arrays: T & Record<K, SectionValue>, fields: readonly K[]): Section[] {
  return fields.map((field) => ({ name: `${group}.${field}`, bytes: sectionBytes(arrays[field]) }));
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
  // every id up to FINGERPRINT_IDS per kind, else an even spread of that many (plus the last):
  // a different catalog of the same sizes shows in its ids, and a load stays cheap
  const columns = store.columns;
  for (const ids of [columns.trackIds, columns.artistIds, columns.albumIds]) {
    const stride = Math.max(1, Math.ceil(ids.length / FINGERPRINT_IDS));
    for (let i = 0; i < ids.length; i += stride) mix(ids[i]!);
    if (ids.length > 0) mix(ids[ids.length - 1]!);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
