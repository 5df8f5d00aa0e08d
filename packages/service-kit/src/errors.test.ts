import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppError,
  ConflictError,
  InputError,
  InternalError,
  NotFoundError,
  NotReadyError,
  PayloadTooLargeError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  UpstreamError,
  toAppError,
} from './errors';

describe('AppError tree', () => {
  it.each([
    [new InputError('bad'), 400, 'INVALID_INPUT'],
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new NotFoundError('no track'), 404, 'NOT_FOUND'],
    [new ConflictError('exists'), 409, 'CONFLICT'],
    [new PayloadTooLargeError('big'), 413, 'PAYLOAD_TOO_LARGE'],
    [new RateLimitedError(2), 429, 'RATE_LIMITED'],
    [new UpstreamError('llm down'), 502, 'UPSTREAM_FAILED'],
    [new NotReadyError(), 503, 'NOT_READY'],
    [new TimeoutError('slow'), 504, 'TIMEOUT'],
    [new InternalError(), 500, 'INTERNAL'],
  ])('%s has status %i and code %s', (error, status, code) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
  });

  it('keeps the cause, details and a more specific code', () => {
    const cause = new Error('ENOENT');
    const error = new NotFoundError('Track t1 not found', { code: 'TRACK_NOT_FOUND', details: { id: 't1' }, cause });
    expect(error.code).toBe('TRACK_NOT_FOUND');
    expect(error.details).toEqual({ id: 't1' });
    expect(error.cause).toBe(cause);
  });

  it('refuses codes that are not UPPER_SNAKE', () => {
    expect(() => new InputError('x', { code: 'badCode' })).toThrow(/UPPER_SNAKE/);
  });

  it('marks upstream failures retryable only when told; rate limits round Retry-After up', () => {
    expect(new UpstreamError('x').retryable).toBe(false);
    expect(new UpstreamError('x', { retryable: true }).retryable).toBe(true);
    expect(new RateLimitedError(0.2).retryAfterSeconds).toBe(1);
    expect(new RateLimitedError(2.1).retryAfterSeconds).toBe(3);
  });
});

describe('toAppError', () => {
  it('turns zod errors into a 400 listing every issue', () => {
    const result = z.object({ limit: z.number().max(100), seed: z.string() }).safeParse({ limit: 500 });
    const error = toAppError(result.error);
    expect(error.status).toBe(400);
    expect(error.details).toEqual({
      issues: [
        { path: 'limit', message: expect.stringContaining('100') },
        { path: 'seed', message: expect.stringContaining('string') },
      ],
    });
  });

  it('maps body-parser errors to malformed JSON, too large and unsupported encoding', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(toAppError(parse)).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    const large = Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, limit: 100 });
    expect(toAppError(large)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const encoding = Object.assign(new Error('unsupported content encoding "br"'), { type: 'encoding.unsupported' });
    expect(toAppError(encoding)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('maps AbortSignal timeouts to 504', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect(toAppError(signal.reason)).toMatchObject({ status: 504, code: 'TIMEOUT' });
  });

  it('hides unknown errors behind a generic 500 and keeps them as the cause', () => {
    const original = new Error('database password=hunter2 rejected');
    const error = toAppError(original);
    expect(error).toMatchObject({ status: 500, code: 'INTERNAL', message: 'Internal server error' });
    expect(error.cause).toBe(original);
    expect(toAppError('a string')).toMatchObject({ status: 500 });
  });

  it('returns AppErrors unchanged', () => {
    const error = new ConflictError('exists');
    expect(toAppError(error)).toBe(error);
  });
});
