import type { Logger } from '@mixtape/base';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createLogger } from './logger';
import { captureLogs } from './testing';

describe('createLogger', () => {
  it('writes one JSON object per line with service, level word and time', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 'home', destination: logs.destination });
    logger.info({ tracks: 3 }, 'loaded');
    const [line] = logs.lines();
    expect(line).toMatchObject({ level: 'info', service: 'home', tracks: 3, msg: 'loaded' });
    expect(typeof line?.time).toBe('string');
  });

  it('redacts authorization headers, API keys and token/secret-like fields at any depth', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 'home', destination: logs.destination });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sk-live-AAAA', 'x-api-key': 'key-BBBB', cookie: 'sid=CCCC', accept: '*/*' } },
        config: { MIXTAPE_API_KEYS: ['key-DDDD', 'key-EEEE'], OPENAI_API_KEY: 'sk-FFFF', AWS_SECRET_ACCESS_KEY: 'GGGG', PORT: 4101 },
        upstream: [{ accessToken: 'HHHH', refresh_token: 'IIII', password: 'JJJJ' }],
        url: '/v1/search?q=jazz&api_key=KKKK',
        maxTokens: 512,
        key: 7,
      },
      'request',
    );
    const text = logs.text();
    for (const secret of ['AAAA', 'BBBB', 'CCCC', 'DDDD', 'EEEE', 'FFFF', 'GGGG', 'HHHH', 'IIII', 'JJJJ', 'KKKK']) {
      expect(text).not.toContain(secret);
    }
    const [line] = logs.lines() as Array<{ req: { headers: unknown }; config: { PORT: number }; [field: string]: unknown }>;
    expect(line?.req.headers).toEqual({
      authorization: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      cookie: '[REDACTED]',
      accept: '*/*',
    });
    expect(line?.config.PORT).toBe(4101);
    expect(line?.url).toBe('/v1/search?q=jazz&api_key=[REDACTED]');
    // Counts and a track's musical key are not credentials.
    expect(line?.maxTokens).toBe(512);
    expect(line?.key).toBe(7);
  });

  it('redacts secrets bound to child loggers', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 'llm', destination: logs.destination }).child({ apiKey: 'sk-ZZZZ', model: 'm' });
    logger.warn('retrying');
    expect(logs.text()).not.toContain('ZZZZ');
    expect(logs.lines()[0]).toMatchObject({ apiKey: '[REDACTED]', model: 'm' });
  });

  it('serializes errors with their stack and cause under err', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 'home', destination: logs.destination });
    logger.error({ err: new Error('outer', { cause: new Error('inner') }) }, 'failed');
    const [line] = logs.lines() as Array<{ err: { message: string; stack: string } }>;
    expect(line?.err.message).toContain('outer');
    expect(line?.err.stack).toContain('Error: outer');
    expect(JSON.stringify(line?.err)).toContain('inner');
  });

  it('respects the level', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 'home', level: 'warn', destination: logs.destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(logs.lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('a pino logger satisfies the small Logger interface domain packages take', () => {
    const logger = createLogger({ name: 'home', level: 'silent' });
    expectTypeOf(logger).toMatchTypeOf<Logger>();
    const domainLogger: Logger = logger;
    expect(() => domainLogger.debug({ n: 1 }, 'ok')).not.toThrow();
  });
});

describe('createLogger child bindings', () => {
  it('keeps parent bindings and redacts secrets in grandchildren', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 'home', destination: logs.destination })
      .child({ requestId: 'r1' })
      .child({ token: 'tok-YYYY' });
    logger.info('nested');
    expect(logs.text()).not.toContain('YYYY');
    expect(logs.lines()[0]).toMatchObject({ requestId: 'r1', token: '[REDACTED]', service: 'home' });
  });
});
