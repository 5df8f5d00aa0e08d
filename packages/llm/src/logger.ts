// The package logs through this small interface (pino fits it); it never imports a logger.
type LogMethod = (objectOrMessage: object | string, message?: string) => void;

export interface Logger {
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  debug: LogMethod;
}

const ignore: LogMethod = () => undefined;

/** A logger that drops everything: the default when the caller passes none. */
export const silentLogger: Logger = { info: ignore, warn: ignore, error: ignore, debug: ignore };
