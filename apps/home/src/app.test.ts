import { createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from './app';

function setup() {
  const { context, logs } = createTestServiceContext({ name: 'home' });
  return { app: createApp({ context, serving: () => undefined }), context, logs };
}

describe('home createApp', () => {
  it('answers /livez, and /readyz 503 until ready then 200', async () => {
    const { app, context } = setup();
    await request(app).get('/livez').expect(200);
    await request(app).get('/readyz').expect(503);
    context.readiness.markReady();
    await request(app).get('/readyz').expect(200, { status: 'ready' });
  });

  it('exposes Prometheus metrics with the request histogram', async () => {
    const { app } = setup();
    await request(app).get('/v1/info').expect(200);
    const response = await request(app).get('/metrics').expect(200);
    expect(response.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/v1\/info"[^}]*\} 1/);
    expect(response.text).toContain('process_resident_memory_bytes');
  });

  it('says which service answers on /v1/info', async () => {
    const { app, context } = setup();
    await request(app).get('/v1/info').expect(200, { service: 'home', version: context.version, status: 'starting' });
  });

  it('answers /v1 routes with 503 NOT_READY while no bundle is loaded', async () => {
    const { app, context } = setup();
    context.readiness.markReady();
    const response = await request(app).get('/v1/users/u1/home').expect(503);
    expect(response.body.error.code).toBe('NOT_READY');
    await request(app).post('/v1/events').send({ events: [{ userId: 'u1', trackId: 't', type: 'play' }] }).expect(503);
  });

  it('answers unknown routes with the shared error shape', async () => {
    const { app } = setup();
    const response = await request(app).get('/v1/nope').set('x-request-id', 'test-1').expect(404);
    expect(response.body).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /v1/nope' },
      requestId: 'test-1',
    });
  });
});
