// The one logging contract of the workspace. Packages log through it and never import a logging
// library; services pass their pino logger, which satisfies it structurally.

/** One log call: a message, or fields followed by an optional message (pino's argument order). */
export type LogMethod = (fieldsOrMessage: object | string, message?: string) => void;

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const ignore: LogMethod = () => undefined;

/** A logger that drops everything: the default when the caller passes none. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
