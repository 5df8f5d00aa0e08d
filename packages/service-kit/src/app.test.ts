import { createHash } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServiceApp, parseInput, requireApiKey, requireExportKey, requireReady } from './app';
import type { EnvSource } from './config';
import { baseConfigSchema, parseConfig } from './config';
import { mapErrorCodes, NotFoundError, NotReadyError, UpstreamError } from './errors';
import { getRequestLogger } from './request-context';
import { createTestServiceContext } from './testing';

const API_KEY = 'test-key-0123456789abcdef';

function createItemsRouter() {
  const router = express.Router();
  router.get('/v1/items/:id', (req, res) => {
    if (req.params.id === 'missing') {
      throw new NotFoundError('Track missing not found', { code: 'TRACK_NOT_FOUND', details: { id: 'missing' } });
    }
    getRequestLogger(req).info({ id: req.params.id }, 'item served');
    res.json({ id: req.params.id });
  });
  router.post('/v1/items', requireApiKey, (req, res) => {
    const body = parseInput(z.object({ name: z.string().min(1), rating: z.number().min(0).max(5) }), req.body);
    res.status(201).json(body);
  });
  router.get('/v1/page', (req, res) => {
    res.json(parseInput(z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }), req.query, 'query'));
  });
  router.get('/v1/search', (req, res) => {
    const query = parseInput(z.object({ limit: z.coerce.number().int().max(50) }), req.query, 'query');
    res.json(query);
  });
  router.get('/v1/boom', () => {
    throw new Error('connection string postgres://admin:hunter2@db failed');
  });
  router.get('/v1/upstream', async () => {
    throw new UpstreamError('The LLM provider failed', { retryable: true, cause: new Error('HTTP 500') });
  });
  return router;
}

