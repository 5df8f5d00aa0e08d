// Two service-kit "replicas" (real HTTP servers, the real middleware) sharing one Redis: the
// rate limit is one budget per client across both, answered with 429 and Retry-After.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baseConfigSchema, createLogger, createServiceApp, createServiceContext, parseConfig } from '@mixtape/service-kit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { createRedisClient, createRedisRateLimitStore } from '../src/index';
import type { RedisStateClient } from '../src/index';
import { redisServerAvailability, startLocalRedis } from '../src/testing/index';
import type { LocalRedis } from '../src/testing/index';

const availability = redisServerAvailability();
// Skipped only on a developer machine without redis-server; CI must run these (setup.sh installs it).
const skip = skipUnlessAvailable({ suite: 'rate limiting shared by two replicas', needs: 'redis-server', available: availability.available, detail: availability.available ? undefined : availability.reason, fix: 'run tooling/scripts/setup.sh' });

describe.skipIf(skip)('rate limiting shared by two replicas through Redis', () => {
  let redis: LocalRedis;
  const clients: RedisStateClient[] = [];
  const servers: Server[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    redis = await startLocalRedis();
    for (const name of ['replica-a', 'replica-b']) {
      const client = createRedisClient({ url: redis.url, keyPrefix: 'mixtape-test:', connectionName: name, commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
      clients.push(client);
      // Burst 4 and a refill of one token per 100 s: a client gets 4 requests across both replicas,
      // then 429, however slowly a loaded machine sends them (a wall-clock rate would refill).
      const config = parseConfig(baseConfigSchema, { PORT: '0', NODE_ENV: 'development', RATE_LIMIT_PER_SECOND: '0.01', RATE_LIMIT_BURST: '4' });
      const context = createServiceContext({
        name,
        version: 'test',
        config,
        logger: createLogger({ name, level: 'silent' }),
        rateLimitStore: createRedisRateLimitStore({ client }),
      });
      context.readiness.markReady();
      const routes = express.Router().get('/v1/ping', (_request, response) => void response.json({ replica: name }));
      const server = createServer(createServiceApp({ context, routes }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await Promise.all(clients.map((client) => client.close()));
    await redis?.stop();
  });

  it('the fifth request of one client is refused whichever replica it reaches', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${urls[i % 2]}/v1/ping`);
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused!.json()) as { error: { code: string } };
    expect(body.error.code).toMatch(/RATE_LIMIT/);
  });
});
