// Append-only typed-array buffers: importers and the generator grow columns without ever
// holding a JS array of numbers.
type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

interface TypedArrayConstructor<T extends TypedArray> {
  new (length: number): T;
}

export class GrowableArray<T extends TypedArray> {
  private buffer: T;
  length = 0;

  constructor(
    private readonly ctor: TypedArrayConstructor<T>,
    initialCapacity = 1024,
  ) {
    this.buffer = new ctor(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.buffer.length) this.grow(this.length + 1);
    this.buffer[this.length++] = value;
  }

  get(index: number): number {
    return this.buffer[index] as number;
  }

  set(index: number, value: number): void {
    this.buffer[index] = value;
  }

  /** Ensures room for `count` more values. */
  reserve(count: number): void {
    if (this.length + count > this.buffer.length) this.grow(this.length + count);
  }

  private grow(minimum: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < minimum) capacity *= 2;
    const next = new this.ctor(capacity);
    next.set(this.buffer.subarray(0, this.length) as never);
    this.buffer = next;
  }

  /** The contents, right-sized: the buffer itself when exactly full (no copy), else a copy. */
  toArray(): T {
    return this.length === this.buffer.length ? this.buffer : (this.buffer.slice(0, this.length) as T);
  }
}

/** Columns by name, each given by its typed-array constructor: the element type of a column a builder grows. */
export type ColumnTypes = Record<string, TypedArrayConstructor<TypedArray>>;
type ArrayOf<C> = C extends TypedArrayConstructor<infer T> ? T : never;
/** One GrowableArray per column of `S`. */
export type GrowableColumns<S extends ColumnTypes> = { readonly [K in keyof S]: GrowableArray<ArrayOf<S[K]>> };

/** A GrowableArray per column of `types`, each with room for `capacity` values (or its own in `capacities`). */
export function growableColumns<S extends ColumnTypes>(types: S, capacity?: number, capacities: { [K in keyof S]?: number } = {}): GrowableColumns<S> {
  const columns: Record<string, GrowableArray<TypedArray>> = {};
  for (const [name, type] of Object.entries(types)) columns[name] = new GrowableArray(type, (capacities as Record<string, number | undefined>)[name] ?? capacity);
  return columns as GrowableColumns<S>;
}

/** Every column's contents, right-sized (see `GrowableArray.toArray`), under the same names. */
export function columnArrays<S extends ColumnTypes>(columns: GrowableColumns<S>): { [K in keyof S]: ArrayOf<S[K]> } {
  const arrays: Record<string, TypedArray> = {};
  for (const [name, column] of Object.entries<GrowableArray<TypedArray>>(columns)) arrays[name] = column.toArray();
  return arrays as { [K in keyof S]: ArrayOf<S[K]> };
}
