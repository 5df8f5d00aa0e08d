import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createServiceApp } from './app';
import { createInfoRouter } from './info-router';
import { createTestServiceContext } from './testing';

describe('createInfoRouter', () => {
  it('answers /v1/info with name, version, readiness and the service details', async () => {
    const { context } = createTestServiceContext({ name: 'search' });
    const served: { details?: Record<string, unknown> } = {};
    const app = createServiceApp({ context, routes: createInfoRouter({ context, surface: 'search', details: () => served.details }) });
    const starting = await request(app).get('/v1/info').expect(200);
    expect(starting.body).toEqual({ service: 'search', version: context.version, status: 'starting' });
    context.readiness.markReady();
    served.details = { index: { tracks: 12 } };
    const ready = await request(app).get('/v1/info').expect(200);
    expect(ready.body).toEqual({ service: 'search', version: context.version, status: 'ready', index: { tracks: 12 } });
  });

  it('describes the experiments served, or an empty description for its surface', async () => {
    const { context } = createTestServiceContext({ name: 'home' });
    const none = createServiceApp({ context, routes: createInfoRouter({ context, surface: 'home' }) });
    expect((await request(none).get('/v1/experiments').expect(200)).body).toEqual({ surface: 'home', version: 'none', source: 'none', experiments: [] });
    const description = { surface: 'home', version: '3', source: 'file', experiments: [{ key: 'ranker' }] };
    const configured = createServiceApp({ context, routes: createInfoRouter({ context, surface: 'home', experiments: { describe: () => description } }) });
    expect((await request(configured).get('/v1/experiments').expect(200)).body).toEqual(description);
  });
});
