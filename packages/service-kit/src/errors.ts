import { ZodError } from 'zod';

export interface AppErrorOptions {
  /** A more specific stable code than the class default, e.g. `TRACK_NOT_FOUND`. UPPER_SNAKE. */
  code?: string;
  /** JSON-safe data a client can act on (which field, what was expected). Sent in the response. */
  details?: unknown;
  /** The underlying error; logged, never sent to the client. */
  cause?: unknown;
}

const CODE_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * Base of the error tree. Each subclass fixes an HTTP status and a default stable code; the
 * error middleware turns any AppError into `{ error: { code, message, details? }, requestId }`.
 * The message is sent to clients, so it must be safe and actionable.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  /** Whether the same request may succeed if retried later. */
  readonly retryable: boolean = false;

  protected constructor(defaultCode: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const code = options.code ?? defaultCode;
    if (!CODE_PATTERN.test(code)) throw new TypeError(`AppError code must be UPPER_SNAKE, got "${code}"`);
    this.name = new.target.name;
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }
}

/**
 * The class for one HTTP status: fixes the status, the default code and, where a request
 * carries no better words, the default message. Subclasses below only name the class.
 */
function statusErrorClass(status: number, defaultCode: string, defaults: { message?: string; retryable?: boolean } = {}) {
  return class extends AppError {
    readonly status = status;
    override readonly retryable = defaults.retryable ?? false;
    constructor(message = defaults.message ?? defaultCode, options?: AppErrorOptions) {
      super(defaultCode, message, options);
    }
  };
}

export class InputError extends statusErrorClass(400, 'INVALID_INPUT') {}
export class UnauthorizedError extends statusErrorClass(401, 'UNAUTHORIZED', { message: 'A valid API key is required' }) {}
export class ForbiddenError extends statusErrorClass(403, 'FORBIDDEN') {}
export class NotFoundError extends statusErrorClass(404, 'NOT_FOUND') {}
export class ConflictError extends statusErrorClass(409, 'CONFLICT') {}
export class PayloadTooLargeError extends statusErrorClass(413, 'PAYLOAD_TOO_LARGE') {}
export class UnsupportedMediaTypeError extends statusErrorClass(415, 'UNSUPPORTED_MEDIA_TYPE') {}
export class InternalError extends statusErrorClass(500, 'INTERNAL', { message: 'Internal server error' }) {}
export class NotReadyError extends statusErrorClass(503, 'NOT_READY', { message: 'The service is not ready', retryable: true }) {}
export class TimeoutError extends statusErrorClass(504, 'TIMEOUT', { retryable: true }) {}

