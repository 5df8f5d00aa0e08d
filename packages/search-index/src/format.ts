// The search index as bytes for the bundle: a 12-byte prefix (magic, version, header length), a
// JSON header (counts, catalog fingerprint, content encoder, section table), then the sections
// (MiniSearch JSON, names, vocabulary, suggest arrays). Loading checks it belongs to the catalog.
import type { Logger } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import type { ContentEncoder, VectorIndex } from '@mixtape/embeddings';
import { buildCatalogLexicon } from '@mixtape/language';
import MiniSearch from 'minisearch';
import { miniSearchOptions, type IndexedDocument } from './documents';
import { SearchEngine } from './engine';
import { EntitySpace } from './entities';
import { SuggestIndex } from './suggest-index';

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
