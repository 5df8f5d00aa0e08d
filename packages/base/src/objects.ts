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
