import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp } from './app';
import type { EnvSource } from './config';
import { getRequestContext } from './request-context';
import type { LifecycleHook, Service } from './service';
import { createService } from './service';
import { createTestServiceContext } from './testing';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const running: Service[] = [];
afterEach(async () => {
  for (const service of running.splice(0)) {
    service.server.closeAllConnections();
    service.server.close();
  }
});

function setup(
  options: { env?: EnvSource; startup?: LifecycleHook[]; shutdown?: LifecycleHook[]; slow?: Deferred } = {},
) {
  const { context, logs } = createTestServiceContext({
    name: 'svc',
    env: { HOST: '127.0.0.1', PORT: '0', ...options.env },
  });
  const router = express.Router();
  const slowStarted = deferred();
  router.get('/slow', async (_request, response) => {
    slowStarted.resolve();
    await options.slow?.promise;
    response.json({ finished: true });
  });
  const app = createServiceApp({ context, routes: router });
  const signals = new EventEmitter();
  const exits: number[] = [];
  const exited = deferred();
  const service = createService({
    context,
    app,
    startup: options.startup ?? [],
    shutdown: options.shutdown ?? [],
    signalSource: signals,
    exit: (code) => {
      exits.push(code);
      exited.resolve();
    },
  });
  running.push(service);
  return { service, context, logs, signals, exits, exited, slowStarted };
}