/** The value of the sample of `name` whose labels are exactly `labels` (any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())) {
      return Number(match[3]);
    }
  }
  return undefined;
}

function setup(env: EnvSource = {}, now?: () => number) {
  const { context, logs } = createTestServiceContext({ name: 'test', env, ...(now ? { now } : {}) });
  const app = createServiceApp({ context, routes: createItemsRouter() });
  return { app, context, logs };
}

describe('health endpoints', () => {
  it('/livez is always 200', async () => {
    const { app, context } = setup();
    await request(app).get('/livez').expect(200, { status: 'ok', service: 'test', version: '0.0.0' });
    context.readiness.markStopping();
    await request(app).get('/livez').expect(200);
  });

  it('/readyz carries the detail sections the app added (a throwing one is left out)', async () => {
    const { app, context } = setup();
    context.readiness.addDetail('bundle', () => ({ version: 'v2', fallback: { latest: 'v3', reason: 'smoke check crashed (SIGSEGV)' } }));
    context.readiness.addDetail('broken', () => {
      throw new Error('no');
    });
    await request(app).get('/readyz').expect(503, { status: 'starting', reason: 'starting up', detail: { bundle: { version: 'v2', fallback: { latest: 'v3', reason: 'smoke check crashed (SIGSEGV)' } } } });
    context.readiness.markReady();
    await request(app).get('/readyz').expect(200, { status: 'ready', detail: { bundle: { version: 'v2', fallback: { latest: 'v3', reason: 'smoke check crashed (SIGSEGV)' } } } });
  });

  it('/readyz is 503 while starting, 200 when ready, 503 again when stopping', async () => {
    const { app, context } = setup();
    await request(app).get('/readyz').expect(503, { status: 'starting', reason: 'starting up' });
    context.readiness.markReady();
    await request(app).get('/readyz').expect(200, { status: 'ready' });
    context.readiness.markStopping('received SIGTERM');
    await request(app).get('/readyz').expect(503, { status: 'stopping', reason: 'received SIGTERM' });
  });

  it('/metrics has the request histogram by route and status, process metrics and app metrics', async () => {
    const { app, context } = setup();
    const bundle = context.metrics.info({ name: 'bundle_info', help: 'Loaded bundle.', labelNames: ['version'] });
    bundle.set({ version: 'v1' });
    bundle.set({ version: 'v2' });
    context.metrics.gauge({ name: 'index_vectors', help: 'Vectors in the index.' }).set(1234);
    await request(app).get('/v1/items/a').expect(200);
    await request(app).get('/v1/items/b').expect(200);
    await request(app).get('/v1/items/missing').expect(404);
    await request(app).get('/nowhere').expect(404);
    const response = await request(app).get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.text;
    const duration = 'http_request_duration_seconds_count';
    expect(sample(text, duration, { method: 'GET', route: '/v1/items/:id', status_code: '200', service: 'test' })).toBe(2);
    expect(sample(text, duration, { method: 'GET', route: '/v1/items/:id', status_code: '404', service: 'test' })).toBe(1);
    expect(sample(text, duration, { method: 'GET', route: 'unmatched', status_code: '404', service: 'test' })).toBe(1);
    expect(text).not.toContain('/nowhere');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(sample(text, 'index_vectors', { service: 'test' })).toBe(1234);
    expect(sample(text, 'bundle_info', { version: 'v2', service: 'test' })).toBe(1);
    expect(text).not.toContain('version="v1"');
    expect(sample(text, 'service_ready', { service: 'test' })).toBe(0);
  });
});

describe('request ids and logs', () => {
  it('generates a request id and echoes it in the header and logs', async () => {
    const { app, logs } = setup();
    const response = await request(app).get('/v1/items/a').expect(200);
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = logs.lines();
    expect(lines.find((line) => line.msg === 'item served')).toMatchObject({ requestId, id: 'a' });
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({
      requestId,
      method: 'GET',
      route: '/v1/items/:id',
      statusCode: 200,
    });
  });

  it('accepts a well-formed x-request-id and replaces a malformed one', async () => {
    const { app } = setup();
    const kept = await request(app).get('/livez').set('x-request-id', 'upstream-id.42:a').expect(200);
    expect(kept.headers['x-request-id']).toBe('upstream-id.42:a');
    for (const malformed of ['bad id with spaces', '<script>', 'x'.repeat(200)]) {
      const replaced = await request(app).get('/livez').set('x-request-id', malformed).expect(200);
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('never logs API keys or authorization headers', async () => {
    const { app, logs } = setup({ MIXTAPE_API_KEYS: API_KEY });
    await request(app).post('/v1/items?api_key=LEAKED-QUERY').set('authorization', `Bearer ${API_KEY}`).send({ name: 'x', rating: 1 });
    await request(app).post('/v1/items').set('x-api-key', 'wrong-key-WRONGWRONG').send({});
    expect(logs.text()).not.toContain(API_KEY);
    expect(logs.text()).not.toContain('LEAKED-QUERY');
    expect(logs.text()).not.toContain('WRONGWRONG');
    expect(logs.text()).toContain('api_key=[REDACTED]');
  });
});

describe('error middleware', () => {
  it('maps AppErrors to { error: { code, message, details }, requestId }', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/items/missing').set('x-request-id', 'req-1').expect(404);
    expect(response.body).toEqual({
      error: { code: 'TRACK_NOT_FOUND', message: 'Track missing not found', details: { id: 'missing' } },
      requestId: 'req-1',
    });
  });

  it('answers unknown routes with a 404 in the same shape', async () => {
    const { app } = setup();
    const response = await request(app).delete('/v2/unknown').expect(404);
    expect(response.body).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'No route for DELETE /v2/unknown' },
      requestId: response.headers['x-request-id'],
    });
  });

  it('lists every zod issue with its path in a 400', async () => {
    const { app } = setup();
    const response = await request(app).post('/v1/items').send({ name: '', rating: 9 }).expect(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
    expect(response.body.error.details.issues).toEqual([
      { path: 'body.name', message: expect.stringContaining('>=1') },
      { path: 'body.rating', message: expect.stringContaining('<=5') },
    ]);
    expect(response.body.error.message).toContain('body.name');
    const query = await request(app).get('/v1/search?limit=500').expect(400);
    expect(query.body.error.details.issues[0].path).toBe('query.limit');
  });

  it('takes an empty query parameter ("?limit=", as a form sends an unset field) as absent: its default applies', async () => {
    const { app } = setup();
    expect((await request(app).get('/v1/page?limit=').expect(200)).body).toEqual({ limit: 10 });
    expect((await request(app).get('/v1/page?limit=0').expect(400)).body.error.message).toBe('Invalid query: query.limit: Too small: expected number to be >=1, got "0"');
  });

  it.each([
    ['0x10', '16'],
    ['1e1', '10'],
    ['+5', '5'],
    [' 5', '5'],
    ['0b11', '3'],
  ])('refuses the number %j that JavaScript reads as %s: integers in a query string are plain decimal digits', async (sent, meant) => {
    const { app } = setup();
    const response = await request(app).get('/v1/page').query({ limit: sent }).expect(400);
    expect(response.body.error.details.issues).toEqual([
      { path: 'query.limit', message: `expected an integer from 1 to 50 in plain decimal digits, got ${JSON.stringify(sent)} (write "${meant}")` },
    ]);
    expect(response.body.error.message).toMatch(/^Invalid query: query\.limit: expected an integer from 1 to 50/);
  });

  it('keeps decimal digits (and a minus, refused by the range) and lists other problems beside a non-decimal number', async () => {
    const { app } = setup();
    expect((await request(app).get('/v1/page?limit=16').expect(200)).body).toEqual({ limit: 16 });
    expect((await request(app).get('/v1/page?limit=007').expect(200)).body).toEqual({ limit: 7 });
    expect((await request(app).get('/v1/page?limit=-1').expect(400)).body.error.message).toMatch(/>=1, got "-1"/);
    const { decimalQueryIssues, integerQueryParameter } = await import('./query-numbers');
    const schema = z.object({ limit: z.coerce.number().int().min(1), at: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime()]).optional(), name: z.string().optional() });
    expect(decimalQueryIssues(schema, { limit: '1e3', at: '0x1F', name: '0x10' })).toEqual([
      { path: 'query.limit', message: 'expected an integer ≥ 1 in plain decimal digits, got "1e3" (write "1000")' },
      { path: 'query.at', message: 'expected an integer ≥ 0 in plain decimal digits, got "0x1F" (write "31")' },
    ]);
    expect(decimalQueryIssues(schema, { limit: 'abc', at: '2024-05-01T00:00:00Z' })).toEqual([]);
    const parameter = z.object({ limit: integerQueryParameter(1, 100, 20) });
    expect(parameter.parse({})).toEqual({ limit: 20 });
    expect(parameter.safeParse({ limit: '0x10' }).error?.issues[0]?.message).toBe('expected an integer from 1 to 100 in plain decimal digits, got "0x10" (write "16")');
    expect(parameter.safeParse({ limit: '0' }).error?.issues[0]?.message).toBe('expected an integer from 1 to 100, got "0"');
  });

  it('says a query parameter was given twice (it arrives as an array: zod said "received NaN")', async () => {
    const { app } = setup();
    const twice = await request(app).get('/v1/page?limit=2&limit=3').expect(400);
    expect(twice.body.error.message).toBe('Invalid query: query.limit: given 2 times ("2", "3"); send it once');
  });

  it('says what was sent for a bad parameter (zod alone says "received NaN")', async () => {
    const { app } = setup();
    const query = await request(app).get('/v1/search?limit=abc').expect(400);
    expect(query.body.error.details.issues[0]).toEqual({ path: 'query.limit', message: 'Invalid input: expected number, got "abc"' });
    expect(query.body.error.message).toBe('Invalid query: query.limit: Invalid input: expected number, got "abc"');
    const fraction = await request(app).get('/v1/search?limit=2.5').expect(400);
    // "2.5" is decimal: the problem is the fraction ("5.0" reads as 5: how to write it)
    expect(fraction.body.error.details.issues[0].message).toBe('expected an integer ≤ 50, got "2.5" (no fraction)');
    const whole = await request(app).get('/v1/search?limit=5.0').expect(400);
    expect(whole.body.error.details.issues[0].message).toBe('expected an integer ≤ 50 without a fraction, got "5.0" (write "5")');
    const { integerQueryParameter } = await import('./query-numbers');
    expect(z.object({ limit: integerQueryParameter(1, 100, 20) }).safeParse({ limit: '2.5' }).error?.issues[0]?.message).toBe('expected an integer from 1 to 100, got "2.5" (no fraction)');
    // a number (not an integer) may be written with an exponent or a leading-dot fraction, as a CLI flag may
    const { decimalQueryIssues } = await import('./query-numbers');
    const ratio = z.object({ share: z.coerce.number().min(0).max(1) });
    expect(decimalQueryIssues(ratio, { share: '1e-3' })).toEqual([]);
    expect(decimalQueryIssues(ratio, { share: '.5' })).toEqual([]);
    expect(decimalQueryIssues(ratio, { share: '0x1' })).toEqual([{ path: 'query.share', message: 'expected a number from 0 to 1 in plain decimal digits, got "0x1" (write "1")' }]);
    const body = await request(app).post('/v1/items').send({ name: 'x', rating: 9 }).expect(400);
    expect(body.body.error.details.issues[0].message).toMatch(/<=5, got 9$/);
  });

  it('says a query parameter was given twice (it arrives as an array: zod said "received NaN")', async () => {
    const { app } = setup();
    const twice = await request(app).get('/v1/search?limit=2&limit=3').expect(400);
    expect(twice.body.error.message).toBe('Invalid query: query.limit: given 2 times ("2", "3"); send it once');
    expect(twice.body.error.details.issues).toEqual([{ path: 'query.limit', message: 'given 2 times ("2", "3"); send it once' }]);
  });

  it('asks for a JSON body when none (or a non-JSON one) is sent', async () => {
    const { app } = setup();
    const response = await request(app).post('/v1/items').set('content-type', 'text/plain').send('name=x').expect(400);
    expect(response.body.error).toEqual({
      code: 'BODY_REQUIRED',
      message: 'Expected a JSON request body (Content-Type: application/json)',
    });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const { app } = setup();
    const response = await request(app)
      .post('/v1/items')
      .set('content-type', 'application/json')
      .send('{"name": "x", ')
      .expect(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
    expect(response.body.error.message).toMatch(/^Malformed JSON body/);
  });

  it('answers bodies over BODY_LIMIT with 413', async () => {
    const { app } = setup({ BODY_LIMIT: '1kb' });
    const response = await request(app)
      .post('/v1/items')
      .send({ name: 'x'.repeat(2048), rating: 1 })
      .expect(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(response.body.error.details.limit).toBe(1024);
  });

  it('hides unknown errors behind a 500 without a stack, and logs them in full', async () => {
    const { app, logs } = setup();
    const response = await request(app).get('/v1/boom').expect(500);
    expect(response.body).toEqual({
      error: { code: 'INTERNAL', message: 'Internal server error' },
      requestId: response.headers['x-request-id'],
    });
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('at ');
    const logged = logs.lines().find((line) => line.level === 'error' && line.code === 'INTERNAL') as
      | { err: { stack: string } }
      | undefined;
    expect(logged?.err.stack).toContain('app.test.ts');
  });

  it('sends Retry-After for retryable upstream failures', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/upstream').expect(502);
    expect(response.body.error.code).toBe('UPSTREAM_FAILED');
    expect(response.headers['retry-after']).toBe('1');
  });
});

describe('security headers and CORS', () => {
  it('sends no ETag (every answer is no-store): a conditional GET with the tag express would have made gets the whole body', async () => {
    const { app } = setup();
    const body = '{"id":"a"}';
    // express's weak ETag of this body: W/"<length hex>-<sha1 base64, 27 chars>"
    const tag = `W/"${Buffer.byteLength(body).toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
    const response = await request(app).get('/v1/items/a').set('If-None-Match', tag).expect(200);
    expect(response.text).toBe(body);
    expect(response.headers.etag).toBeUndefined();
    const names = Object.keys(response.headers).filter((name) => !['connection', 'keep-alive', 'date'].includes(name));
    expect(names.sort()).toEqual([
      'cache-control',
      'content-length',
      'content-security-policy',
      'content-type',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'referrer-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
      'x-request-id',
    ]);
    expect((await request(app).get('/livez').expect(200)).headers.etag).toBeUndefined();
  });

  it('builds no request log line the level does not write (warn: errors and aborts only)', async () => {
    const { context, logs } = createTestServiceContext({ name: 'test', level: 'warn' });
    const app = createServiceApp({ context, routes: createItemsRouter() });
    let children = 0;
    const child = context.logger.child.bind(context.logger);
    context.logger.child = ((...args: Parameters<typeof child>) => (children++, child(...args))) as typeof child;
    await request(app).get('/livez').expect(200);
    await request(app).get('/v1/page?limit=3').expect(200);
    expect(logs.lines()).toEqual([]);
    expect(children).toBe(0);
    const failed = await request(app).get('/v1/boom?api_key=secret123').expect(500);
    const line = logs.lines().find((one) => one.msg === 'request failed');
    expect(line).toMatchObject({ level: 'error', requestId: failed.headers['x-request-id'], method: 'GET', url: '/v1/boom?api_key=[REDACTED]', route: '/v1/boom', statusCode: 500, principal: 'ip:127.0.0.1' });
    expect(typeof line?.durationMs).toBe('number');
  });

  it('sets security headers and hides x-powered-by', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/items/a').expect(200);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('sends no CORS headers by default', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/items/a').set('origin', 'https://evil.example').expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows only listed origins and answers their preflights', async () => {
    const { app } = setup({ CORS_ORIGINS: 'https://app.example, https://admin.example' });
    const allowed = await request(app).get('/v1/items/a').set('origin', 'https://app.example').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(allowed.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expect(allowed.headers.vary).toContain('Origin');
    const denied = await request(app).get('/v1/items/a').set('origin', 'https://evil.example').expect(200);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(app)
      .options('/v1/items')
      .set('origin', 'https://admin.example')
      .set('access-control-request-method', 'POST')
      .expect(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('X-API-Key');
  });

  it('allows any origin with *', async () => {
    const { app } = setup({ CORS_ORIGINS: '*' });
    const response = await request(app).get('/livez').set('origin', 'https://any.example').expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('API-key auth', () => {
  it('protects only the routes that use requireApiKey', async () => {
    const { app } = setup({ MIXTAPE_API_KEYS: `other-key-0123456789,${API_KEY}` });
    const missing = await request(app).post('/v1/items').send({ name: 'x', rating: 1 }).expect(401);
    expect(missing.body.error).toMatchObject({ code: 'UNAUTHORIZED', message: 'A valid API key is required' });
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    const wrong = await request(app).post('/v1/items').set('x-api-key', 'not-the-key-0123456').send({}).expect(401);
    expect(wrong.body.error.message).toBe('The API key is not valid');
    await request(app).post('/v1/items').set('authorization', `Bearer ${API_KEY}`).send({ name: 'x', rating: 1 }).expect(201);
    await request(app).post('/v1/items').set('x-api-key', API_KEY).send({ name: 'y', rating: 2 }).expect(201);
    await request(app).get('/v1/items/a').expect(200);
  });

  it('is off when no keys are configured', async () => {
    const { app } = setup();
    await request(app).post('/v1/items').send({ name: 'x', rating: 1 }).expect(201);
  });
});

describe('mapError', () => {
  it('lets the app translate domain errors (stable code, no HTTP status) into AppErrors', async () => {
    class BundleNotFoundError extends Error {
      readonly code = 'BUNDLE_NOT_FOUND';
    }
    const { context } = createTestServiceContext({ name: 'test' });
    const router = express.Router();
    router.get('/v1/bundle', () => {
      throw new BundleNotFoundError('No LATEST pointer under s3://bucket/bundles/');
    });
    router.get('/v1/other', () => {
      throw new Error('unmapped');
    });
    const app = createServiceApp({
      context,
      routes: router,
      mapError: (error) =>
        error instanceof BundleNotFoundError
          ? new NotReadyError(error.message, { code: error.code, cause: error })
          : undefined,
    });
    const mapped = await request(app).get('/v1/bundle').expect(503);
    expect(mapped.body.error).toEqual({ code: 'BUNDLE_NOT_FOUND', message: 'No LATEST pointer under s3://bucket/bundles/' });
    const unmapped = await request(app).get('/v1/other').expect(500);
    expect(unmapped.body.error.code).toBe('INTERNAL');
  });
});

describe('requireReady', () => {
  it('answers 503 NOT_READY with Retry-After until the service is ready', async () => {
    const { context } = createTestServiceContext({ name: 'test' });
    const router = express.Router();
    router.get('/v1/needs-bundle', requireReady(context.readiness), (_request, response) => {
      response.json({ ok: true });
    });
    const app = createServiceApp({ context, routes: router });
    const response = await request(app).get('/v1/needs-bundle').expect(503);
    expect(response.body.error).toEqual({ code: 'NOT_READY', message: 'The service is not ready: starting up' });
    expect(response.headers['retry-after']).toBe('1');
    context.readiness.markReady();
    await request(app).get('/v1/needs-bundle').expect(200, { ok: true });
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After past the burst, per key or IP, and recovers with time', async () => {
    let now = 0;
    const { app } = setup(
      { RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '2', MIXTAPE_API_KEYS: API_KEY },
      () => now,
    );
    const first = await request(app).get('/v1/items/a').expect(200);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    await request(app).get('/v1/items/a').expect(200);
    const limited = await request(app).get('/v1/items/a').expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('2');
    // A valid key has its own bucket; health endpoints are never limited.
    await request(app).get('/v1/items/a').set('x-api-key', API_KEY).expect(200);
    await request(app).get('/readyz').expect(503);
    await request(app).get('/livez').expect(200);
    now += 2_000;
    await request(app).get('/v1/items/a').expect(200);
  });

  it('counts wrong keys against the client IP', async () => {
    const { app } = setup({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '1', MIXTAPE_API_KEYS: API_KEY }, () => 0);
    await request(app).get('/v1/items/a').set('x-api-key', 'guess-1-0123456789').expect(200);
    await request(app).get('/v1/items/a').set('x-api-key', 'guess-2-0123456789').expect(429);
  });
});

describe('requireReady over a state getter', () => {
  it('answers 503 until the getter has state, then hands the handler the snapshot it was admitted with', async () => {
    const { context } = createTestServiceContext({ name: 'test' });
    let current: { version: string } | undefined;
    const gate = requireReady(() => current, { notReadyMessage: 'No bundle is loaded yet' });
    const router = express.Router();
    router.get('/v1/version', gate, async (request, response) => {
      const admitted = gate.state(request);
      current = { version: 'v2' }; // a swap mid-request does not change what this request serves
      response.json({ version: admitted.version });
    });
    const app = createServiceApp({ context, routes: router });
    const refused = await request(app).get('/v1/version').expect(503);
    expect(refused.body.error).toEqual({ code: 'NOT_READY', message: 'No bundle is loaded yet; retry shortly' });
    expect(refused.headers['retry-after']).toBe('1');
    current = { version: 'v1' };
    await request(app).get('/v1/version').expect(200, { version: 'v1' });
    // Still served while a stopping service drains: the state is what matters.
    context.readiness.markStopping('SIGTERM');
    await request(app).get('/v1/version').expect(200, { version: 'v2' });
  });
});

describe('405 Method Not Allowed', () => {
  it('answers a known path with a wrong method with 405, Allow and the JSON shape; unknown paths stay 404', async () => {
    const { app } = setup();
    const wrong = await request(app).delete('/v1/items/a').expect(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
    expect(wrong.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrong.body.error.message).toBe('DELETE is not allowed on /v1/items/a; allowed: GET, HEAD');
    expect(wrong.body.requestId).toEqual(expect.any(String));
    const put = await request(app).put('/v1/items').send({}).expect(405);
    expect(put.headers.allow).toBe('POST');
    const health = await request(app).post('/livez').expect(405);
    expect(health.headers.allow).toBe('GET, HEAD');
    const unknown = await request(app).delete('/v1/nothing-here').expect(404);
    expect(unknown.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('export scope', () => {
  const EXPORT_KEY = 'export-key-0123456789abcdef';
  function exportApp(env: EnvSource) {
    const { context } = createTestServiceContext({ name: 'test', env });
    const router = express.Router();
    router.get('/v1/export', requireExportKey, (_request, response) => response.json({ exported: true }));
    router.post('/v1/write', requireApiKey, (_request, response) => response.status(201).json({ written: true }));
    return createServiceApp({ context, routes: router });
  }

  it('lets write keys export when no export keys are configured', async () => {
    const app = exportApp({ MIXTAPE_API_KEYS: API_KEY });
    await request(app).get('/v1/export').expect(401);
    await request(app).get('/v1/export').set('x-api-key', API_KEY).expect(200);
  });

  it('with MIXTAPE_EXPORT_API_KEYS, only those keys export, and they cannot write', async () => {
    const app = exportApp({ MIXTAPE_API_KEYS: API_KEY, MIXTAPE_EXPORT_API_KEYS: EXPORT_KEY });
    const forbidden = await request(app).get('/v1/export').set('x-api-key', API_KEY).expect(403);
    expect(forbidden.body.error.code).toBe('KEY_SCOPE_MISSING');
    expect(forbidden.body.error.message).toContain('MIXTAPE_EXPORT_API_KEYS');
    await request(app).get('/v1/export').set('authorization', `Bearer ${EXPORT_KEY}`).expect(200);
    await request(app).post('/v1/write').set('x-api-key', EXPORT_KEY).send({}).expect(403);
    await request(app).post('/v1/write').set('x-api-key', API_KEY).send({}).expect(201);
    await request(app).get('/v1/export').expect(401);
  });
});

describe('rate limits per key and per IP', () => {
  it('gives API keys their own, larger bucket and anonymous clients the per-IP one', async () => {
    const { app } = setup(
      { MIXTAPE_API_KEYS: API_KEY, RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '2', RATE_LIMIT_KEY_PER_SECOND: '1', RATE_LIMIT_KEY_BURST: '5' },
      () => 0,
    );
    await request(app).get('/v1/items/a').expect(200);
    await request(app).get('/v1/items/a').expect(200);
    await request(app).get('/v1/items/a').expect(429);
    for (let i = 0; i < 5; i++) {
      const response = await request(app).get('/v1/items/a').set('x-api-key', API_KEY).expect(200);
      expect(response.headers['ratelimit-limit']).toBe('5');
    }
    await request(app).get('/v1/items/a').set('x-api-key', API_KEY).expect(429);
  });

  it('is on by default (the test helper turns it off; a production config does not)', async () => {
    const config = parseConfig(baseConfigSchema, { MIXTAPE_API_KEYS: API_KEY });
    const { context } = createTestServiceContext({ name: 'test', config });
    const app = createServiceApp({ context, routes: createItemsRouter() });
    const anonymous = await request(app).get('/v1/items/a').expect(200);
    expect(anonymous.headers['ratelimit-limit']).toBe('40');
    const keyed = await request(app).get('/v1/items/a').set('x-api-key', API_KEY).expect(200);
    expect(keyed.headers['ratelimit-limit']).toBe('200');
  });
});

describe('mapErrorCodes', () => {
  class TrackLookupError extends Error {
    constructor(
      message: string,
      readonly code: string,
      readonly details?: unknown,
    ) {
      super(message);
    }
  }

  it('maps domain codes to statuses once per app, keeping message, details and code (or a shipped code)', async () => {
    const { context } = createTestServiceContext({ name: 'test' });
    const router = express.Router();
    router.get('/v1/:code', (request) => {
      throw new TrackLookupError(`failed with ${request.params.code}`, String(request.params.code), { field: 'trackId' });
    });
    const app = createServiceApp({
      context,
      routes: router,
      mapError: mapErrorCodes({ UNKNOWN_TRACK: 404, UNKNOWN_SEED: { status: 400, code: 'INVALID_INPUT' }, STATE_UNAVAILABLE: 503, BROKEN: 500 }),
    });
    const notFound = await request(app).get('/v1/UNKNOWN_TRACK').expect(404);
    expect(notFound.body.error).toEqual({ code: 'UNKNOWN_TRACK', message: 'failed with UNKNOWN_TRACK', details: { field: 'trackId' } });
    const input = await request(app).get('/v1/UNKNOWN_SEED').expect(400);
    expect(input.body.error.code).toBe('INVALID_INPUT');
    const unavailable = await request(app).get('/v1/STATE_UNAVAILABLE').expect(503);
    expect(unavailable.headers['retry-after']).toBe('1');
    const internal = await request(app).get('/v1/BROKEN').expect(500);
    expect(internal.body.error).toEqual({ code: 'BROKEN', message: 'Internal server error' });
    const unmapped = await request(app).get('/v1/SOMETHING_ELSE').expect(500);
    expect(unmapped.body.error.code).toBe('INTERNAL');
  });

  it('refuses a status without an AppError class when the app is built', () => {
    expect(() => mapErrorCodes({ ODD: 418 as never })).toThrowError(/ODD maps to 418/);
  });
});
