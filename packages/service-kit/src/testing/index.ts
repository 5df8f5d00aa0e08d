// Test helpers for apps and packages built on service-kit (import from "@mixtape/service-kit/testing").
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BaseConfig, EnvSource, LoadConfigOptions } from '../config';
import { baseConfigSchema, parseConfig } from '../config';
import type { ServiceContext } from '../context';
import { createServiceContext } from '../context';
import { createLogger } from '../logger';
import type { LogLevel } from '../config';

/** Log lines written to memory instead of stdout, parsed for assertions. */
export interface LogCapture {
  destination: { write(line: string): void };
  /** Every line parsed as JSON. */
  lines(): Array<Record<string, unknown>>;
  /** Raw output, to assert that something never appears. */
  text(): string;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  return {
    destination: { write: (line: string) => void chunks.push(line) },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}

export interface TestServiceContextOptions {
  name?: string;
  /** Environment for the base config; defaults apply to the rest. */
  env?: EnvSource;
  /** Use this config instead of parsing `env` (e.g. an app's own parsed config). */
  config?: BaseConfig;
  level?: LogLevel;
  now?: () => number;
  /** Mark the context ready, as a started service is once its state has loaded (default false: /readyz answers 503). */
  ready?: boolean;
}

/**
 * Test defaults over the base config: NODE_ENV=development (no keys needed; pass
 * MIXTAPE_API_KEYS to test auth) and rate limits off (pass RATE_LIMIT_* to test them), so a
 * test of a route is not a test of the limiter. Anything in `env` wins.
 */
export const TEST_SERVICE_ENV: EnvSource = {
  PORT: '0',
  NODE_ENV: 'development',
  RATE_LIMIT_PER_SECOND: '0',
  RATE_LIMIT_KEY_PER_SECOND: '0',
};

/** A ServiceContext whose logs are captured in memory (level debug by default). */
export function createTestServiceContext(options: TestServiceContextOptions = {}): {
  context: ServiceContext;
  logs: LogCapture;
} {
  const name = options.name ?? 'test-service';
  const logs = captureLogs();
  const config = options.config ?? parseConfig(baseConfigSchema, { ...TEST_SERVICE_ENV, ...options.env });
  const logger = createLogger({ name, level: options.level ?? 'debug', destination: logs.destination });
  const context = createServiceContext({ name, config, logger, ...(options.now ? { now: options.now } : {}) });
  if (options.ready) context.readiness.markReady();
  return { context, logs };
}

/** Anything `http.createServer` accepts: an Express app or a plain handler. */
type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

async function withListening<T>(app: RequestHandler, run: (base: string) => Promise<T>): Promise<T> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function expectStatus(path: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`GET ${path} answered ${actual}, expected ${expected}`);
}

/**
 * The contract every Mixtape service keeps before it has a bundle: /livez 200; /readyz 503
 * until the context is marked ready, then 200 `{status:'ready'}`; /v1/info names the service;
 * /metrics carries the request histogram (for /v1/info) and process metrics; an unknown route
 * answers 404 in the shared error shape with the caller's request id. Throws an Error naming the
 * first broken clause; marks the context ready as a side effect.
 */
export async function checkServiceBasics(app: RequestHandler, context: ServiceContext): Promise<void> {
  await withListening(app, async (base) => {
    const get = (path: string) => fetch(base + path);
    expectStatus('/livez', (await get('/livez')).status, 200);
    expectStatus('/readyz (not ready)', (await get('/readyz')).status, 503);
    const info = await get('/v1/info');
    expectStatus('/v1/info', info.status, 200);
    const body = (await info.json()) as { service?: unknown; version?: unknown; status?: unknown };
    if (body.service !== context.name || body.version !== context.version || body.status !== 'starting') {
      throw new Error(`/v1/info answered ${JSON.stringify(body)}, expected service "${context.name}", version "${context.version}", status "starting"`);
    }
    context.readiness.markReady();
    const ready = await get('/readyz');
    expectStatus('/readyz (ready)', ready.status, 200);
    const readyBody = (await ready.json()) as { status?: unknown };
    if (readyBody.status !== 'ready') throw new Error(`/readyz answered ${JSON.stringify(readyBody)}, expected status "ready"`);
    const metrics = await get('/metrics');
    expectStatus('/metrics', metrics.status, 200);
    const text = await metrics.text();
    if (!/http_request_duration_seconds_count\{[^}]*route="\/v1\/info"[^}]*\} 1/.test(text)) {
      throw new Error('/metrics has no request-duration count of 1 for route /v1/info');
    }
    if (!text.includes('process_resident_memory_bytes')) throw new Error('/metrics has no process_resident_memory_bytes');
    const unknown = await fetch(`${base}/v1/nope`, { headers: { 'x-request-id': 'basics-1' } });
    expectStatus('/v1/nope', unknown.status, 404);
    const expected = JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /v1/nope' }, requestId: 'basics-1' });
    const actual = JSON.stringify(await unknown.json());
    if (actual !== expected) throw new Error(`/v1/nope answered ${actual}, expected ${expected}`);
  });
}

/**
 * Runs an app's config loader on `env` the way a refused start goes: returns what it printed and
 * the exit codes it asked for. Throws when the loader accepts `env`.
 */
export function refusedConfig(load: (env: EnvSource, options: LoadConfigOptions) => unknown, env: EnvSource): { printed: string; exits: number[] } {
  const printed: string[] = [];
  const exits: number[] = [];
  try {
    load(env, { write: (text) => printed.push(text), exit: (code) => exits.push(code) });
  } catch {
    // the loader throws after exit(), since the injected exit returns
    return { printed: printed.join(''), exits };
  }
  throw new Error(`the config loader accepted ${JSON.stringify(env)}`);
}

export { freePort, startServiceProcess } from './process';
export type { ServiceProcess, StartServiceProcessOptions } from './process';
