import express from 'express';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { ZodType, output } from 'zod';
import { ZodError } from 'zod';
import { createApiKeyVerifier } from './auth';
import type { ServiceContext } from './context';
import type { ErrorBody, InputIssue } from './errors';
import {
  AppError,
  ForbiddenError,
  InputError,
  MethodNotAllowedError,
  NotFoundError,
  NotReadyError,
  RateLimitedError,
  UnauthorizedError,
  inputErrorFromZod,
  toAppError,
} from './errors';
import type { ApiKeyScope } from './auth';
import type { RateLimitRule } from './rate-limit';
import type { Readiness } from './readiness';
import { redactUrl } from './redact';
import { decimalQueryIssues } from './query-numbers';
import { getRequestContext, resolveRequestId, setRequestContext } from './request-context';
import type { RequestContext } from './request-context';

export interface ServiceAppOptions {
  context: ServiceContext;
  /** The app's routers, mounted at `/` after health, security, auth and body parsing. */
  routes?: Router | readonly Router[];
  /**
   * Translate domain errors (which carry stable codes but no HTTP status, e.g. a
   * `BundleNotFoundError`) into AppErrors; return undefined to fall back to the default
   * mapping (unknown errors are 500 INTERNAL).
   */
  mapError?: (error: unknown) => AppError | undefined;
}

const HEALTH_PATHS = new Set(['/livez', '/readyz', '/metrics']);

/**
 * An Express app with everything a Mixtape service shares: request ids and JSON request logs,
 * security headers, CORS (off unless configured), `/livez`, `/readyz`, `/metrics`, API-key
 * resolution and per-key/IP rate limiting, a JSON body limit, the app's routes, a 404 for
 * unknown routes and the one error middleware. It does not listen; `createService` does.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const { context } = options;
  const { config } = context;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);

  // No ETag: every answer is Cache-Control: no-store, so no client keeps one to revalidate, and
  // express would hash (sha1) every body to make it — a measurable part of a small request's CPU.
  app.set('etag', false);
  app.use(requestContextMiddleware(context));
  if (config.CORS_ORIGINS.length > 0) app.use(corsMiddleware(config.CORS_ORIGINS));
  const health = healthRouter(context);
  app.use(health);
  app.use(principalAndRateLimit(context));
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  const routers = options.routes === undefined ? [] : Array.isArray(options.routes) ? options.routes : [options.routes];
  for (const router of routers) app.use(router as Router);
  app.use((request: Request) => {
    // A known path with another method is 405 with Allow, not 404: the client has the method wrong.
    const allow = allowedMethods([health, ...routers], request.path);
    if (allow.length > 0) throw new MethodNotAllowedError(request.method, request.path, allow);
    throw new NotFoundError(`No route for ${request.method} ${request.path}`, { code: 'ROUTE_NOT_FOUND' });
  });
  app.use(errorMiddleware(context, options.mapError));
  return app;
}

/** Routes need no scope check until principalAndRateLimit has read the keys. */
const ALWAYS_REQUIRED = () => true;

/**
 * A request's kit context. The child logger and the AbortSignal are made when first read: most
 * requests never log (LOG_LEVEL=warn) and never pass the signal to I/O, and both cost more than
 * the rest of the middleware (a pino child; an AbortController whose signal Node builds lazily).
 */
class KitRequestContext implements RequestContext {
  apiKey: RequestContext['apiKey'] = { presented: false, valid: false };
  apiKeyAuthEnabled = true;
  authRequires: RequestContext['authRequires'] = ALWAYS_REQUIRED;
  principal = '';
  private child: ServiceContext['logger'] | undefined;
  private controller: AbortController | undefined;
  /** the client went away before the response was sent */
  private gone = false;

  constructor(
    readonly requestId: string,
    private readonly parent: ServiceContext['logger'],
  ) {}

  get logger(): ServiceContext['logger'] {
    return (this.child ??= this.parent.child({ requestId: this.requestId }));
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort(new Error('client closed the connection'));
    }
    return this.controller.signal;
  }

  clientGone(): void {
    this.gone = true;
    this.controller?.abort(new Error('client closed the connection'));
  }

  /** whether a line at `level` would be written (the child's level once it exists: a handler may have changed it) */
  logs(level: 'debug' | 'info' | 'warn' | 'error'): boolean {
    return (this.child ?? this.parent).isLevelEnabled(level);
  }
}

/** What the response listeners need; one shared listener pair per app, no closures per request. */
interface InFlightRequest {
  request: Request;
  started: bigint;
  context: KitRequestContext;
  recorded: boolean;
}
const IN_FLIGHT = Symbol('mixtape.inFlight');
type TrackedResponse = Response & { [IN_FLIGHT]?: InFlightRequest };

