import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, isJsonMediaType, parseUpstreamBase, routeApiPath, upstreamRequestHeaders, upstreamUrl } from './upstream';

describe('routeApiPath', () => {
  it('maps /api/<service>/v1/… to the service path and query', () => {
    expect(routeApiPath('/api/search/v1/search?q=halo&limit=5')).toEqual({ ok: true, service: 'search', path: '/v1/search', search: '?q=halo&limit=5' });
    expect(routeApiPath('/api/home/v1/users/u%201/home')).toEqual({ ok: true, service: 'home', path: '/v1/users/u%201/home', search: '' });
    expect(routeApiPath('/index.html')).toBeUndefined();
  });

  it('refuses unknown services and paths outside /v1/ (404)', () => {
    expect(routeApiPath('/api/admin/v1/x')).toMatchObject({ ok: false, status: 404 });
    expect(routeApiPath('/api/home/metrics')).toMatchObject({ ok: false, status: 404 });
    expect(routeApiPath('/api/home')).toMatchObject({ ok: false, status: 404 });
    expect(routeApiPath('/api/experiments/v1/x', ['home', 'experiments'])).toMatchObject({ ok: true, service: 'experiments' });
  });

  it.each([
    ['//', '/api/home//127.0.0.1:4568/mixtape'],
    ['backslash', '/api/home/\\127.0.0.1:4568/mixtape'],
    ['encoded slashes', '/api/home/%2F%2F127.0.0.1:4568/mixtape'],
    ['encoded backslash', '/api/home/v1/%5C127.0.0.1'],
    ['double encoding', '/api/home/v1/%252F%252Fhost'],
    ['dot segments', '/api/home/v1/../../x'],
    ['encoded dot segments', '/api/home/v1/%2e%2E/x'],
    ['trailing slash', '/api/home/v1/info/'],
    ['NUL', '/api/home/v1/a%00b'],
    ['bad escape', '/api/home/v1/%zz'],
    ['invalid UTF-8', '/api/home/v1/%ff'],
    ['fragment', '/api/home/v1/info#x'],
    ['backslash in the query', '/api/home/v1/info?x=\\'],
  ])('refuses %s (400)', (_, url) => {
    expect(routeApiPath(url)).toMatchObject({ ok: false, status: 400, code: 'INVALID_PATH' });
  });
});

describe('upstreamUrl', () => {
  it('appends the path to the configured base, prefix included, and keeps its origin', () => {
    expect(upstreamUrl(new URL('http://127.0.0.1:4101'), '/v1/users/u%201/home', '?limit=3').href).toBe('http://127.0.0.1:4101/v1/users/u%201/home?limit=3');
    expect(upstreamUrl(new URL('https://svc.internal/home/'), '/v1/info', '').href).toBe('https://svc.internal/home/v1/info');
  });

  it('throws when a path would not land under the base /v1/ (the guard behind routeApiPath)', () => {
    expect(() => upstreamUrl(new URL('http://127.0.0.1:4101'), '//127.0.0.1:4568/mixtape', '')).toThrow(/Refusing to proxy/);
    expect(() => upstreamUrl(new URL('http://127.0.0.1:4101/home'), '/../search/v1/x', '')).toThrow(/Refusing to proxy/);
  });
});

describe('parseUpstreamBase', () => {
  it('accepts http(s) base URLs and refuses credentials, queries, fragments and other schemes', () => {
    expect(parseUpstreamBase('home', 'http://127.0.0.1:4101').origin).toBe('http://127.0.0.1:4101');
    expect(() => parseUpstreamBase('home', 'http://a:b@127.0.0.1:4101')).toThrow(/credentials/);
    expect(() => parseUpstreamBase('home', 'http://127.0.0.1:4101/?x')).toThrow(/query/);
    expect(() => parseUpstreamBase('home', 'ftp://127.0.0.1')).toThrow(/http/);
    expect(() => parseUpstreamBase('home', '127.0.0.1:4101')).toThrow(/home service URL/);
  });
});

describe('header allow-lists', () => {
  it('forwards only what the services need, and the console key instead of the client credentials', () => {
    const headers = upstreamRequestHeaders(
      { accept: 'application/json', cookie: 'a=1', authorization: 'Basic x', 'x-api-key': 'k', host: 'evil', 'x-request-id': 'bad id with spaces', 'content-type': 'application/json' },
      { apiKey: 'console-key', remoteAddress: '10.0.0.1' },
    );
    expect(headers).toEqual({ accept: 'application/json', 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.1', authorization: 'Bearer console-key' });
    expect(upstreamRequestHeaders({ authorization: 'Bearer client' }, {})).toEqual({});
  });

  it('passes back only what the page reads', () => {
    expect(clientResponseHeaders({ 'content-type': 'application/json', 'set-cookie': 'a=1', location: '/x', 'x-request-id': 'r', 'ratelimit-remaining': '9' } as Record<string, string>)).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'r',
      'ratelimit-remaining': '9',
    });
  });

  it('knows JSON media types', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'application/x-ndjson']) expect(isJsonMediaType(type), type).toBe(true);
    for (const type of [undefined, 'text/html', 'text/json', 'application/javascript', 'application/jsonx', 'image/svg+xml']) expect(isJsonMediaType(type), String(type)).toBe(false);
  });
});
