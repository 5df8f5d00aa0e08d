// A tiny container for named typed arrays: an 8-byte magic + JSON header, then each array's raw
// little-endian bytes 8-byte aligned, so reading is one file read and zero-copy views.
const MAGIC = 'MXTA0001';

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint8Array;
const CONSTRUCTORS = { Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint8Array } as const;
type TypeName = keyof typeof CONSTRUCTORS;

export type TypedArrayRecord = Record<string, TypedArray>;

interface Entry {
  type: TypeName;
  offset: number;
  length: number;
}

export function packTypedArrays(arrays: TypedArrayRecord, meta: Record<string, unknown> = {}): Buffer {
  const entries: Record<string, Entry> = {};
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    const type = array.constructor.name as TypeName;
    if (!(type in CONSTRUCTORS)) throw new TypeError(`packTypedArrays: "${name}" is a ${type}, not a supported typed array`);
    entries[name] = { type, offset, length: array.length };
    offset += Math.ceil(array.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ entries, meta }), 'utf8');
  const headerLength = Math.ceil((header.length + 4) / 8) * 8 - 4;
  const out = Buffer.alloc(8 + 4 + headerLength + offset);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(headerLength, 8);
  header.copy(out, 12);
  const dataStart = 12 + headerLength;
  for (const [name, array] of Object.entries(arrays)) {
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, dataStart + entries[name]!.offset);
  }
  return out;
}

export function unpackTypedArrays(buffer: Buffer, where = 'typed-array pack'): { arrays: TypedArrayRecord; meta: Record<string, unknown> } {
  if (buffer.length < 12 || buffer.toString('ascii', 0, 8) !== MAGIC) throw new Error(`${where}: not a Mixtape typed-array pack (bad magic)`);
  const headerLength = buffer.readUInt32LE(8);
  const dataStart = 12 + headerLength;
  const { entries, meta } = JSON.parse(buffer.toString('utf8', 12, dataStart).replace(/\0+$/, '')) as {
    entries: Record<string, Entry>;
    meta: Record<string, unknown>;
  };
  // Copy into an aligned ArrayBuffer once; the views below share it.
  const aligned = new Uint8Array(buffer.length - dataStart);
  aligned.set(buffer.subarray(dataStart));
  const arrays: TypedArrayRecord = {};
  for (const [name, entry] of Object.entries(entries)) {
    const Constructor = CONSTRUCTORS[entry.type];
    const end = entry.offset + entry.length * Constructor.BYTES_PER_ELEMENT;
    if (end > aligned.byteLength) throw new Error(`${where}: array "${name}" runs past the end of the file (truncated?)`);
    arrays[name] = new Constructor(aligned.buffer, entry.offset, entry.length);
  }
  return { arrays, meta };
}
