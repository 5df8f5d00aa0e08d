import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReadoutStore } from './readouts';
import { createConsoleServer, SECURITY_HEADERS } from './server';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request with the path exactly as written: fetch() and curl normalize dots and backslashes. */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const request = httpRequest({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers }, (response: IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', fail);
    request.end(options.body);
  });
}

/** Bytes written straight to the socket, for requests Node's client would refuse to send. */
function rawSocket(base: string, text: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => done(answer));
    socket.on('error', fail);
  });
}

function expectSecurityHeaders(headers: IncomingHttpHeaders | Headers, what: string): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(get(name), `${name} on ${what}`).toBe(value);
  expect(get('content-security-policy')).toContain("frame-ancestors 'none'");
}

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for a service: echoes JSON, and answers a few paths the way a hostile upstream might. */
function createUpstream(seen: Seen[]): Server {
  return createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      if (request.url === '/v1/html') {
        response.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'session=stolen' });
        return response.end('<script>alert(document.domain)</script>');
      }
      if (request.url === '/v1/untyped') return response.end('{"no":"content type"}');
      if (request.url === '/v1/empty') return response.writeHead(204).end();
      if (request.url === '/v1/cookies') {
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'set-cookie': ['session=abc; Path=/', 'other=1'],
          location: 'http://evil.example/',
          'access-control-allow-origin': '*',
          'content-security-policy': "default-src *",
          'x-request-id': 'upstream-1',
          'retry-after': '3',
        });
        return response.end('{"ok":true}');
      }
      response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-request-id': 'upstream-1' });
      response.end(JSON.stringify({ echoed: request.url }));
    });
  });
}

