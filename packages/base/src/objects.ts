/**
 * Every field of `defaults`, taken from `options` where it is set: `options.x ?? defaults.x` field
 * by field (fields `defaults` does not name are not copied).
 */
export function withDefaults<T extends object>(defaults: Required<T>, options: T): Required<T> {
  const result = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) result[key] = (options[key] ?? defaults[key]) as Required<T>[keyof T];
  return result;
}

/**
 * The `keys` of `value` whose values are defined, as a new object: optional fields copied
 * without writing `key: undefined` (JSON output and option objects stay minimal).
 */
export function pickDefined<T extends object, const K extends keyof T>(value: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const result: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) {
    if (value[key] !== undefined) result[key] = value[key] as Exclude<T[K], undefined>;
  }
  return result;
}

/**
 * `T` read-only all the way down, in the type only (no copy, no freeze): objects' properties, arrays
 * (→ readonly arrays) and maps/sets (→ their read-only views) at every depth. Functions and typed arrays
 * are kept as they are (a callback is called, not edited; a typed array's elements have no read-only form).
 */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ArrayBufferView
    ? T
    : T extends ReadonlyMap<infer K, infer V>
      ? ReadonlyMap<DeepReadonly<K>, DeepReadonly<V>>
      : T extends ReadonlySet<infer V>
        ? ReadonlySet<DeepReadonly<V>>
        : T extends object
          ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
          : T;
