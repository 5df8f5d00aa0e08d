import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from './logger';

describe('Logger', () => {
  it('takes a message or fields plus a message, like pino', () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: (fieldsOrMessage, message) => lines.push(typeof fieldsOrMessage === 'string' ? fieldsOrMessage : `${JSON.stringify(fieldsOrMessage)} ${message ?? ''}`),
      warn: () => undefined,
      error: () => undefined,
    };
    logger.info('ready');
    logger.info({ tracks: 3 }, 'loaded');
    expect(lines).toEqual(['ready', '{"tracks":3} loaded']);
    expect(() => silentLogger.error(new Error('dropped'), 'nothing happens')).not.toThrow();
  });
});
