import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { ApiKeyMatch, ApiKeyScope } from './auth';
import type { ServiceLogger } from './logger';

/** What the kit knows about a request; read it with `getRequestContext(request)`. */
export interface RequestContext {
  /** The caller's `x-request-id` when well-formed, else a generated UUID; echoed in the response. */
  readonly requestId: string;
  /** A child logger that writes `requestId` on every line. */
  readonly logger: ServiceLogger;
  /** Aborts when the client goes away before the response is sent: pass it to I/O calls. */
  readonly signal: AbortSignal;
  /** API-key check result (set before routes run). */
  apiKey: ApiKeyMatch;
  /** False when no API keys are configured (protected routes are then open). */
  apiKeyAuthEnabled: boolean;
  /** Whether routes needing this scope check keys (false: no keys configured for it). */
  authRequires: (scope: ApiKeyScope) => boolean;
  /** Key id for a valid API key, else `ip:<address>`; what rate limits count against. */
  principal: string;
}

const contexts = new WeakMap<Request, RequestContext>();

/** Accept caller ids that are short and log-safe; anything else is replaced. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function resolveRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID_PATTERN.test(value) ? value : randomUUID();
}

export function setRequestContext(request: Request, context: RequestContext): void {
  contexts.set(request, context);
}

/** The kit's context of a request handled by a service app; throws if the kit middleware did not run. */
export function getRequestContext(request: Request): RequestContext {
  const context = contexts.get(request);
  if (!context) throw new Error('No request context: is this request handled by createServiceApp?');
  return context;
}

/** Shorthand for handlers: the request's logger (carries requestId). */
export function getRequestLogger(request: Request): ServiceLogger {
  return getRequestContext(request).logger;
}
