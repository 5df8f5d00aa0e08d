import { checkServiceBasics, createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from './app';

function setup() {
  const { context, logs } = createTestServiceContext({ name: 'home' });
  return { app: createApp({ context, serving: () => undefined }), context, logs };
}

describe('home createApp', () => {
  it('keeps the service basics: /livez, /readyz 503 then 200, /v1/info, /metrics, 404 shape', async () => {
    const { app, context } = setup();
    await checkServiceBasics(app, context);
  });

  it('answers /v1 routes with 503 NOT_READY while no bundle is loaded', async () => {
    const { app, context } = setup();
    context.readiness.markReady();
    const response = await request(app).get('/v1/users/u1/home').expect(503);
    expect(response.body.error.code).toBe('NOT_READY');
    await request(app).post('/v1/events').send({ events: [{ userId: 'u1', trackId: 't', type: 'play' }] }).expect(503);
  });

});
