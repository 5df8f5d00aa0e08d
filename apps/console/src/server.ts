// The console's server: the built page (static files) and /api/<service>/v1/* proxied to the
// configured services, so the browser talks to one origin and needs no CORS. Everything the
// console answers carries the security headers; the proxy reaches only the configured origins
// (see upstream.ts and SECURITY.md).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { extname, join, normalize, sep } from 'node:path';
import { ReadoutError } from './readouts';
import type { ReadoutStore } from './readouts';
import { createStatusProbe } from './status';
import type { ServiceStatus } from './status';
import { clientResponseHeaders, isJsonMediaType, parseUpstreamBase, PROXIED_METHODS, routeApiPath, upstreamRequestHeaders, upstreamUrl } from './upstream';
import type { ApiRoute, ConsoleService } from './upstream';

export { CONSOLE_SERVICES, routeApiPath } from './upstream';
export type { ApiRoute, ConsoleService } from './upstream';

export interface ConsoleLogger {
  info(entry: Record<string, unknown> | string): void;
  warn(entry: Record<string, unknown> | string): void;
  error(entry: Record<string, unknown> | string): void;
}

export interface ConsoleServerOptions {
  /** base URL per service: the only origins the proxy ever contacts */
  services: Record<ConsoleService, string>;
  /** directory holding index.html and assets/ (vite build output) */
  staticDir: string;
  /** sent as `Authorization: Bearer` on every proxied request, to the configured services only */
  apiKey?: string;
  /**
   * Host names (without port) the API answers to; others get 403, so a DNS-rebinding page
   * cannot use the console. Default: localhost, 127.0.0.1, [::1]. `['*']` accepts any host.
   */
  allowedHosts?: readonly string[];
  proxyTimeoutMs?: number;
  logger?: ConsoleLogger;
  /** experiment readouts for the Experiments page (`mixtape experiment analyze --out DIR`) */
  readouts?: ReadoutStore;
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The page loads only its own scripts, styles and API; nothing may frame it. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent on every console response: the page, its assets, proxied answers and errors. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** `localhost:4100` → `localhost`, `[::1]:4100` → `[::1]`. */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name?.toLowerCase();
}

/**
 * Why a browser request must not reach the services, or undefined. Writes must come from the
 * console's own page: a cross-site form or fetch (which would carry the console's API key)
 * is refused by Sec-Fetch-Site and Origin.
 */
function refusal(request: IncomingMessage, allowedHosts: readonly string[]): { status: number; code: string; message: string } | undefined {
  const host = request.headers.host;
  if (!allowedHosts.includes('*') && !allowedHosts.includes(hostName(host) ?? '')) {
    return { status: 403, code: 'HOST_NOT_ALLOWED', message: `The console API does not answer to the host ${JSON.stringify(host ?? '')}; add it to CONSOLE_ALLOWED_HOSTS` };
  }
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, code: 'CROSS_ORIGIN_REFUSED', message: `Writes through the console come only from its own page (Sec-Fetch-Site: ${site})` };
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || originHost !== host) {
      return { status: 403, code: 'CROSS_ORIGIN_REFUSED', message: `Writes through the console come only from its own page (Origin: ${origin})` };
    }
  }
  return undefined;
}

