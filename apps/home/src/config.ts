import { envInteger, loadConfig, serviceConfigSchema } from '@mixtape/service-kit';
import type { EnvSource, LoadConfigOptions } from '@mixtape/service-kit';
import { z } from 'zod';

/**
 * Every environment key the home service reads, with defaults and descriptions (the README
 * config table is generated from it: `pnpm --filter @mixtape/home docs:config`).
 */
export const homeConfigSchema = serviceConfigSchema('home', 4101).extend({
  HOME_MAX_ITEMS: envInteger({ min: 1, max: 100 })
    .default(50)
    .describe('Largest `limit` (items per shelf) a request may ask for.'),
  HOME_OBJECTIVE_WEIGHTS: z
    .string()
    .trim()
    .default('')
    .transform((value, context) => {
      const weights: Record<string, number> = {};
      for (const pair of value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = /^(play|save|skip|listen)=(-?\d+(?:\.\d+)?)$/.exec(pair);
        if (!match) {
          context.addIssue({ code: 'custom', message: `expected objective=weight pairs (objectives play, save, skip, listen), got "${pair}"` });
          return z.NEVER;
        }
        weights[match[1]!] = Number(match[2]);
      }
      return weights as Partial<Record<'play' | 'save' | 'skip' | 'listen', number>>;
    })
    .describe('Served weight of each ranker head, e.g. `play=1,save=0.5,skip=-0.5,listen=0.25` (unset objectives keep the bundle model\'s defaults; 0 switches a head off).'),
  HOME_PAGE_CACHE_MIB: envInteger({ min: 0, max: 65_536 })
    .default(256)
    .describe('Memory for finished Home pages (MiB; ADR 0013): a page is kept until one of its inputs changes (listener event, bundle, request parameters, daypart, experiment variant); the least recently served go first beyond it. 0: off, every page is computed.'),
  HOME_PAGE_WARM_LISTENERS: envInteger({ min: 0 })
    .default(1_000_000)
    .describe('After a bundle loads, compute the default page of up to this many known listeners (most active first) in the background, until HOME_PAGE_CACHE_MIB is full. 0: pages are kept only when served.'),
});

export type HomeConfig = z.output<typeof homeConfigSchema>;

/**
 * Parse the environment; on any problem print them all and exit 1.
 * This is the only place in the app that reads `process.env`.
 */
export function loadHomeConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): HomeConfig {
  return loadConfig(homeConfigSchema, env, { service: 'home', ...options });
}
