import { destination, pino, stdSerializers, stdTimeFunctions } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config';
import { redactSecrets } from './redact';

/**
 * The logger services use: pino (child loggers, levels, flush). It satisfies `@mixtape/base`'s
 * `Logger`, the small interface domain packages accept, so services pass it to them directly.
 */
export type ServiceLogger = PinoLogger;

export interface CreateLoggerOptions {
  /** Written to every line as `service`. */
  name: string;
  level?: LogLevel;
  /** Where lines go; default stdout (synchronous, so nothing is lost on exit). */
  destination?: DestinationStream;
}

/**
 * JSON logs, one object per line, with `level` as a word and ISO timestamps. Secret-like
 * fields (authorization, cookies, x-api-key, *token*, *secret*, *_KEY(S), passwords) are
 * replaced with "[REDACTED]" at any depth, in log fields and in child-logger bindings.
 */
export function createLogger(options: CreateLoggerOptions): ServiceLogger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.name, pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
    formatters: {
      level: (label: string) => ({ level: label }),
      bindings: (bindings: Record<string, unknown>) => redactSecrets(bindings),
      log: (fields: Record<string, unknown>) => redactSecrets(fields),
    },
  };
  const logger = options.destination ? pino(settings, options.destination) : pino(settings, destination({ sync: true }));
  // pino skips formatters.bindings for child loggers; redact their bindings here. Children
  // inherit this property through their prototype, so grandchildren are covered too.
  const originalChild = logger.child;
  logger.child = function child(this: ServiceLogger, bindings, childOptions) {
    return originalChild.call(this, redactSecrets(bindings), childOptions);
  } as typeof logger.child;
  return logger;
}