function proxy(options: ConsoleServerOptions, bases: Record<ConsoleService, URL>, route: Extract<ApiRoute, { ok: true }>, request: IncomingMessage, response: ServerResponse): void {
  const { service } = route;
  const method = request.method ?? 'GET';
  if (!(PROXIED_METHODS as readonly string[]).includes(method)) {
    return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', `${method} is not proxied; the console forwards ${PROXIED_METHODS.join(', ')}`), { allow: PROXIED_METHODS.join(', ') });
  }
  if (method === 'POST' && !isJsonMediaType(request.headers['content-type'])) {
    return sendJson(response, 415, errorBody('UNSUPPORTED_MEDIA_TYPE', `POST bodies must be JSON (content-type: application/json), got ${JSON.stringify(request.headers['content-type'] ?? '')}`));
  }
  const base = bases[service];
  let target: URL;
  try {
    target = upstreamUrl(base, route.path, route.search);
  } catch (error) {
    options.logger?.error({ msg: 'proxy target refused', service, error: (error as Error).message });
    return sendJson(response, 400, errorBody('INVALID_PATH', 'The path does not stay on the service it names'));
  }
  const timeoutMs = options.proxyTimeoutMs ?? 30_000;
  const headers = upstreamRequestHeaders(request.headers, { apiKey: options.apiKey, remoteAddress: request.socket.remoteAddress });
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method, headers, timeout: timeoutMs });
  // Internal addresses go to the log, not to the browser.
  const fail = (status: number, code: string, message: string, cause?: string) => {
    options.logger?.warn({ msg: 'proxy failed', service, origin: target.origin, path: route.path, code, cause: cause ?? message });
    if (!response.headersSent) sendJson(response, status, errorBody(code, message, { service }));
    else response.destroy();
  };
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error(`The ${service} service did not answer within ${timeoutMs} ms`), { code: 'UPSTREAM_TIMEOUT' })));
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'UPSTREAM_TIMEOUT') fail(504, 'UPSTREAM_TIMEOUT', error.message);
    else fail(502, 'UPSTREAM_UNAVAILABLE', `The ${service} service is unreachable (${error.code ?? 'connection failed'})`, error.message);
  });
  upstream.on('response', (answer) => {
    const status = answer.statusCode ?? 502;
    const contentType = answer.headers['content-type'];
    const bodiless = method === 'HEAD' || status === 204 || status === 304;
    // Only JSON leaves the console with the upstream's body: HTML or scripts from a service
    // (or from anything impersonating one) never render on the console's origin.
    if (!isJsonMediaType(contentType) && !(bodiless && contentType === undefined)) {
      answer.resume();
      return fail(502, 'UPSTREAM_NOT_JSON', `The ${service} service answered ${status} with ${JSON.stringify(contentType ?? 'no content type')}, not JSON`);
    }
    response.writeHead(status, { ...clientResponseHeaders(answer.headers), 'cache-control': 'no-store' });
    answer.pipe(response);
  });
  // The browser went away: stop the upstream work too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}

async function serveStatic(staticDir: string, urlPath: string, response: ServerResponse): Promise<void> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return sendJson(response, 400, errorBody('BAD_PATH', `Cannot decode the path ${urlPath}`));
  }
  const root = normalize(staticDir + sep);
  let file = normalize(join(root, pathname));
  if (!file.startsWith(root)) return sendJson(response, 404, errorBody('NOT_FOUND', `No file at ${pathname}`));
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  // A single page: unknown paths without an extension get the page; missing assets get 404.
  if (!info && extname(pathname) === '') {
    file = join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info) {
    const hint = pathname === '/' || extname(pathname) === '' ? ' — build the page first: pnpm --filter @mixtape/console build:web' : '';
    // The page's directory is the operator's business, not the visitor's: the log has it.
    return sendJson(response, 404, errorBody('NOT_FOUND', `No file at ${pathname}${hint}`));
  }
  const hashed = pathname.startsWith('/assets/');
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    // Vite puts a content hash in asset names, so they never change; the page itself must revalidate.
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(response);
}