function requestContextMiddleware(context: ServiceContext): RequestHandler {
  const { metrics, readiness } = context;
  // Responses still being produced when shutdown begins also ask keep-alive clients to
  // reconnect elsewhere, so the drain does not wait on idle sockets.
  const inFlight = new Set<Response>();
  readiness.onChange((status) => {
    if (status.state !== 'stopping') return;
    for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
  });

  function record(this: TrackedResponse): void {
    const state = this[IN_FLIGHT];
    if (!state || state.recorded) return;
    state.recorded = true;
    const { request, context: requestContext } = state;
    const finished = this.writableFinished;
    if (!finished) requestContext.clientGone();
    inFlight.delete(this);
    metrics.httpRequestsInFlight.dec();
    const seconds = Number(process.hrtime.bigint() - state.started) / 1e9;
    const route = routeLabel(request, this);
    const statusCode = finished ? this.statusCode : 499;
    metrics.httpRequestDuration.observe({ method: request.method, route, status_code: String(statusCode) }, seconds);
    const level = !finished ? 'warn' : statusCode >= 500 ? 'error' : HEALTH_PATHS.has(request.path) ? 'debug' : 'info';
    // the line's fields (and the request's child logger) only when the level writes it
    if (!requestContext.logs(level)) return;
    const fields = {
      method: request.method,
      url: redactUrl(request.originalUrl),
      route,
      statusCode,
      durationMs: Math.round(seconds * 1e4) / 10,
      principal: requestContext.principal || undefined,
    };
    const logger = requestContext.logger;
    if (!finished) logger.warn(fields, 'request aborted by client');
    else if (statusCode >= 500) logger.error(fields, 'request failed');
    else if (level === 'debug') logger.debug(fields, 'request completed');
    else logger.info(fields, 'request completed');
  }

  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const requestId = resolveRequestId(request.headers['x-request-id']);
    const requestContext = new KitRequestContext(requestId, context.logger);
    setRequestContext(request, requestContext);
    response.setHeader('X-Request-Id', requestId);
    setSecurityHeaders(response);
    // While draining, tell keep-alive clients to reconnect elsewhere.
    if (readiness.isStopping()) response.setHeader('Connection', 'close');
    metrics.httpRequestsInFlight.inc();
    inFlight.add(response);
    (response as TrackedResponse)[IN_FLIGHT] = { request, started, context: requestContext, recorded: false };
    response.on('finish', record);
    response.on('close', record);
    next();
  };
}

