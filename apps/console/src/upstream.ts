// What the console's proxy may send where. The browser names a service and a path; the console
// alone decides the origin. A request path is never resolved as a URL reference against the
// service (that is how `/api/home//other-host:port/…` used to reach any host the path named):
// it is checked segment by segment, set as the pathname of a copy of the configured base URL,
// and the result must still have the configured origin.

export const CONSOLE_SERVICES = ['home', 'search', 'playlists'] as const;
export type ConsoleService = (typeof CONSOLE_SERVICES)[number];

/** Methods the page uses; anything else is refused before an upstream is contacted. */
export const PROXIED_METHODS = ['GET', 'HEAD', 'POST'] as const;

/** The only service paths the console forwards: the services' public API. */
const API_PREFIX = '/v1/';

export type ApiRoute =
  | { ok: true; service: ConsoleService; /** `/v1/…`, percent-encoding as sent */ path: string; /** `?…` or '' */ search: string }
  | { ok: false; status: 400 | 404; code: 'INVALID_PATH' | 'NOT_FOUND'; message: string };

// RFC 3986 pchar: unreserved / pct-encoded / sub-delims / ":" / "@".
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;
// A query may also hold "/" and "?"; anything else printable the URL API re-encodes. No spaces,
// controls, "#" or backslashes.
const QUERY = /^\?(?:[\x21-\x24\x26-\x5b\x5d-\x7e]|%[0-9A-Fa-f]{2})*$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;
// Left after one decoding: a second layer of encoding of "/", "\" or ".".
const DOUBLE_ENCODED = /%(?:2f|5c|2e)/i;

function invalid(message: string): ApiRoute {
  return { ok: false, status: 400, code: 'INVALID_PATH', message };
}

/**
 * `/api/search/v1/search?q=x` → `{ ok, service: 'search', path: '/v1/search', search: '?q=x' }`;
 * undefined for URLs outside `/api/`. Refuses empty, dot, backslash, encoded-slash and control
 * segments (400) and unknown services or paths outside `/v1/` (404).
 */
export function routeApiPath(url: string, services: readonly string[] = CONSOLE_SERVICES): ApiRoute | undefined {
  if (!url.startsWith('/api/')) return undefined;
  if (url.includes('#')) return invalid('A request path cannot contain "#"');
  const queryAt = url.indexOf('?');
  const pathPart = queryAt === -1 ? url : url.slice(0, queryAt);
  const search = queryAt === -1 ? '' : url.slice(queryAt);
  const [, , service = '', ...segments] = pathPart.split('/');
  if (!services.includes(service)) {
    return { ok: false, status: 404, code: 'NOT_FOUND', message: `No service named "${service}" behind /api/; expected ${services.map((name) => `/api/${name}`).join(', ')}` };
  }
  for (const segment of segments) {
    if (segment === '') return invalid('Empty path segments ("//") are not allowed');
    if (!SEGMENT.test(segment)) return invalid('A path segment holds a character that must be percent-encoded (such as "\\" or a space) or a malformed %-escape');
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return invalid('A path segment is not valid percent-encoded UTF-8');
    }
    if (decoded === '.' || decoded === '..') return invalid('Dot segments ("." and "..") are not allowed');
    if (decoded.includes('/') || decoded.includes('\\')) return invalid('Encoded "/" or "\\" inside a path segment is not allowed');
    if (CONTROL.test(decoded)) return invalid('Control characters are not allowed in the path');
    if (DOUBLE_ENCODED.test(decoded)) return invalid('Doubly encoded "/", "\\" or "." is not allowed in the path');
  }
  if (search !== '' && !QUERY.test(search)) return invalid('The query string holds a space, control character, backslash or malformed %-escape');
  const path = `/${segments.join('/')}`;
  if (!path.startsWith(API_PREFIX)) {
    return { ok: false, status: 404, code: 'NOT_FOUND', message: `The console forwards only ${API_PREFIX}* of a service; /api/${service}${path} is not one` };
  }
  return { ok: true, service: service as ConsoleService, path, search };
}

/** A configured service base URL: http(s), no credentials, query or fragment. Throws on anything else. */
export function parseUpstreamBase(name: string, value: string): URL {
  let base: URL;
  try {
    base = new URL(value);
  } catch {
    throw new Error(`The ${name} service URL is not a URL: ${JSON.stringify(value)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`The ${name} service URL must be http(s), got ${base.protocol}`);
  if (base.username !== '' || base.password !== '') throw new Error(`The ${name} service URL must not carry credentials; set CONSOLE_API_KEY instead`);
  if (base.search !== '' || base.hash !== '') throw new Error(`The ${name} service URL must not have a query or fragment`);
  return base;
}

/**
 * The upstream URL for a routed path: a copy of the configured base with the path appended to
 * its pathname. Throws when the result would leave the configured origin (it cannot, by
 * construction; the check is the guarantee, not the construction).
 */
export function upstreamUrl(base: URL, path: string, search: string): URL {
  const prefix = base.pathname.replace(/\/+$/, '');
  const target = new URL(base.href);
  target.pathname = `${prefix}${path}`;
  target.search = search;
  target.hash = '';
  if (target.origin !== base.origin || target.username !== '' || target.password !== '' || !target.pathname.startsWith(`${prefix}${API_PREFIX}`)) {
    throw new Error(`Refusing to proxy to ${target.origin}: the configured origin is ${base.origin}`);
  }
  return target;
}

// Request headers the page needs; everything else (Cookie, Authorization, X-API-Key, Host,
// Forwarded, Origin, …) stays with the console.
const REQUEST_HEADERS = new Set(['accept', 'content-type', 'content-length', 'x-request-id', 'idempotency-key']);
const TOKEN_HEADERS = new Set(['x-request-id', 'idempotency-key']);
const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Headers for the upstream request: the allow-listed client headers, then the console's own. */
export function upstreamRequestHeaders(client: Record<string, string | string[] | undefined>, own: { apiKey?: string; remoteAddress?: string }): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (!REQUEST_HEADERS.has(name) || typeof value !== 'string') continue;
    if (TOKEN_HEADERS.has(name) && !TOKEN.test(value)) continue;
    headers[name] = value;
  }
  if (own.remoteAddress) headers['x-forwarded-for'] = own.remoteAddress;
  if (own.apiKey) headers.authorization = `Bearer ${own.apiKey}`;
  return headers;
}

// Response headers the page reads. Never Set-Cookie, Location, CORS or the upstream's own
// security headers (the console sends its own on every response).
const RESPONSE_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'x-request-id',
  'retry-after',
  'allow',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]);

export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream)) if (RESPONSE_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
  return headers;
}

/** `application/json`, `application/*+json` or `application/x-ndjson` (streamed exports). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && (type === 'application/json' || type === 'application/x-ndjson' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type));
}