/** `/api/experiments/readouts[/<name>[/plot.svg]]`: the readout list, one readout, its CI plot. */
function serveReadouts(store: ReadoutStore | undefined, url: string, request: IncomingMessage, response: ServerResponse, logger?: ConsoleLogger): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', `${request.method} is not allowed on experiment readouts`), { allow: 'GET, HEAD' });
  const rest = url.split('?')[0]!.slice('/api/experiments/readouts'.length).replace(/^\//, '');
  const [name, what, ...extra] = rest === '' ? [] : rest.split('/');
  const fail = (error: unknown) => {
    if (error instanceof ReadoutError) return sendJson(response, error.status, errorBody(error.code, error.message));
    // The message may name files on this machine: it goes to the log, not to the browser.
    logger?.error({ msg: 'reading readouts failed', url, error: (error as Error).message });
    sendJson(response, 500, errorBody('INTERNAL', 'Reading readouts failed; the console log says why'));
  };
  let decoded: string | undefined;
  try {
    decoded = name === undefined ? undefined : decodeURIComponent(name);
  } catch {
    return sendJson(response, 400, errorBody('INVALID_NAME', 'The readout name is not valid percent-encoding'));
  }
  if (name === undefined) {
    store
      ?.list()
      .then((readouts) => sendJson(response, 200, { configured: true, readouts }))
      .catch(fail);
    if (!store) sendJson(response, 200, { configured: false, readouts: [] });
    return;
  }
  if (!store) return fail(new ReadoutError(404, 'NO_READOUTS', 'The console has no readout directory: set CONSOLE_EXPERIMENT_RESULTS'));
  if (extra.length > 0 || (what !== undefined && what !== 'plot.svg')) return sendJson(response, 404, errorBody('NOT_FOUND', `No readout resource at ${url}`));
  if (what === 'plot.svg') {
    store
      .plot(decoded!)
      .then((svg) => {
        response.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(svg), 'cache-control': 'no-store' });
        response.end(svg);
      })
      .catch(fail);
    return;
  }
  store
    .get(decoded!)
    .then((readout) => sendJson(response, 200, readout))
    .catch(fail);
}

/** The raw HTTP answer for requests Node's parser refuses (malformed, headers too large). */
function rawErrorResponse(status: 400 | 431, code: string, message: string): string {
  const body = JSON.stringify(errorBody(code, message));
  const headers = { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store', connection: 'close' };
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`;
}

/** An http.Server (not listening): `/api/status`, `/api/<service>/v1/*` proxied, `/livez`, the page. */
export function createConsoleServer(options: ConsoleServerOptions): Server {
  const bases = Object.fromEntries(Object.entries(options.services).map(([name, url]) => [name, parseUpstreamBase(name, url)])) as Record<ConsoleService, URL>;
  const serviceNames = Object.keys(bases);
  const allowedHosts = (options.allowedHosts ?? LOOPBACK_HOSTS).map((host) => host.toLowerCase());
  const probe = createStatusProbe({ services: options.services });
  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = request.url ?? '/';
    const started = performance.now();
    response.on('finish', () => {
      if (url.startsWith('/api/')) options.logger?.info({ msg: 'request', method: request.method, url, status: response.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 });
    });
    // Absolute-form targets (`GET http://host/… HTTP/1.1`) are for forward proxies; this is not one.
    if (!url.startsWith('/')) return sendJson(response, 400, errorBody('INVALID_PATH', 'The request target must be a path starting with "/" (the console is not a forward proxy)'));
    if (url === '/livez' || url === '/readyz') return sendJson(response, 200, { status: 'ok', service: 'console' });
    if (url.startsWith('/api/')) {
      const refused = refusal(request, allowedHosts);
      if (refused) return sendJson(response, refused.status, errorBody(refused.code, refused.message));
    }
    if (url === '/api/status') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', `${request.method} is not allowed on /api/status`), { allow: 'GET, HEAD' });
      probe
        .check()
        .then((services: ServiceStatus[]) => sendJson(response, 200, { checkedAt: new Date().toISOString(), services }))
        .catch((error: Error) => sendJson(response, 500, errorBody('STATUS_FAILED', error.message)));
      return;
    }
    if (url === '/api/experiments/readouts' || url.startsWith('/api/experiments/readouts/')) return serveReadouts(options.readouts, url, request, response, options.logger);
    const api = routeApiPath(url, serviceNames);
    if (api && !api.ok) return sendJson(response, api.status, errorBody(api.code, api.message));
    if (api) return proxy(options, bases, api, request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${url}`), { allow: 'GET, HEAD' });
    serveStatic(options.staticDir, url, response).catch((error: Error) => {
      options.logger?.error({ msg: 'static file failed', url, error: error.message });
      if (!response.headersSent) sendJson(response, 500, errorBody('INTERNAL', 'The console could not read the page; its log says why'));
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    if (error.code === 'HPE_HEADER_OVERFLOW') socket.end(rawErrorResponse(431, 'HEADERS_TOO_LARGE', 'The request headers are too large'));
    else socket.end(rawErrorResponse(400, 'BAD_REQUEST', `The request is not valid HTTP (${error.code ?? 'parse error'})`));
  });
  return server;
}
