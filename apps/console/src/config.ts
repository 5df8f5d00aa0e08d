import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const serviceUrl = (fallback: string, what: string) =>
  z
    .string()
    .trim()
    .regex(/^https?:\/\/[^/\s]+/, `expected an http(s) URL of the ${what} service, e.g. ${fallback}`)
    .url()
    .transform((value) => value.replace(/\/+$/, ''))
    .default(fallback)
    .describe(`Base URL of the ${what} service; the console proxies /api/${what}/* to it.`);

/** Every environment key the console reads (empty values count as unset). */
export const consoleConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4100).describe('TCP port of the console (0 picks a free port).'),
  HOST: z.string().trim().min(1).default('127.0.0.1').describe('Interface the console binds to.'),
  HOME_URL: serviceUrl('http://127.0.0.1:4101', 'home'),
  SEARCH_URL: serviceUrl('http://127.0.0.1:4102', 'search'),
  PLAYLISTS_URL: serviceUrl('http://127.0.0.1:4103', 'playlists'),
  CONSOLE_API_KEY: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Sent as `Authorization: Bearer` on proxied writes (events, feedback) when the services set MIXTAPE_API_KEYS.'),
  CONSOLE_STATIC_DIR: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Directory of the built page (default apps/console/dist/web).'),
  PROXY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000).describe('Upper bound for one proxied request.'),
});

export type ConsoleConfig = z.infer<typeof consoleConfigSchema> & { staticDir: string };

/** The built page: dist/web beside this file's package, from source (src/) or from dist/. */
export function defaultStaticDir(from = dirname(fileURLToPath(import.meta.url))): string {
  return resolve(from, '..', 'dist', 'web');
}

export class ConsoleConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid console configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConsoleConfigError';
  }
}

/** Reads the environment; every problem is reported at once. */
export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = consoleConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConsoleConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(present[String(issue.path[0])])})`));
  }
  const config = parsed.data;
  return { ...config, staticDir: resolve(config.CONSOLE_STATIC_DIR ?? defaultStaticDir()) };
}
