/**
 * The small logging surface this package needs. pino's logger satisfies it structurally,
 * so services pass theirs in; the package never imports a logging library.
 */
export interface Logger {
  debug(objectOrMessage: object | string, message?: string): void;
  info(objectOrMessage: object | string, message?: string): void;
  warn(objectOrMessage: object | string, message?: string): void;
  error(objectOrMessage: object | string, message?: string): void;
}

const ignore = (): void => {};

/** A logger that drops everything: the default when none is given. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
