// The learned text → track model on its own, as bytes: the bundle's `semanticModel` part, read
// by services that need the model without the search index (the playlists service reads prompt
// words its lexicon does not know through it). Layout: magic, u32 header length, JSON header
// {method, dim, features, vocabularyBytes}, the vocabulary (UTF-8, one feature a line), zero
// padding to 4 bytes, the float32 vectors (features × dim, little-endian).
import { SemanticModel, type SemanticMethod } from './semantic';

const MAGIC = 'MXSEMv1\n';
const METHODS: readonly SemanticMethod[] = ['regression', 'two-tower'];

interface SemanticHeader {
  method: SemanticMethod;
  dim: number;
  features: number;
  vocabularyBytes: number;
}

export function serializeSemanticModel(model: SemanticModel): Buffer {
  const vocabulary = Buffer.from(model.vocabulary.join('\n'), 'utf8');
  const header = Buffer.from(JSON.stringify({ method: model.method, dim: model.dim, features: model.vocabulary.length, vocabularyBytes: vocabulary.length } satisfies SemanticHeader), 'utf8');
  const start = MAGIC.length + 4 + header.length + vocabulary.length;
  const padding = (4 - (start % 4)) % 4;
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const vectors = Buffer.from(model.vectors.buffer, model.vectors.byteOffset, model.vectors.byteLength);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), length, header, vocabulary, Buffer.alloc(padding), vectors]);
}

/** Reads serializeSemanticModel's bytes; `source` names them in errors (a bundle path). */
export function parseSemanticModel(bytes: Uint8Array, source = 'semantic model'): SemanticModel {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < MAGIC.length + 4 || buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) fail(`not a semantic model file (expected it to start with ${JSON.stringify(MAGIC)})`);
  const headerLength = buffer.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength > buffer.length) fail(`truncated header (${headerLength} bytes announced, ${buffer.length - headerStart} present)`);
  let header: SemanticHeader;
  try {
    header = JSON.parse(buffer.toString('utf8', headerStart, headerStart + headerLength)) as SemanticHeader;
  } catch (error) {
    return fail(`header is not JSON (${(error as Error).message})`);
  }
  if (!METHODS.includes(header.method)) fail(`unknown method ${JSON.stringify(header.method)} (expected ${METHODS.join(' or ')})`);
  for (const key of ['dim', 'features', 'vocabularyBytes'] as const) {
    if (!Number.isInteger(header[key]) || header[key] < 0) fail(`header ${key} must be a non-negative integer, got ${JSON.stringify(header[key])}`);
  }
  const vocabularyStart = headerStart + headerLength;
  const vectorStart = vocabularyStart + header.vocabularyBytes + ((4 - ((vocabularyStart + header.vocabularyBytes) % 4)) % 4);
  const vectorBytes = header.features * header.dim * 4;
  if (vectorStart + vectorBytes !== buffer.length) fail(`expected ${vectorStart + vectorBytes} bytes for ${header.features} features × dim ${header.dim}, got ${buffer.length}`);
  const vocabulary = header.features === 0 ? [] : buffer.toString('utf8', vocabularyStart, vocabularyStart + header.vocabularyBytes).split('\n');
  if (vocabulary.length !== header.features) fail(`vocabulary has ${vocabulary.length} lines, the header says ${header.features}`);
  // copy: the bytes may be a slice of a pooled buffer at any offset (Float32Array needs 4-byte alignment)
  const vectors = new Float32Array(header.features * header.dim);
  Buffer.from(vectors.buffer).set(buffer.subarray(vectorStart, vectorStart + vectorBytes));
  return new SemanticModel(header.method, header.dim, vocabulary, vectors);
}
