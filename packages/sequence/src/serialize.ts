// One binary container for models and checkpoints: magic "MXSQ", a format version, a JSON
// header, then 8-byte-aligned little-endian typed arrays listed in the header. Models go into
// bundles with it; checkpoints add the optimizer state.
import type { SequenceModel, SequenceModelConfig } from './model';
import { modelOffsets, resolveModelConfig } from './model';
import type { TransitionPrior, TransitionPriorSettings } from './transitions';
import { checkTransitionPrior } from './transitions';

const MAGIC = 0x5153584d; // "MXSQ" little-endian
const FORMAT_VERSION = 1;

type PackedArray = Float32Array | Int32Array | Uint8Array;
const DTYPES = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array } as const;
type Dtype = keyof typeof DTYPES;

function dtypeOf(array: PackedArray): Dtype {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  return 'uint8';
}

export class SequenceFormatError extends Error {
  readonly code = 'SEQUENCE_FORMAT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SequenceFormatError';
  }
}

/** Packs a JSON header and named typed arrays into one buffer. */
export function packArrays(kind: string, meta: Record<string, unknown>, arrays: Record<string, PackedArray>): Buffer {
  const entries: Array<{ name: string; dtype: Dtype; length: number; offset: number }> = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    entries.push({ name, dtype: dtypeOf(array), length: array.length, offset });
    offset += Math.ceil(array.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ kind, meta, arrays: entries }), 'utf8');
  const headerBytes = Math.ceil((12 + header.length) / 8) * 8;
  const buffer = Buffer.alloc(headerBytes + offset);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt32LE(FORMAT_VERSION, 4);
  buffer.writeUInt32LE(header.length, 8);
  header.copy(buffer, 12);
  entries.forEach((entry, index) => {
    const array = Object.values(arrays)[index]!;
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(buffer, headerBytes + entry.offset);
  });
  return buffer;
}

/** Reads a container back; arrays are copies (aligned, independent of the input buffer). */
export function unpackArrays(buffer: Uint8Array, source: string): { kind: string; meta: Record<string, unknown>; arrays: Record<string, PackedArray> } {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (view.length < 12 || view.readUInt32LE(0) !== MAGIC) throw new SequenceFormatError(`${source}: not a Mixtape sequence-model file (magic "MXSQ" missing)`);
  const version = view.readUInt32LE(4);
  if (version !== FORMAT_VERSION) throw new SequenceFormatError(`${source}: format version ${version}, this build reads ${FORMAT_VERSION}`);
  const headerLength = view.readUInt32LE(8);
  if (12 + headerLength > view.length) throw new SequenceFormatError(`${source}: truncated header (${view.length} bytes)`);
  let header: { kind: string; meta: Record<string, unknown>; arrays: Array<{ name: string; dtype: Dtype; length: number; offset: number }> };
  try {
    header = JSON.parse(view.subarray(12, 12 + headerLength).toString('utf8'));
  } catch (error) {
    throw new SequenceFormatError(`${source}: unreadable header (${(error as Error).message})`);
  }
  const start = Math.ceil((12 + headerLength) / 8) * 8;
  const arrays: Record<string, PackedArray> = {};
  for (const entry of header.arrays) {
    const Type = DTYPES[entry.dtype];
    if (!Type) throw new SequenceFormatError(`${source}: array "${entry.name}" has unknown dtype "${entry.dtype}"`);
    const byteLength = entry.length * Type.BYTES_PER_ELEMENT;
    const from = start + entry.offset;
    if (from + byteLength > view.length) throw new SequenceFormatError(`${source}: array "${entry.name}" runs past the end of the file (truncated?)`);
    const copy = new Uint8Array(byteLength);
    copy.set(view.subarray(from, from + byteLength));
    arrays[entry.name] = new Type(copy.buffer);
  }
  return { kind: header.kind, meta: header.meta, arrays };
}

/** A model as bytes (config in the header, the parameter vector as one array, the transition prior as three CSR arrays). */
export function serializeSequenceModel(model: SequenceModel, meta: Record<string, unknown> = {}): Buffer {
  const prior = model.transitions;
  const header = { ...meta, config: model.config, ...(model.validation ? { validation: model.validation } : {}) };
  if (!prior) return packArrays('model', header, { parameters: model.parameters });
  return packArrays(
    'model',
    { ...header, transitionPrior: prior.settings },
    { parameters: model.parameters, transitionOffsets: prior.offsets, transitionItems: prior.items, transitionBoosts: prior.boosts },
  );
}

/** Reads a model back, checking that the parameter count matches its configuration. */
export function deserializeSequenceModel(buffer: Uint8Array, source = 'sequence model'): SequenceModel & { meta: Record<string, unknown> } {
  const { kind, meta, arrays } = unpackArrays(buffer, source);
  if (kind !== 'model') throw new SequenceFormatError(`${source}: holds a "${kind}", expected a "model"`);
  // files written before lastItemResidual existed have none
  const stored = meta.config as Partial<SequenceModelConfig> & { numItems: number };
  const config = resolveModelConfig({ ...stored, lastItemResidual: stored.lastItemResidual ?? false });
  const parameters = arrays.parameters;
  const expected = modelOffsets(config).total;
  if (!(parameters instanceof Float32Array) || parameters.length !== expected) {
    throw new SequenceFormatError(`${source}: ${parameters?.length ?? 0} parameters, the configuration needs ${expected}`);
  }
  const { transitionPrior: settings, validation: storedValidation, ...rest } = meta;
  // files written before session 9 do not record their validation rows
  const validation = storedValidation === undefined ? undefined : checkValidation(storedValidation, source);
  const base = { config, parameters, ...(validation ? { validation } : {}) };
  if (settings === undefined) return { ...base, meta: rest };
  const { transitionOffsets: offsets, transitionItems: items, transitionBoosts: boosts } = arrays;
  if (!(offsets instanceof Int32Array) || !(items instanceof Int32Array) || !(boosts instanceof Float32Array)) {
    throw new SequenceFormatError(`${source}: the header names a transition prior but its arrays (int32 transitionOffsets, int32 transitionItems, float32 transitionBoosts) are missing`);
  }
  const transitions: TransitionPrior = { settings: settings as TransitionPriorSettings, offsets, items, boosts };
  try {
    checkTransitionPrior(transitions, config.numItems, source);
  } catch (error) {
    throw new SequenceFormatError((error as Error).message);
  }
  return { ...base, transitions, meta: rest };
}

function checkValidation(value: unknown, source: string): { seed: number; rows: number; hash?: string } {
  const v = value as { seed?: unknown; rows?: unknown; hash?: unknown } | null;
  if (
    typeof v !== 'object' || v === null || !Number.isInteger(v.seed) || !Number.isInteger(v.rows) || (v.rows as number) < 0 ||
    (v.hash !== undefined && !(typeof v.hash === 'string' && /^[0-9a-f]{16}$/.test(v.hash)))
  ) {
    throw new SequenceFormatError(`${source}: header "validation" must be { seed: integer, rows: integer ≥ 0, hash?: 16 hex digits }, got ${JSON.stringify(value)}`);
  }
  return { seed: v.seed as number, rows: v.rows as number, ...(v.hash === undefined ? {} : { hash: v.hash as string }) };
}
