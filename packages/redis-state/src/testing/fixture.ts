// One local redis-server per test file plus the clients a test opens, all closed together:
// the set-up every Redis integration test would otherwise write again.
import { createRedisClient, type RedisStateClient } from '../client';
import { startLocalRedis, type LocalRedis } from './redis-server';

export interface LocalRedisFixture {
  /** For beforeAll. */
  start(): Promise<void>;
  /** For afterAll: closes every client, then the server. */
  stop(): Promise<void>;
  readonly server: LocalRedis;
  /** A client with generous timeouts (tests share busy cores; the 500 ms default is for production). */
  client(keyPrefix?: string): RedisStateClient;
  /** `client()` once it is connected. */
  connected(keyPrefix?: string): Promise<RedisStateClient>;
  /** Closes a client the test made itself (other server, other timeouts) in `stop()`. */
  adopt(client: RedisStateClient): RedisStateClient;
}

export function localRedisFixture(defaultPrefix = 'test:'): LocalRedisFixture {
  let server: LocalRedis | undefined;
  const clients: RedisStateClient[] = [];
  const running = (): LocalRedis => {
    if (!server) throw new Error('localRedisFixture: call start() (in beforeAll) before using the server');
    return server;
  };
  const client = (keyPrefix = defaultPrefix): RedisStateClient => {
    const created = createRedisClient({ url: running().url, keyPrefix, commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
    clients.push(created);
    return created;
  };
  return {
    async start() {
      server = await startLocalRedis();
    },
    async stop() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await server?.stop();
    },
    get server() {
      return running();
    },
    client,
    async connected(keyPrefix) {
      const created = client(keyPrefix);
      await created.ready();
      return created;
    },
    adopt(created) {
      clients.push(created);
      return created;
    },
  };
}
