// The console's server: the built page (static files) and /api/<service>/* proxied to the
// services, so the browser talks to one origin and needs no CORS.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { extname, join, normalize, sep } from 'node:path';
import { createStatusProbe } from './status';
import type { ServiceStatus } from './status';

export const CONSOLE_SERVICES = ['home', 'search', 'playlists'] as const;
export type ConsoleService = (typeof CONSOLE_SERVICES)[number];

export interface ConsoleLogger {
  info(entry: Record<string, unknown> | string): void;
  warn(entry: Record<string, unknown> | string): void;
  error(entry: Record<string, unknown> | string): void;
}

export interface ConsoleServerOptions {
  services: Record<ConsoleService, string>;
  /** directory holding index.html and assets/ (vite build output) */
  staticDir: string;
  /** sent as `Authorization: Bearer` on proxied POSTs when set */
  apiKey?: string;
  proxyTimeoutMs?: number;
  logger?: ConsoleLogger;
}

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

// Hop-by-hop headers are per connection and must not be forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** `/api/search/v1/search?q=x` → `{ service: 'search', path: '/v1/search?q=x' }`. */
export function routeApiPath(url: string): { service: ConsoleService; path: string } | undefined {
  const match = /^\/api\/([a-z]+)(\/[^?#]*)?(\?[^#]*)?/.exec(url);
  if (!match) return undefined;
  const service = match[1] as ConsoleService;
  if (!CONSOLE_SERVICES.includes(service)) return undefined;
  return { service, path: `${match[2] ?? '/'}${match[3] ?? ''}` };
}

function proxy(options: ConsoleServerOptions, service: ConsoleService, path: string, request: IncomingMessage, response: ServerResponse): void {
  const base = new URL(options.services[service]);
  const target = new URL(path, base);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  if (options.apiKey && request.method !== 'GET' && headers.authorization === undefined) headers.authorization = `Bearer ${options.apiKey}`;
  headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: request.method, headers, timeout: options.proxyTimeoutMs ?? 30_000 });
  const fail = (code: string, message: string) => {
    options.logger?.warn({ msg: 'proxy failed', service, path, code, message });
    if (!response.headersSent) sendJson(response, code === 'UPSTREAM_TIMEOUT' ? 504 : 502, errorBody(code, message, { service, url: target.origin }));
    else response.destroy();
  };
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error(`${service} did not answer within ${options.proxyTimeoutMs ?? 30_000} ms`), { code: 'UPSTREAM_TIMEOUT' })));
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'UPSTREAM_TIMEOUT') fail('UPSTREAM_TIMEOUT', error.message);
    else fail('UPSTREAM_UNAVAILABLE', `The ${service} service at ${target.origin} is unreachable (${error.code ?? error.message})`);
  });
  upstream.on('response', (answer) => {
    const forwarded: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
    response.writeHead(answer.statusCode ?? 502, forwarded);
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
    return sendJson(response, 404, errorBody('NOT_FOUND', `No file at ${pathname} in ${staticDir}${hint}`));
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

/** An http.Server (not listening): `/api/status`, `/api/<service>/*` proxied, `/livez`, the page. */
export function createConsoleServer(options: ConsoleServerOptions): Server {
  const probe = createStatusProbe({ services: options.services });
  return createServer((request, response) => {
    const url = request.url ?? '/';
    const started = performance.now();
    response.on('finish', () => {
      if (url.startsWith('/api/')) options.logger?.info({ msg: 'request', method: request.method, url, status: response.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 });
    });
    if (url === '/livez' || url === '/readyz') return sendJson(response, 200, { status: 'ok', service: 'console' });
    if (url === '/api/status') {
      probe
        .check()
        .then((services: ServiceStatus[]) => sendJson(response, 200, { checkedAt: new Date().toISOString(), services }))
        .catch((error: Error) => sendJson(response, 500, errorBody('STATUS_FAILED', error.message)));
      return;
    }
    const api = routeApiPath(url);
    if (api) return proxy(options, api.service, api.path, request, response);
    if (url.startsWith('/api/')) return sendJson(response, 404, errorBody('NOT_FOUND', `No service behind ${url}; expected /api/home, /api/search or /api/playlists`));
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${url}`));
    serveStatic(options.staticDir, url, response).catch((error: Error) => {
      options.logger?.error({ msg: 'static file failed', url, error: error.message });
      if (!response.headersSent) sendJson(response, 500, errorBody('INTERNAL', error.message));
    });
  });
}