describe('createService', () => {
  it('listens, runs startup hooks in order, then turns ready', async () => {
    const order: string[] = [];
    const gate = deferred();
    const { service, context } = setup({
      startup: [
        { name: 'load bundle', run: async () => { order.push('load bundle'); await gate.promise; } },
        { name: 'build index', run: () => void order.push('build index') },
      ],
    });
    const starting = service.start();
    // While the first hook runs the server already answers: live, not ready.
    await new Promise<void>((resolve) => service.server.once('listening', () => resolve()));
    const { port } = service.server.address() as { port: number };
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    gate.resolve();
    const address = await starting;
    expect(address.url).toBe(`http://127.0.0.1:${port}`);
    expect(order).toEqual(['load bundle', 'build index']);
    expect((await fetch(`${address.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${address.url}/metrics`)).text();
    expect(metrics).toMatch(/service_startup_hook_duration_seconds\{[^}]*hook="load bundle"[^}]*\}/);
    expect(context.readiness.isReady()).toBe(true);
  });

  it('on SIGTERM: not ready, drains the in-flight request, closes, runs shutdown hooks in reverse, exits 0', async () => {
    const order: string[] = [];
    const slow = deferred();
    const { service, context, signals, exits, exited, slowStarted } = setup({
      slow,
      shutdown: [
        { name: 'close store', run: () => void order.push('close store') },
        { name: 'stop watcher', run: () => void order.push('stop watcher') },
      ],
    });
    service.addShutdownHook({ name: 'flush feedback', run: () => void order.push('flush feedback') });
    const { url } = await service.start();
    const inFlight = fetch(`${url}/slow`);
    await slowStarted.promise;

    signals.emit('SIGTERM', 'SIGTERM');
    expect(context.readiness.status()).toMatchObject({ state: 'stopping', reason: 'received SIGTERM' });
    // Still draining: nothing has exited and no hook has run while the request is open.
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);
    expect(order).toEqual([]);

    slow.resolve();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(response.headers.get('connection')).toBe('close');
    await exited.promise;
    expect(exits).toEqual([0]);
    expect(order).toEqual(['flush feedback', 'stop watcher', 'close store']);
    expect(service.server.listening).toBe(false);
  });

  it('aborts the request signal when the client disconnects', async () => {
    const { context } = createTestServiceContext({ name: 'svc', env: { HOST: '127.0.0.1', PORT: '0' } });
    const aborted = deferred();
    const started = deferred();
    const router = express.Router();
    router.get('/wait', (request) => {
      getRequestContext(request).signal.addEventListener('abort', () => aborted.resolve());
      started.resolve();
    });
    const service = createService({
      context,
      app: createServiceApp({ context, routes: router }),
      signalSource: new EventEmitter(),
      exit: () => undefined,
    });
    running.push(service);
    const { url } = await service.start();
    const client = new AbortController();
    const pending = fetch(`${url}/wait`, { signal: client.signal }).catch(() => 'cancelled');
    await started.promise;
    client.abort();
    await aborted.promise;
    expect(await pending).toBe('cancelled');
  });

  it('hands a handler that reads the signal only after the client left an aborted one (the signal is made on first read)', async () => {
    const { context } = createTestServiceContext({ name: 'svc', env: { HOST: '127.0.0.1', PORT: '0' } });
    const started = deferred();
    const gone = deferred();
    let resolveSeen: (value: { aborted: boolean; reason: unknown }) => void = () => undefined;
    const seen = new Promise<{ aborted: boolean; reason: unknown }>((resolve) => (resolveSeen = resolve));
    const router = express.Router();
    router.get('/late', (request, response) => {
      response.on('close', () => gone.resolve());
      started.resolve();
      void gone.promise.then(() => {
        const { signal } = getRequestContext(request);
        resolveSeen({ aborted: signal.aborted, reason: signal.reason });
      });
    });
    const service = createService({ context, app: createServiceApp({ context, routes: router }), signalSource: new EventEmitter(), exit: () => undefined });
    running.push(service);
    const { url } = await service.start();
    const client = new AbortController();
    const pending = fetch(`${url}/late`, { signal: client.signal }).catch(() => 'cancelled');
    await started.promise;
    client.abort();
    const late = await seen;
    expect(late.aborted).toBe(true);
    expect(String(late.reason)).toContain('client closed the connection');
    expect(await pending).toBe('cancelled');
  });

  it('exits 1 when shutdown exceeds SHUTDOWN_TIMEOUT_MS', async () => {
    const { service, signals, exits, exited, logs } = setup({
      env: { SHUTDOWN_TIMEOUT_MS: '100' },
      shutdown: [{ name: 'stuck', run: () => new Promise<void>(() => undefined) }],
    });
    await service.start();
    signals.emit('SIGINT', 'SIGINT');
    await exited.promise;
    expect(exits).toEqual([1]);
    expect(logs.lines().some((line) => line.msg === 'shutdown timed out: closing connections, exit 1')).toBe(true);
  });

  it('exits 1 at once on a second signal', async () => {
    const { service, signals, exits } = setup({
      shutdown: [{ name: 'stuck', run: () => new Promise<void>(() => undefined) }],
    });
    await service.start();
    signals.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
  });

  it('shuts down with exit 1 when a startup hook fails, and start() rejects', async () => {
    const order: string[] = [];
    const { service, exits, context } = setup({
      startup: [{ name: 'load bundle', run: () => Promise.reject(new Error('checksum mismatch')) }],
      shutdown: [{ name: 'cleanup', run: () => void order.push('cleanup') }],
    });
    await expect(service.start()).rejects.toThrow('checksum mismatch');
    expect(exits).toEqual([1]);
    expect(order).toEqual(['cleanup']);
    expect(context.readiness.isReady()).toBe(false);
  });

  it('aborts a running startup hook when shutdown begins, without counting it as a failure', async () => {
    const { service, signals, exits, exited } = setup({
      startup: [
        {
          name: 'slow load',
          run: (signal) =>
            new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
        },
      ],
    });
    const starting = service.start();
    await new Promise<void>((resolve) => service.server.once('listening', () => resolve()));
    signals.emit('SIGTERM', 'SIGTERM');
    await starting;
    await exited.promise;
    expect(exits).toEqual([0]);
  });

  it('reports a port already in use', async () => {
    const first = setup();
    const { port } = await first.service.start();
    const second = setup({ env: { PORT: String(port) } });
    await expect(second.service.start()).rejects.toThrow(/EADDRINUSE/);
    expect(second.exits).toEqual([1]);
    expect(second.logs.lines().find((line) => line.level === 'fatal')).toMatchObject({ msg: 'svc could not listen' });
  });
});

/** Sends raw bytes and resolves with everything the server wrote back before closing. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

function parseRaw(answer: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) as Record<string, unknown> };
}

describe("Node's own client errors", () => {
  it('answers a malformed request line with 400 and the JSON error shape (was an empty body)', async () => {
    const { service } = setup();
    const { port } = await service.start();
    const answer = parseRaw(await rawRequest(port, 'GARBAGE\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    expect(answer.body).toEqual({ error: { code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP/1.1' }, requestId: expect.any(String) });
  });

  it('answers headers over the limit with 431 and the JSON error shape', async () => {
    const { service } = setup();
    const { port } = await service.start();
    const answer = parseRaw(await rawRequest(port, `GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect((answer.body.error as { code: string }).code).toBe('HEADERS_TOO_LARGE');
  });
});
