// The search index as bytes for the bundle: a 12-byte prefix (magic, version, header length), a
// JSON header (counts, catalog fingerprint, content encoder, section table), then the sections,
// each 8-byte aligned: names and terms as newline-joined text, everything else raw typed arrays
// (postings, impacts, field masks, block maxima, typo deletions, suggest keys). Loading is one
// read plus views over it (no per-posting parsing); it checks the index belongs to the catalog.
import type { Logger } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import type { ContentEncoder, VectorIndex } from '@mixtape/embeddings';
import { buildCatalogLexicon } from '@mixtape/language';
import { SearchEngine } from './engine';
import { EntitySpace } from './entities';
import { InvertedIndex } from './inverted-index';
import { SuggestIndex } from './suggest-index';
import { TypoIndex } from './typo-index';
import { SemanticModel, type SemanticMethod } from './semantic';

const MAGIC = 'MXSI';
const FORMAT_VERSION = 2;
const ALIGN = 8;

interface SerializedHeader {
  version: number;
  counts: { tracks: number; artists: number; albums: number };
  /** FNV-1a over every id, so an index is never loaded against another catalog */
  catalogFingerprint: string;
  contentEncoder: ContentEncoder | null;
  documentCount: number;
  /** the learned text → track model, when the engine had one (sections semantic.*) */
  semantic?: { method: SemanticMethod; dim: number } | null;
  sections: { name: string; offset: number; length: number }[];
}

type TypedArray = Uint32Array | Uint16Array | Uint8Array | Float32Array;

/** The engine as bytes for the bundle (see the file comment). */
export function serializeSearchIndex(engine: SearchEngine): Buffer {
  const lexical = engine.lexical.arrays;
  const typos = engine.typos.arrays;
  const suggest = engine.suggestIndex.arrays;
  const sections: { name: string; bytes: Buffer }[] = [
    { name: 'names', bytes: Buffer.from(engine.entities.names.join('\n'), 'utf8') },
    { name: 'terms', bytes: Buffer.from(lexical.terms.join('\n'), 'utf8') },
    { name: 'lexical.termStarts', bytes: typedBytes(lexical.termStarts) },
    { name: 'lexical.docs', bytes: typedBytes(lexical.docs) },
    { name: 'lexical.impacts', bytes: typedBytes(lexical.impacts) },
    { name: 'lexical.fieldMasks', bytes: typedBytes(lexical.fieldMasks) },
    { name: 'lexical.blockStarts', bytes: typedBytes(lexical.blockStarts) },
    { name: 'lexical.blockLast', bytes: typedBytes(lexical.blockLast) },
    { name: 'lexical.blockMax', bytes: typedBytes(lexical.blockMax) },
    { name: 'typos.hashes', bytes: typedBytes(typos.hashes) },
    { name: 'typos.termIds', bytes: typedBytes(typos.termIds) },
    { name: 'suggest.codes', bytes: typedBytes(suggest.codes) },
    { name: 'suggest.offsets', bytes: typedBytes(suggest.offsets) },
    { name: 'suggest.kinds', bytes: typedBytes(suggest.kinds) },
  ];
  const semantic = engine.semantic;
  if (semantic) {
    sections.push({ name: 'semantic.vocabulary', bytes: Buffer.from(semantic.vocabulary.join('\n'), 'utf8') });
    sections.push({ name: 'semantic.vectors', bytes: typedBytes(semantic.vectors) });
  }
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
    semantic: semantic ? { method: semantic.method, dim: semantic.dim } : null,
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
  const lexical = new InvertedIndex({
    terms,
    termStarts: view('lexical.termStarts', Uint32Array, 4),
    docs: view('lexical.docs', Uint32Array, 4),
    impacts: view('lexical.impacts', Uint8Array, 1),
    fieldMasks: view('lexical.fieldMasks', Uint8Array, 1),
    blockStarts: view('lexical.blockStarts', Uint32Array, 4),
    blockLast: view('lexical.blockLast', Uint32Array, 4),
    blockMax: view('lexical.blockMax', Uint8Array, 1),
    documentCount: header.documentCount,
  });
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
  const lexicon = buildCatalogLexicon(store);
  const encoder = header.contentEncoder ?? undefined;
  if (contentIndex && !encoder) throw new SearchIndexFormatError('a content index was given but the search index was built without a content encoder');
  const engine = new SearchEngine(store, entities, lexical, typos, suggestIndex, lexicon, encoder, contentIndex);
  if (header.semantic && contentIndex) {
    let model: SemanticModel;
    try {
      model = new SemanticModel(header.semantic.method, header.semantic.dim, text('semantic.vocabulary'), view('semantic.vectors', Float32Array, 4));
    } catch (error) {
      if (error instanceof SearchIndexFormatError) throw error;
      throw new SearchIndexFormatError(`semantic model: ${(error as Error).message}`, { cause: error });
    }
    engine.useSemanticModel(model);
  }
  options.logger?.info(engine.info(), 'search index loaded');
  return engine;
}

function typedBytes(array: TypedArray): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
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
