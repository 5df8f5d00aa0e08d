import { envInteger, loadConfig, serviceConfigSchema } from '@mixtape/service-kit';
import type { EnvSource, LoadConfigOptions } from '@mixtape/service-kit';
import type { z } from 'zod';

/**
 * Every environment key the search service reads, with defaults and descriptions (the README
 * config table is generated from it: `pnpm --filter @mixtape/search docs:config`).
 */
export const searchConfigSchema = serviceConfigSchema('search', 4102).extend({
  FAISS_THREADS: envInteger({ min: 1, max: 64 })
    .default(1)
    .describe('OpenMP threads per FAISS search (1 is fastest for single queries on shared cores).'),
});

export type SearchConfig = z.output<typeof searchConfigSchema>;

/**
 * Parse the environment; on any problem print them all and exit 1.
 * This is the only place in the app that reads `process.env`.
 */
export function loadSearchConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): SearchConfig {
  return loadConfig(searchConfigSchema, env, { service: 'search', ...options });
}
