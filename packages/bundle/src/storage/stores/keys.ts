import { BundleError } from '../errors';

/** Rejects keys that could escape the store root or are not plain "/"-separated paths. */
export function assertValidKey(key: string): void {
  const segments = key.split('/');
  if (
    key.length === 0 ||
    key.includes('\\') ||
    key.includes('\0') ||
    segments.some((segment, index) => segment === '..' || segment === '.' || (segment === '' && index !== segments.length - 1)) ||
    key.startsWith('/')
  ) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `invalid object key "${key}": expected a relative "/"-separated path without "." or ".." segments`);
  }
}

/** Groups full keys into direct children and sub-prefixes, as S3 does with a delimiter. */
export function splitByDelimiter<T extends { key: string }>(
  objects: readonly T[],
  prefix: string,
  delimiter: string | undefined,
): { objects: T[]; prefixes: string[] } {
  if (!delimiter) return { objects: [...objects], prefixes: [] };
  const direct: T[] = [];
  const prefixes = new Set<string>();
  for (const object of objects) {
    const rest = object.key.slice(prefix.length);
    const at = rest.indexOf(delimiter);
    if (at === -1) direct.push(object);
    else prefixes.add(prefix + rest.slice(0, at + delimiter.length));
  }
  return { objects: direct, prefixes: [...prefixes].sort() };
}
