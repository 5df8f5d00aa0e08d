import { baseConfigSchema, envInteger, loadConfig } from '@mixtape/service-kit';
import type { EnvSource, LoadConfigOptions } from '@mixtape/service-kit';
import type { z } from 'zod';

/**
 * Every environment key the home service reads, with defaults and descriptions (the README
 * config table is generated from it: `pnpm --filter @mixtape/home docs:config`).
 */
export const homeConfigSchema = baseConfigSchema.extend({
  PORT: envInteger({ min: 0, max: 65535 })
    .default(4101)
    .describe('TCP port the home service listens on (0 picks a free port).'),
});

export type HomeConfig = z.output<typeof homeConfigSchema>;

/**
 * Parse the environment; on any problem print them all and exit 1.
 * This is the only place in the app that reads `process.env`.
 */
export function loadHomeConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): HomeConfig {
  return loadConfig(homeConfigSchema, env, { service: 'home', ...options });
}
