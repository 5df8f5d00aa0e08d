import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isAuthEnabled, isDevelopment } from './config';
import type { ServiceContext } from './context';
import type { ErrorBody } from './errors';
import type { ServiceLogger } from './logger';

/** A named step run at startup (in order) or shutdown (in reverse order). */
export interface LifecycleHook {
  name: string;
  /** The signal aborts when shutdown begins (startup hooks) so long loads stop early. */
  run(signal: AbortSignal): Promise<void> | void;
}

/** Where signals come from; `process` by default, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface CreateServiceOptions {
  context: ServiceContext;
  /** The request handler, usually the app's `createApp(deps)`. */
  app: RequestListener;
  /** Run after the server listens, in order; `/readyz` turns 200 when all have finished. */
  startup?: readonly LifecycleHook[];
  /** Run after the server has closed, in reverse order (last registered, first closed). */
  shutdown?: readonly LifecycleHook[];
  /** Signals that start a graceful shutdown; default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  signalSource?: SignalSource;
  /** How the process ends; default `process.exit`. */
  exit?: (code: number) => void;
}

export interface ServiceAddress {
  port: number;
  url: string;
}

export interface Service {
  readonly server: Server;
  /** Listen, then run the startup hooks; resolves once ready. A failing hook shuts down with exit 1. */
  start(): Promise<ServiceAddress>;
  /**
   * Graceful shutdown: not ready → optional drain delay → stop accepting and wait for in-flight
   * requests → shutdown hooks in reverse → exit. Past SHUTDOWN_TIMEOUT_MS it exits 1.
   * Resolves with the exit code (after calling `exit`). Calling it again returns the same promise.
   */
  stop(reason?: string, exitCode?: number): Promise<number>;
  /** Register cleanup discovered at runtime (e.g. a watcher a startup hook created). */
  addShutdownHook(hook: LifecycleHook): void;
}

