import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleServer, routeApiPath } from './server';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('routeApiPath', () => {
  it('maps /api/<service>/… to the service path and query, and refuses unknown services', () => {
    expect(routeApiPath('/api/search/v1/search?q=halo&limit=5')).toEqual({ service: 'search', path: '/v1/search?q=halo&limit=5' });
    expect(routeApiPath('/api/home/v1/users/u%201/home')).toEqual({ service: 'home', path: '/v1/users/u%201/home' });
    expect(routeApiPath('/api/admin/v1/x')).toBeUndefined();
    expect(routeApiPath('/index.html')).toBeUndefined();
  });
});

describe('createConsoleServer', () => {
  let staticDir: string;
  let upstream: Server;
  let consoleServer: Server;
  let base: string;
  const seen: { method?: string; url?: string; authorization?: string; body: string }[] = [];

  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'console-static-'));
    await mkdir(join(staticDir, 'assets'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Mixtape console</title>');
    await writeFile(join(staticDir, 'assets', 'main-abc123.js'), 'console.log(1)');
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
        response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-request-id': 'upstream-1' });
        response.end(JSON.stringify({ echoed: request.url }));
      });
    });
    const upstreamUrl = await listen(upstream);
    consoleServer = createConsoleServer({
      services: { home: upstreamUrl, search: upstreamUrl, playlists: 'http://127.0.0.1:9' },
      staticDir,
      apiKey: 'console-key',
    });
    base = await listen(consoleServer);
  });

  afterAll(async () => {
    await new Promise((done) => consoleServer.close(done));
    await new Promise((done) => upstream.close(done));
    await rm(staticDir, { recursive: true, force: true });
  });

  it('proxies GETs with the query string and keeps the upstream status and headers', async () => {
    const response = await fetch(`${base}/api/search/v1/search?q=hlao&limit=3`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('upstream-1');
    expect(await response.json()).toEqual({ echoed: '/v1/search?q=hlao&limit=3' });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('streams POST bodies through and adds the API key on writes', async () => {
    const response = await fetch(`${base}/api/home/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' });
    expect(response.status).toBe(201);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1/events', authorization: 'Bearer console-key', body: '{"events":[]}' });
  });

  it('answers 502 UPSTREAM_UNAVAILABLE in the error shape when a service is down', async () => {
    const response = await fetch(`${base}/api/playlists/v1/playlists`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.error.message).toContain('playlists');
  });

  it('serves the page for app paths, hashed assets as immutable, and 404s for missing files and traversal', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Mixtape console');
    expect(await (await fetch(`${base}/search`)).text()).toContain('Mixtape console');
    const asset = await fetch(`${base}/assets/main-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    // fetch() would normalize the dots away; a raw request sends them as written.
    for (const path of ['/../../etc/passwd', '/assets/%2e%2e/%2e%2e/%2e%2e/etc/hostname']) {
      const status = await new Promise<number | undefined>((done, fail) => get({ host: '127.0.0.1', port: new URL(base).port, path }, (response) => (response.resume(), done(response.statusCode))).on('error', fail));
      expect(status).toBe(404);
    }
    expect((await fetch(`${base}/api/nothing/here`)).status).toBe(404);
  });

  it('reports every service on /api/status, down ones included', async () => {
    const response = await fetch(`${base}/api/status`);
    const body = (await response.json()) as { services: { name: string; ready: boolean }[] };
    expect(body.services.map((service) => service.name)).toEqual(['home', 'search', 'playlists']);
    expect(body.services.find((service) => service.name === 'playlists')?.ready).toBe(false);
  });
});
