import { baseConfigSchema, envInteger, loadConfig } from '@mixtape/service-kit';
import type { EnvSource, LoadConfigOptions } from '@mixtape/service-kit';
import type { z } from 'zod';

/**
 * Every environment key the playlists service reads, with defaults and descriptions (the README
 * config table is generated from it: `pnpm --filter @mixtape/playlists docs:config`).
 */
export const playlistsConfigSchema = baseConfigSchema.extend({
  PORT: envInteger({ min: 0, max: 65535 })
    .default(4103)
    .describe('TCP port the playlists service listens on (0 picks a free port).'),
});

export type PlaylistsConfig = z.output<typeof playlistsConfigSchema>;

/**
 * Parse the environment; on any problem print them all and exit 1.
 * This is the only place in the app that reads `process.env`.
 */
export function loadPlaylistsConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): PlaylistsConfig {
  return loadConfig(playlistsConfigSchema, env, { service: 'playlists', ...options });
}