describe('createConsoleServer', () => {
  let staticDir: string;
  let base: string;
  let forbiddenPort: number;
  const seen: Seen[] = [];
  // Everything that reaches the host no console request may reach (S3 in the probes).
  const forbiddenHits: string[] = [];

  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'console-static-'));
    await mkdir(join(staticDir, 'assets'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Mixtape console</title>');
    await writeFile(join(staticDir, 'assets', 'main-abc123.js'), 'console.log(1)');
    const upstream = createUpstream(seen);
    const forbidden = createServer((request, response) => {
      forbiddenHits.push(`${request.method} ${request.url} authorization=${request.headers.authorization ?? ''}`);
      response.writeHead(200, { 'content-type': 'application/xml' }).end('<ListBucketResult/>');
    });
    const upstreamUrl = await listen(upstream);
    forbiddenPort = Number(new URL(await listen(forbidden)).port);
    const consoleServer = createConsoleServer({
      services: { home: upstreamUrl, search: upstreamUrl, playlists: 'http://127.0.0.1:9' },
      staticDir,
      apiKey: 'console-key',
    });
    base = await listen(consoleServer);
    return async () => {
      await close(consoleServer);
      await close(upstream);
      await close(forbidden);
      await rm(staticDir, { recursive: true, force: true });
    };
  });

  beforeEach(() => {
    seen.length = 0;
  });

  describe('reaches only the configured services', () => {
    // Every variant from issue 13, with the port of a server that records any contact.
    const variants = (port: number) => [
      `//127.0.0.1:${port}/mixtape?prefix=bundles/&max-keys=3`,
      `/\\127.0.0.1:${port}/mixtape`,
      `/\\\\127.0.0.1:${port}/mixtape`,
      `//2130706433:${port}/mixtape`,
      `//0x7f.0.0.1:${port}/mixtape`,
      `//0177.0.0.1:${port}/mixtape`,
      `//localhost:${port}/mixtape`,
      `//user:pw@127.0.0.1:${port}/mixtape`,
      `//user:pw@localhost:${port}/mixtape`,
      `/http://127.0.0.1:${port}/mixtape`,
      `/http:%2F%2F127.0.0.1:${port}/mixtape`,
      `/%2F%2F127.0.0.1:${port}/mixtape`,
      `/%2f127.0.0.1:${port}/mixtape`,
      `/%5C127.0.0.1:${port}/mixtape`,
      `/%5c%5c127.0.0.1:${port}/mixtape`,
      `/%252F%252F127.0.0.1:${port}/mixtape`,
      `/v1/../..//127.0.0.1:${port}/mixtape`,
      `/v1/%2e%2e/%2E%2E//127.0.0.1:${port}/mixtape`,
      `/v1/..%2F..%2F127.0.0.1:${port}/mixtape`,
      `/v1/%00/127.0.0.1:${port}`,
    ];

    for (const service of ['home', 'search', 'playlists']) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        it(`refuses every host-changing path via /api/${service} with ${method}`, async () => {
          for (const variant of variants(forbiddenPort)) {
            const answer = await raw(base, `/api/${service}${variant}`, {
              method,
              headers: { 'content-type': 'application/json', cookie: 'session=1', authorization: 'Basic dXNlcjpwdw==' },
              body: method === 'GET' ? undefined : 'x',
            });
            expect([400, 403, 404], `${method} /api/${service}${variant} → ${answer.status} ${answer.body}`).toContain(answer.status);
            expect(JSON.parse(answer.body).error.code).toMatch(/^(INVALID_PATH|NOT_FOUND)$/);
            expectSecurityHeaders(answer.headers, variant);
          }
          expect(forbiddenHits).toEqual([]);
          expect(seen).toEqual([]);
        });
      }
    }

    it("answers the issue's probe commands with 400 and contacts no other host", async () => {
      const list = await raw(base, `/api/home//127.0.0.1:${forbiddenPort}/mixtape?prefix=bundles/&max-keys=3`);
      const put = await raw(base, `/api/home//127.0.0.1:${forbiddenPort}/mixtape/probe/hello.txt`, { method: 'PUT', body: 'x' });
      expect([list.status, put.status]).toEqual([400, 400]);
      expect(list.body).not.toContain('ListBucketResult');
      expect(forbiddenHits).toEqual([]);
      expect(seen).toEqual([]);
    });

    it('refuses absolute-form request targets (the console is not a forward proxy)', async () => {
      for (const target of [`http://127.0.0.1:${forbiddenPort}/mixtape`, `http://127.0.0.1:${new URL(base).port}/api/home//127.0.0.1:${forbiddenPort}/mixtape`]) {
        const answer = await raw(base, target);
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body).error.code).toBe('INVALID_PATH');
      }
      expect(forbiddenHits).toEqual([]);
    });

    it('refuses unknown services and paths outside /v1/ with 404', async () => {
      for (const path of ['/api/admin/v1/x', '/api/home', '/api/home/metrics', '/api/home/readyz', `/api/home@127.0.0.1:${forbiddenPort}/v1/x`, '/api/']) {
        const answer = await raw(base, path);
        expect(answer.status, path).toBe(404);
        expect(JSON.parse(answer.body).error.code).toBe('NOT_FOUND');
      }
      expect(seen).toEqual([]);
      expect(forbiddenHits).toEqual([]);
    });

    it('still proxies ordinary ids with reserved characters, to the configured service', async () => {
      const answer = await raw(base, '/api/home/v1/users/u%201:a@b/home?q=a%2Fb&x=%5C');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ echoed: '/v1/users/u%201:a@b/home?q=a%2Fb&x=%5C' });
    });
  });

  describe('methods and headers', () => {
    it('proxies GETs with the query string and the allow-listed headers', async () => {
      const response = await fetch(`${base}/api/search/v1/search?q=hlao&limit=3`, { headers: { 'x-request-id': 'client-1' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('upstream-1');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expectSecurityHeaders(response.headers, 'a proxied GET');
      expect(await response.json()).toEqual({ echoed: '/v1/search?q=hlao&limit=3' });
      expect(seen.at(-1)?.headers['x-request-id']).toBe('client-1');
    });

    it("never forwards the client's Cookie, Authorization or X-API-Key; the configured key goes to the configured service only", async () => {
      const response = await raw(base, '/api/home/v1/events', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: 'session=1',
          authorization: 'Bearer client-token',
          'x-api-key': 'client-key',
          'x-forwarded-for': '203.0.113.9',
          forwarded: 'for=203.0.113.9',
          'proxy-authorization': 'Basic eDp5',
          'idempotency-key': 'like-1',
        },
        body: '{"events":[]}',
      });
      expect(response.status).toBe(201);
      const upstreamSaw = seen.at(-1)!;
      expect(upstreamSaw).toMatchObject({ method: 'POST', url: '/v1/events', body: '{"events":[]}' });
      expect(upstreamSaw.headers.authorization).toBe('Bearer console-key');
      expect(upstreamSaw.headers['idempotency-key']).toBe('like-1');
      expect(upstreamSaw.headers['x-forwarded-for']).toBe('127.0.0.1');
      for (const name of ['cookie', 'x-api-key', 'forwarded', 'proxy-authorization']) expect(upstreamSaw.headers[name], name).toBeUndefined();
      expect(forbiddenHits).toEqual([]);
    });

    it('refuses methods other than GET, HEAD and POST with 405 before contacting the service', async () => {
      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
        const answer = await raw(base, '/api/home/v1/events', { method, headers: { 'content-type': 'application/json' }, body: method === 'TRACE' ? undefined : '{}' });
        expect(answer.status, method).toBe(405);
        expect(answer.headers.allow).toBe('GET, HEAD, POST');
      }
      // CONNECT (a tunnel request) has no handler: Node closes the connection.
      await expect(raw(base, `127.0.0.1:${forbiddenPort}`, { method: 'CONNECT' })).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(seen).toEqual([]);
      expect(forbiddenHits).toEqual([]);
      const head = await raw(base, '/api/home/v1/info', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(seen.at(-1)?.method).toBe('HEAD');
    });

    it('refuses non-JSON POST bodies (415) and cross-site writes (403)', async () => {
      const form = await raw(base, '/api/home/v1/events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"events":[]}' });
      expect(form.status).toBe(415);
      const crossSite = await raw(base, '/api/home/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body: '{}' });
      expect(crossSite.status).toBe(403);
      const otherOrigin = await raw(base, '/api/home/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' });
      expect(otherOrigin.status).toBe(403);
      expect(JSON.parse(otherOrigin.body).error.code).toBe('CROSS_ORIGIN_REFUSED');
      expect(seen).toEqual([]);
      const ownPage = await raw(base, '/api/home/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' }, body: '{}' });
      expect(ownPage.status).toBe(201);
    });

    it('answers the API only on allowed Host names (DNS rebinding), while the page stays public', async () => {
      const rebound = await raw(base, '/api/search/v1/search?q=x', { headers: { host: `attacker.example:${new URL(base).port}` } });
      expect(rebound.status).toBe(403);
      expect(JSON.parse(rebound.body).error.code).toBe('HOST_NOT_ALLOWED');
      expect((await raw(base, '/api/status', { headers: { host: 'attacker.example' } })).status).toBe(403);
      expect(seen).toEqual([]);
      expect((await raw(base, '/', { headers: { host: 'attacker.example' } })).status).toBe(200);
      expect((await raw(base, '/api/search/v1/search?q=x', { headers: { host: `localhost:${new URL(base).port}` } })).status).toBe(200);
    });

    it('drops Set-Cookie, Location, CORS and the upstream security headers; keeps what the page reads', async () => {
      const answer = await raw(base, '/api/home/v1/cookies');
      expect(answer.status).toBe(200);
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(answer.headers.location).toBeUndefined();
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['retry-after']).toBe('3');
      expectSecurityHeaders(answer.headers, 'a proxied answer with its own CSP');
    });

    it('serves proxied answers as JSON only: upstream HTML becomes 502 UPSTREAM_NOT_JSON', async () => {
      for (const path of ['/api/home/v1/html', '/api/home/v1/untyped']) {
        const answer = await raw(base, path);
        expect(answer.status, path).toBe(502);
        expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(answer.headers['set-cookie']).toBeUndefined();
        expect(answer.body).not.toContain('<script>');
        expect(JSON.parse(answer.body).error.code).toBe('UPSTREAM_NOT_JSON');
      }
      const empty = await raw(base, '/api/home/v1/empty');
      expect(empty.status).toBe(204);
    });

    it('answers 502 UPSTREAM_UNAVAILABLE in the error shape when a service is down, without its address', async () => {
      const response = await fetch(`${base}/api/playlists/v1/playlists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(body.error.message).toContain('playlists');
      expect(JSON.stringify(body)).not.toContain('127.0.0.1:9');
    });
  });

  describe('the page', () => {
    it('serves the page for app paths, hashed assets as immutable, and 404s for missing files and traversal', async () => {
      const page = await fetch(`${base}/`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expectSecurityHeaders(page.headers, 'the page');
      expect(await page.text()).toContain('Mixtape console');
      expect(await (await fetch(`${base}/search`)).text()).toContain('Mixtape console');
      const asset = await fetch(`${base}/assets/main-abc123.js`);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(asset.headers.get('content-type')).toContain('javascript');
      expectSecurityHeaders(asset.headers, 'an asset');
      const missing = await raw(base, '/assets/missing.js');
      expect(missing.status).toBe(404);
      expect(missing.body).not.toContain(staticDir);
      expectSecurityHeaders(missing.headers, 'a 404');
      for (const path of ['/../../etc/passwd', '/assets/%2e%2e/%2e%2e/%2e%2e/etc/hostname', '/assets/..%2f..%2fpackage.json']) {
        const answer = await raw(base, path);
        expect(answer.status, path).toBe(404);
        expect(answer.body).not.toContain('root:');
      }
      const post = await raw(base, '/', { method: 'POST', body: 'x' });
      expect(post.status).toBe(405);
    });

    it('never names its directory in a 404, even when the page is not built', async () => {
      const emptyDir = await mkdtemp(join(tmpdir(), 'console-unbuilt-'));
      const unbuilt = createConsoleServer({ services: { home: 'http://127.0.0.1:9', search: 'http://127.0.0.1:9', playlists: 'http://127.0.0.1:9' }, staticDir: emptyDir });
      const unbuiltBase = await listen(unbuilt);
      try {
        for (const path of ['/', '/home', '/assets/x.js']) {
          const answer = await raw(unbuiltBase, path);
          expect(answer.status).toBe(404);
          expect(answer.body).not.toContain(emptyDir);
          expect(answer.body).not.toContain(tmpdir());
          expectSecurityHeaders(answer.headers, `unbuilt ${path}`);
        }
        expect(JSON.parse((await raw(unbuiltBase, '/')).body).error.message).toContain('build:web');
      } finally {
        await close(unbuilt);
        await rm(emptyDir, { recursive: true, force: true });
      }
    });

    it('sends the security headers on health checks, status and malformed requests', async () => {
      const live = await fetch(`${base}/livez`);
      expectSecurityHeaders(live.headers, '/livez');
      const status = await fetch(`${base}/api/status`);
      expectSecurityHeaders(status.headers, '/api/status');
      const body = (await status.json()) as { services: { name: string; ready: boolean }[] };
      expect(body.services.map((service) => service.name)).toEqual(['home', 'search', 'playlists']);
      expect(body.services.find((service) => service.name === 'playlists')?.ready).toBe(false);
      const malformed = await rawSocket(base, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header line\r\n\r\n');
      expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
      expect(malformed.toLowerCase()).toContain('x-content-type-options: nosniff');
      expect(malformed).toContain('"code":"BAD_REQUEST"');
    });
  });

  it('answers malformed or escaping readout names with 400 and keeps serving', async () => {
    const readoutDir = await mkdtemp(join(tmpdir(), 'console-readouts-'));
    const withReadouts = createConsoleServer({ services: { home: 'http://127.0.0.1:9', search: 'http://127.0.0.1:9', playlists: 'http://127.0.0.1:9' }, staticDir, readouts: createReadoutStore(readoutDir) });
    const readoutBase = await listen(withReadouts);
    try {
      for (const path of ['/api/experiments/readouts/%zz', '/api/experiments/readouts/%E0%A4%A/plot.svg', '/api/experiments/readouts/..%2F..%2Fetc%2Fpasswd', '/api/experiments/readouts/.hidden']) {
        const answer = await raw(readoutBase, path);
        expect(answer.status, path).toBe(400);
        expect(JSON.parse(answer.body).error.code).toBe('INVALID_NAME');
        expectSecurityHeaders(answer.headers, path);
      }
      expect((await raw(readoutBase, '/api/experiments/readouts')).status).toBe(200);
      expect((await raw(readoutBase, '/livez')).status).toBe(200);
    } finally {
      await close(withReadouts);
      await rm(readoutDir, { recursive: true, force: true });
    }
  });

  it('refuses service URLs with credentials, queries or other schemes', () => {
    const services = (home: string) => ({ home, search: 'http://127.0.0.1:1', playlists: 'http://127.0.0.1:2' });
    for (const home of ['http://user:pw@127.0.0.1:1', 'http://127.0.0.1:1/?x=1', 'file:///etc/passwd', 'not a url']) {
      expect(() => createConsoleServer({ services: services(home), staticDir })).toThrow(/home service URL/);
    }
  });
});