/** The path exists but not with this method; `allow` becomes the `Allow` header. */
export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[], options?: AppErrorOptions) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; allowed: ${allow.join(', ')}`, { details: { allow }, ...options });
    this.allow = allow;
  }
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  override readonly retryable = true;
  /** Seconds until a retry can succeed; sent as `Retry-After`. */
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = 'Too many requests', options?: AppErrorOptions) {
    super('RATE_LIMITED', message, options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

export class UpstreamError extends AppError {
  readonly status = 502;
  override readonly retryable: boolean;
  constructor(message: string, options: AppErrorOptions & { retryable?: boolean } = {}) {
    super('UPSTREAM_FAILED', message, options);
    this.retryable = options.retryable ?? false;
  }
}

/** A 4xx raised by Express or a body parser that has no class of its own (code `HTTP_<status>`). */
class ClientHttpError extends AppError {
  readonly status: number;
  constructor(status: number, message: string, options?: AppErrorOptions) {
    super(status === 400 ? 'INVALID_INPUT' : `HTTP_${status}`, message, options);
    this.status = status;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

/** One zod issue as sent to clients: where (dotted path) and what was expected. */
export interface InputIssue {
  path: string;
  message: string;
}

export function zodIssuesToInputIssues(error: ZodError, pathPrefix?: string): InputIssue[] {
  return error.issues.map((issue) => {
    const path = [pathPrefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.');
    return { path: path || '(root)', message: issue.message };
  });
}

const GENERIC_ISSUE_CODES = new Set<string>(['invalid_type', 'too_small', 'too_big', 'invalid_value', 'invalid_format', 'not_multiple_of']);

/**
 * The value a client sent at an issue's path, quoted, when it is short and plain (a number,
 * boolean or a string up to 40 characters): "query.limit: expected number, got "abc"" says what
 * to change where zod alone says "received NaN". Undefined otherwise.
 */
function sentValue(input: unknown, path: readonly PropertyKey[]): string | undefined {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && value.length <= 40) return JSON.stringify(value);
  return undefined;
}

/**
 * Wraps a ZodError from parsing request input into an InputError listing every issue; with the
 * `input` that was parsed, each issue also says what was sent (`got "abc"`).
 */
export function inputErrorFromZod(error: ZodError, where?: string, input?: unknown): InputError {
  const issues = zodIssuesToInputIssues(error, where);
  if (input !== undefined) {
    error.issues.forEach((issue, i) => {
      // zod's own wording only: a custom refinement's message already says what it needs
      if (!GENERIC_ISSUE_CODES.has(issue.code)) return;
      const sent = sentValue(input, issue.path);
      const message = issues[i]!.message;
      if (sent === undefined || /\bgot\b/.test(message)) return;
      // zod's "received NaN" / "received number" names the parsed type, not what was sent
      issues[i]!.message = /, received \w+$/.test(message) ? message.replace(/, received \w+$/, `, got ${sent}`) : `${message}, got ${sent}`;
    });
  }
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new InputError(`Invalid ${where ?? 'input'}: ${summary}${more}`, { details: { issues }, cause: error });
}

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  message: string;
  limit?: unknown;
  length?: unknown;
}

/**
 * Any thrown value → AppError. Zod errors become 400 with their issues; body-parser errors
 * (malformed JSON, too large, bad encoding) keep their meaning; AbortSignal timeouts become 504;
 * everything else is a 500 whose message hides the original (it is kept as `cause` for logs).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return inputErrorFromZod(error);
  if (error instanceof Error) {
    const httpError = error as Error & HttpErrorLike;
    switch (httpError.type) {
      case 'entity.parse.failed':
        return new InputError(`Malformed JSON body: ${httpError.message}`, { code: 'MALFORMED_JSON', cause: error });
      case 'entity.too.large':
        return new PayloadTooLargeError(`Request body is larger than the limit of ${String(httpError.limit)} bytes`, {
          details: { limit: httpError.limit, length: httpError.length },
          cause: error,
        });
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new UnsupportedMediaTypeError(httpError.message, { cause: error });
      case 'request.aborted':
        return new InputError('Request aborted by the client', { code: 'REQUEST_ABORTED', cause: error });
    }
    if (error.name === 'TimeoutError') return new TimeoutError('The operation timed out', { cause: error });
    // Express's router throws URIError (status 400) for a path that is not valid percent-encoded UTF-8.
    if (error instanceof URIError) return new InputError(`Malformed URL: ${error.message}`, { code: 'MALFORMED_URL', cause: error });
    const status = Number(httpError.status ?? httpError.statusCode);
    if (httpError.expose === true && status >= 400 && status < 500) {
      return new ClientHttpError(status, httpError.message, { cause: error });
    }
  }
  return new InternalError('Internal server error', { cause: error });
}

/** How one domain error code is answered: a status, or a status plus the code sent on the wire. */
export type ErrorCodeMapping = AppErrorStatus | { status: AppErrorStatus; code: string };

/** The statuses a domain code may map to (each has its AppError class). */
export type AppErrorStatus = 400 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

interface CodedError extends Error {
  code: string;
  details?: unknown;
}

function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * An app's `mapError` from a table of domain codes (ADR 0002): domain packages throw errors with
 * a stable `code` and no HTTP status; the app says once which status each code means.
 * `mapErrorCodes({ UNKNOWN_TRACK: 404, STATE_UNAVAILABLE: 503 })`. The message, `details` and
 * the error itself (as `cause`) are kept; the wire code is the domain code unless the entry
 * names another (to keep a code that already shipped). Errors whose code is not in the table
 * return undefined (→ 500 INTERNAL).
 */
export function mapErrorCodes(table: Readonly<Record<string, ErrorCodeMapping>>): (error: unknown) => AppError | undefined {
  for (const [code, entry] of Object.entries(table)) {
    const status = typeof entry === 'number' ? entry : entry.status;
    if (!(status in ERROR_CLASSES)) throw new TypeError(`mapErrorCodes: ${code} maps to ${status}, which has no AppError class`);
  }
  return (error) => {
    if (!isCodedError(error) || !Object.hasOwn(table, error.code)) return undefined;
    const entry = table[error.code]!;
    const status = typeof entry === 'number' ? entry : entry.status;
    const code = typeof entry === 'number' ? error.code : entry.code;
    const options: AppErrorOptions = { code, cause: error, ...(error.details === undefined ? {} : { details: error.details }) };
    return ERROR_CLASSES[status](error.message, options);
  };
}

const ERROR_CLASSES: Record<AppErrorStatus, (message: string, options: AppErrorOptions) => AppError> = {
  400: (message, options) => new InputError(message, options),
  403: (message, options) => new ForbiddenError(message, options),
  404: (message, options) => new NotFoundError(message, options),
  409: (message, options) => new ConflictError(message, options),
  413: (message, options) => new PayloadTooLargeError(message, options),
  415: (message, options) => new UnsupportedMediaTypeError(message, options),
  429: (message, options) => new RateLimitedError(1, message, options),
  // A 500 never shows the domain message: it may hold internals (paths, hosts).
  500: (_message, options) => new InternalError('Internal server error', { code: options.code, cause: options.cause }),
  502: (message, options) => new UpstreamError(message, options),
  503: (message, options) => new NotReadyError(message, options),
  504: (message, options) => new TimeoutError(message, options),
};
