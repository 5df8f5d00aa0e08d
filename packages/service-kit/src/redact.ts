/** Placeholder written instead of a secret. */
export const REDACTED = '[REDACTED]';

// Key names that carry credentials: authorization/cookie headers, anything API-key-,
// secret-, token-, password- or credential-like (MIXTAPE_API_KEYS, x-api-key, accessToken,
// OPENAI_KEY, …). A bare `key` is not matched: it is a track's musical key in the catalog.
const SECRET_KEY_PATTERN =
  /(authorization|cookie|api[-_]?keys?|[-_.]keys?$|secret|token|passw(or)?d|credential|private[-_]?key|access[-_]?key)/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

const MAX_DEPTH = 8;

/**
 * A copy of `value` with every secret-like key's value replaced by REDACTED, at any depth
 * (plain objects and arrays; other objects such as Errors are kept as they are).
 * Strings under a `url`/`path` key get their secret-like query parameters redacted too.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // Numbers and booleans are never credentials (maxTokens: 512 stays readable).
    if (isSecretKey(key) && item !== '' && (typeof item === 'string' || typeof item === 'object') && item !== null)
      copy[key] = REDACTED;
    else if (typeof item === 'string' && (key === 'url' || key === 'path' || key === 'originalUrl'))
      copy[key] = redactUrl(item);
    else copy[key] = redactValue(item, depth + 1);
  }
  return copy;
}

/** `/x?api_key=abc&q=1` → `/x?api_key=[REDACTED]&q=1`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decodedName = name;
      try {
        decodedName = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return equals !== -1 && isSecretKey(decodedName) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}
