import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const serviceUrl = (fallback: string, what: string) =>
  z
    .string()
    .trim()
    .regex(/^https?:\/\/[^/\s]+/, `expected an http(s) URL of the ${what} service, e.g. ${fallback}`)
    .url()
    .refine((value) => {
      const url = new URL(value);
      return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    }, 'expected a base URL without credentials, query or fragment (the key goes in CONSOLE_API_KEY)')
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
    .describe('Sent as `Authorization: Bearer` on every proxied request, only to the three configured services (set when the services require MIXTAPE_API_KEYS).'),
  CONSOLE_ALLOWED_HOSTS: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Comma-separated host names (no port) the console API answers to; default localhost, 127.0.0.1, [::1] and HOST. `*` accepts any (behind a proxy that checks Host).'),
  CONSOLE_STATIC_DIR: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Directory of the built page (default apps/console/dist/web).'),
  PROXY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000).describe('Upper bound for one proxied request.'),
  CONSOLE_EXPERIMENT_RESULTS: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Directory of experiment readouts (the --out of `mixtape experiment analyze`); the Experiments page shows the latest per experiment with its CI plot.'),
});

export type ConsoleConfig = z.infer<typeof consoleConfigSchema> & { staticDir: string; allowedHosts: string[] };

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** The Host names the API answers to: the listed ones, or loopback plus the bound interface. */
function allowedHostsOf(config: z.infer<typeof consoleConfigSchema>): string[] {
  if (config.CONSOLE_ALLOWED_HOSTS) return config.CONSOLE_ALLOWED_HOSTS.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean);
  const hosts = ['localhost', '127.0.0.1', '[::1]'];
  const bound = config.HOST.toLowerCase();
  if (!WILDCARD_HOSTS.has(bound)) hosts.push(bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound);
  return [...new Set(hosts)];
}

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
  return { ...config, staticDir: resolve(config.CONSOLE_STATIC_DIR ?? defaultStaticDir()), allowedHosts: allowedHostsOf(config) };
}