/** The matched route pattern (bounded cardinality), never the raw path. */
function routeLabel(request: Request, response: Response): string {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${request.baseUrl}${route.path}` || '/';
  if (HEALTH_PATHS.has(request.path)) return request.path;
  return response.statusCode === 404 ? 'unmatched' : 'unrouted';
}

// Security headers on every response, set in the request middleware (one middleware layer fewer).
function setSecurityHeaders(response: Response): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
  // Responses are personal (a user's Home); shared caches must not keep them. Routes may override.
  response.setHeader('Cache-Control', 'no-store');
}

const CORS_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const CORS_HEADERS = 'Content-Type, Authorization, X-API-Key, X-Request-Id';
const CORS_EXPOSED = 'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining';

/** CORS without credentials: `*` or an exact list of origins. Unlisted origins get no CORS headers. */
function corsMiddleware(origins: readonly string[]): RequestHandler {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins.map((origin) => origin.replace(/\/$/, '')));
  return (request, response, next) => {
    const origin = request.headers.origin;
    if (!anyOrigin) response.vary('Origin');
    if (origin === undefined || (!anyOrigin && !allowed.has(origin))) return next();
    response.setHeader('Access-Control-Allow-Origin', anyOrigin ? '*' : origin);
    response.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      response.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
      response.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
      response.setHeader('Access-Control-Max-Age', '600');
      response.status(204).end();
      return;
    }
    next();
  };
}

function healthRouter(context: ServiceContext): Router {
  const router = express.Router();
  router.get('/livez', (_request, response) => {
    response.json({ status: 'ok', service: context.name, version: context.version });
  });
  router.get('/readyz', (_request, response) => {
    const status = context.readiness.status();
    const detail = context.readiness.details();
    response.status(status.ready ? 200 : 503).json({
      status: status.state,
      ...(status.reason ? { reason: status.reason } : {}),
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    });
  });
  router.get('/metrics', async (_request, response) => {
    const text = await context.metrics.render();
    response.setHeader('Content-Type', context.metrics.registry.contentType);
    response.send(text);
  });
  return router;
}

interface RouteLayer {
  route?: { _methods?: () => string[] };
  match?: (path: string) => unknown;
}

/** Methods the routers answer on `path` (HEAD with GET), in a stable order; empty when none. */
function allowedMethods(routers: readonly Router[], path: string): string[] {
  const methods = new Set<string>();
  for (const router of routers) {
    for (const layer of (router as unknown as { stack?: RouteLayer[] }).stack ?? []) {
      if (!layer.route?._methods || !layer.match) continue;
      let matched: unknown;
      try {
        matched = layer.match(path);
      } catch {
        continue; // undecodable parameter: no route claims it
      }
      if (!matched) continue;
      for (const method of layer.route._methods()) methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

function principalAndRateLimit(context: ServiceContext): RequestHandler {
  const { config } = context;
  const verifier = createApiKeyVerifier({ keys: config.MIXTAPE_API_KEYS, exportKeys: config.MIXTAPE_EXPORT_API_KEYS });
  // A valid key has its own (larger) bucket; everything else counts against the client IP,
  // so guessing keys is rate limited too.
  const keyRule: RateLimitRule = { refillPerSecond: config.RATE_LIMIT_KEY_PER_SECOND, capacity: config.RATE_LIMIT_KEY_BURST };
  const ipRule: RateLimitRule = { refillPerSecond: config.RATE_LIMIT_PER_SECOND, capacity: config.RATE_LIMIT_BURST };
  return async (request, response, next) => {
    const requestContext = getRequestContext(request);
    requestContext.apiKey = verifier.verify(request.headers);
    requestContext.principal = requestContext.apiKey.keyId ?? `ip:${request.ip ?? 'unknown'}`;
    requestContext.apiKeyAuthEnabled = verifier.enabled;
    requestContext.authRequires = verifier.requires;
    const rule = requestContext.apiKey.keyId ? keyRule : ipRule;
    if (rule.refillPerSecond <= 0) return next();
    const decision = await context.rateLimitStore.take(requestContext.principal, rule, context.now());
    response.setHeader('RateLimit-Limit', String(rule.capacity));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs / 1000);
    next();
  };
}

function requireScope(scope: ApiKeyScope): RequestHandler {
  return (request, _response, next) => {
    const { apiKey, authRequires } = getRequestContext(request);
    if (!authRequires(scope)) return next();
    if (!apiKey.valid) {
      throw new UnauthorizedError(apiKey.presented ? 'The API key is not valid' : 'A valid API key is required', {
        details: { accepted: ['Authorization: Bearer <key>', 'X-API-Key: <key>'] },
      });
    }
    if (!apiKey.scopes?.includes(scope)) {
      throw new ForbiddenError(`This API key may not ${scope === 'export' ? 'export listener data' : 'write'}; use a key from ${scope === 'export' ? 'MIXTAPE_EXPORT_API_KEYS' : 'MIXTAPE_API_KEYS'}`, {
        code: 'KEY_SCOPE_MISSING',
        details: { required: scope },
      });
    }
    next();
  };
}

/**
 * Route middleware for writes: 401 unless the request carries a key from MIXTAPE_API_KEYS.
 * Open only when no keys are configured (NODE_ENV=development or MIXTAPE_AUTH=off):
 * `router.post('/v1/events', requireApiKey, handler)`.
 */
export const requireApiKey: RequestHandler = requireScope('write');

/**
 * Route middleware for bulk exports of listener data: 401 without a key, 403 for a key that may
 * not export (a write key when MIXTAPE_EXPORT_API_KEYS is set).
 */
export const requireExportKey: RequestHandler = requireScope('export');

/** Route middleware that also hands the handler the state it was admitted with. */
export interface ReadyGate<State> extends RequestHandler {
  /** The state read when this request passed the gate (a bundle swapped in mid-request does not change it). */
  state(request: Request): State;
}

export interface ReadyGateOptions {
  /** Why requests are refused while there is no state, e.g. "No bundle is loaded yet". */
  notReadyMessage?: string;
}

/**
 * Route middleware: 503 NOT_READY (with Retry-After) until the service can serve the route.
 * - `requireReady(readiness)`: until the lifecycle marks the service ready (and again when it stops).
 * - `requireReady(() => state)`: until the getter returns something (e.g. the engine of the
 *   loaded bundle); `gate.state(request)` then gives the handler that same snapshot. Requests
 *   arriving while a stopping service drains are still served.
 */
export function requireReady(readiness: Readiness): RequestHandler;
export function requireReady<State>(current: () => State | undefined, options?: ReadyGateOptions): ReadyGate<State>;
export function requireReady<State>(source: Readiness | (() => State | undefined), options: ReadyGateOptions = {}): RequestHandler | ReadyGate<State> {
  if (typeof source !== 'function') {
    return (_request, _response, next) => {
      const status = source.status();
      if (status.ready) return next();
      throw new NotReadyError(`The service is not ready: ${status.reason ?? status.state}`);
    };
  }
  const admitted = new WeakMap<Request, State>();
  const gate = ((request: Request, _response: Response, next: NextFunction) => {
    const state = source();
    if (state === undefined) throw new NotReadyError(`${options.notReadyMessage ?? 'The service is not ready'}; retry shortly`);
    admitted.set(request, state);
    next();
  }) as ReadyGate<State>;
  gate.state = (request) => {
    if (!admitted.has(request)) throw new Error('requireReady: this route does not pass through the gate it reads state from');
    return admitted.get(request) as State;
  };
  return gate;
}

/**
 * Parse request input with a zod schema; on failure throw an InputError (400) whose details
 * list every issue with its path, prefixed by where the input came from (`body.limit`).
 */
export function parseInput<Schema extends ZodType>(schema: Schema, value: unknown, where = 'body'): output<Schema> {
  // numbers in a query string are decimal digits: "0x10", "1e1", "+5", " 5" are refused, not read as 16, 10, 5
  const notDecimal = where === 'query' ? decimalQueryIssues(schema, value, where) : [];
  const result = schema.safeParse(value);
  if (notDecimal.length > 0) {
    // with the schema's own issues about the other parameters, so one answer lists every problem
    const others = result.success ? [] : ((inputErrorFromZod(result.error, where, value).details as { issues: InputIssue[] }).issues ?? []).filter((issue) => !notDecimal.some((bad) => bad.path === issue.path));
    const issues = [...notDecimal, ...others];
    throw new InputError(`Invalid ${where}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { details: { issues } });
  }
  if (result.success) return result.data;
  if (value === undefined && where === 'body') {
    // express.json leaves the body undefined when the request has none or is not JSON.
    throw new InputError('Expected a JSON request body (Content-Type: application/json)', {
      code: 'BODY_REQUIRED',
      cause: result.error,
    });
  }
  // A repeated query parameter ("?q=a&q=b") arrives as an array: say so, not "expected string"
  // (or a schema's "is required" message)
  if (where === 'query' && value !== null && typeof value === 'object') {
    const failed = new Set(result.error.issues.map((issue) => String(issue.path[0])));
    // An empty parameter ("?limit=", as a form sends an unset field) is an absent one: its default
    // applies (a number schema coerced it to 0 and said "Too small: expected number to be >=1")
    const sent = Object.entries(value as Record<string, unknown>);
    if (sent.some(([name, one]) => one === '' && failed.has(name))) {
      const retried = schema.safeParse(Object.fromEntries(sent.filter(([name, one]) => !(one === '' && failed.has(name)))));
      if (retried.success) return retried.data;
    }
    const repeated = Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && failed.has(entry[0]));
    if (repeated.length > 0) {
      const issues = repeated.map(([name, values]) => ({ path: `query.${name}`, message: `given ${values.length} times (${values.map((one) => JSON.stringify(one)).join(', ')}); send it once` }));
      throw new InputError(`Invalid query: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { details: { issues }, cause: result.error });
    }
  }
  throw inputErrorFromZod(result.error, where, value);
}

function errorMiddleware(
  context: ServiceContext,
  mapError: ServiceAppOptions['mapError'],
): ErrorRequestHandler {
  return (error: unknown, request: Request, response: Response, next: NextFunction) => {
    const appError = (error instanceof AppError ? undefined : mapError?.(error)) ?? toAppError(error);
    const requestContext = getRequestContextOrUndefined(request);
    const requestId = requestContext?.requestId ?? resolveRequestId(undefined);
    const logger = requestContext?.logger ?? context.logger;
    logError(logger, appError, error);
    if (response.headersSent) {
      // The response is half written; let Express close the connection.
      next(error);
      return;
    }
    setErrorHeaders(response, appError);
    const body: ErrorBody = {
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details === undefined ? {} : { details: appError.details }),
      },
      requestId,
    };
    response.status(appError.status).json(body);
  };
}

function getRequestContextOrUndefined(request: Request) {
  try {
    return getRequestContext(request);
  } catch {
    return undefined;
  }
}

function logError(logger: ServiceContext['logger'], appError: AppError, original: unknown): void {
  if (appError.status >= 500) {
    logger.error({ err: original instanceof Error ? original : appError, code: appError.code }, appError.message);
  } else {
    const fields: Record<string, unknown> = { code: appError.code, status: appError.status };
    if (original instanceof ZodError || appError.details !== undefined) fields.details = appError.details;
    logger.info(fields, `client error: ${appError.message}`);
  }
}

function setErrorHeaders(response: Response, error: AppError): void {
  if (error instanceof RateLimitedError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
  else if (error.retryable && error.status >= 500) response.setHeader('Retry-After', '1');
  if (error instanceof UnauthorizedError) response.setHeader('WWW-Authenticate', 'Bearer realm="mixtape"');
  if (error instanceof MethodNotAllowedError) response.setHeader('Allow', error.allow.join(', '));
}