export function createService(options: CreateServiceOptions): Service {
  const { context } = options;
  const { config, logger, readiness, metrics } = context;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const signalSource: SignalSource = options.signalSource ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const shutdownHooks = [...(options.shutdown ?? [])];
  const startupAbort = new AbortController();

  // Node requires headersTimeout <= requestTimeout when the latter is set.
  const server = createServer(
    {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: config.REQUEST_TIMEOUT_MS > 0 ? Math.min(60_000, config.REQUEST_TIMEOUT_MS) : 60_000,
      keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    },
    options.app,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, logger));

  let stopping: Promise<number> | undefined;
  let listening = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      finishProcess(1);
      return;
    }
    void stop(`received ${signal}`);
  };

  let exited = false;
  function finishProcess(code: number) {
    if (exited) return;
    exited = true;
    for (const signal of signals) signalSource.off(signal, onSignal);
    exit(code);
  }

  async function start(): Promise<ServiceAddress> {
    for (const signal of signals) signalSource.on(signal, onSignal);
    const started = performance.now();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      // EADDRINUSE, EACCES…: nothing to drain, so no graceful shutdown; say why and exit 1.
      logger.fatal({ err: error, port: config.PORT, host: config.HOST }, `${context.name} could not listen`);
      readiness.markStopping('could not listen');
      finishProcess(1);
      throw error;
    }
    listening = true;
    const address = server.address() as AddressInfo;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    const result = { port: address.port, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` };
    logger.info({ port: result.port, url: result.url, version: context.version }, `${context.name} listening`);
    if (!isAuthEnabled(config)) {
      const why = isDevelopment(config) ? 'NODE_ENV=development and no MIXTAPE_API_KEYS' : 'MIXTAPE_AUTH=off';
      logger.warn({ auth: 'off' }, `API-key auth is off (${why}): writes and exports are open to anyone who reaches ${result.url}`);
    }

    for (const hook of options.startup ?? []) {
      if (stopping) break;
      const hookStarted = performance.now();
      logger.info({ hook: hook.name }, 'startup hook started');
      try {
        await hook.run(startupAbort.signal);
      } catch (error) {
        if (stopping) break; // aborted by shutdown: not a failure
        logger.error({ err: error, hook: hook.name }, 'startup hook failed: shutting down');
        await stop(`startup hook "${hook.name}" failed`, 1);
        throw error;
      }
      const seconds = (performance.now() - hookStarted) / 1000;
      metrics.startupHookDuration.set({ hook: hook.name }, seconds);
      logger.info({ hook: hook.name, durationMs: Math.round(seconds * 1000) }, 'startup hook finished');
    }
    if (!stopping) {
      readiness.markReady();
      logger.info({ startupMs: Math.round(performance.now() - started) }, `${context.name} ready`);
    }
    return result;
  }

  function stop(reason = 'stop requested', exitCode = 0): Promise<number> {
    stopping ??= runShutdown(reason, exitCode);
    return stopping;
  }

  async function runShutdown(reason: string, requestedExitCode: number): Promise<number> {
    readiness.markStopping(reason);
    startupAbort.abort(new Error(`shutting down: ${reason}`));
    logger.info(
      { reason, inFlight: (await metrics.httpRequestsInFlight.get()).values[0]?.value ?? 0 },
      'shutdown started: not ready',
    );

    let timedOut = false;
    const graceful = (async () => {
      let exitCode = requestedExitCode;
      if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) {
        logger.info({ delayMs: config.SHUTDOWN_DRAIN_DELAY_MS }, 'waiting for load balancers to stop routing here');
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_DELAY_MS));
      }
      if (listening) await closeServer();
      logger.info('server closed: in-flight requests drained');
      for (const hook of [...shutdownHooks].reverse()) {
        if (timedOut) break;
        try {
          await hook.run(AbortSignal.timeout(Math.max(1, config.SHUTDOWN_TIMEOUT_MS)));
          logger.info({ hook: hook.name }, 'shutdown hook finished');
        } catch (error) {
          exitCode = 1;
          logger.error({ err: error, hook: hook.name }, 'shutdown hook failed');
        }
      }
      return exitCode;
    })();

    const hardTimeout = new Promise<number>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: closing connections, exit 1');
        server.closeAllConnections();
        resolve(1);
      }, config.SHUTDOWN_TIMEOUT_MS);
      graceful.finally(() => clearTimeout(timer)).catch(() => undefined);
    });

    const exitCode = await Promise.race([graceful, hardTimeout]);
    logger.info({ exitCode }, exitCode === 0 ? 'shutdown complete' : 'shutdown finished with errors');
    finishProcess(exitCode);
    return exitCode;
  }

  function closeServer(): Promise<void> {
    return new Promise((resolve) => {
      // Keep-alive connections become idle as their last response finishes; close them as
      // they do, instead of waiting for the keep-alive timeout.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearInterval(sweeper);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  return {
    server,
    start,
    stop,
    addShutdownHook(hook) {
      shutdownHooks.push(hook);
    },
  };
}

/** What Node's parser rejected, as the status and stable code the JSON error body carries. */
function clientErrorStatus(error: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are larger than the server accepts (16 KB)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received completely in time' };
    default:
      return { status: 400, code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP/1.1' };
  }
}

/**
 * Node's own rejections (malformed request line or headers, headers over the limit, a request
 * too slow to arrive) happen before Express sees the request; without this handler they are
 * bare `400 Bad Request` with no body. Answer with the same JSON error shape as every other error.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, logger: ServiceLogger): void {
  // A response already under way on this socket cannot be followed by another (Node's default does the same).
  const responding = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || responding) {
    socket.destroy();
    return;
  }
  const { status, code, message } = clientErrorStatus(error);
  const requestId = randomUUID();
  logger.info({ code, status, parserError: error.code, requestId }, `client error: ${message}`);
  const body: ErrorBody = { error: { code, message }, requestId };
  const payload = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      'Cache-Control: no-store\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      payload,
  );
}
