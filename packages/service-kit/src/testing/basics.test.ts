import express from 'express';
import { describe, expect, it } from 'vitest';
import { createServiceApp } from '../app';
import { checkServiceBasics, createTestServiceContext } from './index';

describe('checkServiceBasics', () => {
  it('passes a service-kit app and leaves its context ready', async () => {
    const { context } = createTestServiceContext({ name: 'basics' });
    const routes = express.Router();
    routes.get('/v1/info', (_request, response) => {
      response.json({ service: context.name, version: context.version, status: context.readiness.status().ready ? 'ready' : 'starting' });
    });
    const app = createServiceApp({ context, routes });
    await checkServiceBasics(app, context);
    expect(context.readiness.status().ready).toBe(true);
  });

  it('names the broken clause of an app that is ready before it should be', async () => {
    const { context } = createTestServiceContext({ name: 'basics' });
    const app = (_request: unknown, response: { statusCode: number; end(body: string): void }) => {
      response.statusCode = 200;
      response.end('{}');
    };
    await expect(checkServiceBasics(app as never, context)).rejects.toThrow('GET /readyz (not ready) answered 200, expected 503');
  });
});
