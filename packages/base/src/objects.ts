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
