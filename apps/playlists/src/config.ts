import { bundleConfigShape, envInteger, envNumber, loadConfig, serviceConfigSchema } from '@mixtape/service-kit';
import type { EnvSource, LoadConfigOptions } from '@mixtape/service-kit';
import { z } from 'zod';

const LLM_MODES = ['json_schema', 'json_object', 'none'] as const;

/**
 * Every environment key the playlists service reads, with defaults and descriptions (the README
 * config table is generated from it: `pnpm --filter @mixtape/playlists docs:config`).
 */
export const playlistsConfigSchema = serviceConfigSchema('playlists', 4103)
  .extend({
    MIXTAPE_BUNDLE: bundleConfigShape.MIXTAPE_BUNDLE.optional().describe(
      'Where bundles are published (the `mixtape build --out` URI: s3://bucket/prefix, file:///dir); the service serves the one LATEST names and swaps in new ones. Unset: a synthetic catalog of `PLAYLISTS_SYNTHETIC_TRACKS` tracks (development).',
    ),
    PLAYLISTS_DATA_DIR: z
      .string()
      .trim()
      .min(1)
      .default('./.data/playlists')
      .describe('Folder of the embedded playlist store (`playlists.jsonl`: playlist versions and feedback, fsync per write). Created when missing.'),
    PLAYLISTS_MAX_VERSIONS: envInteger({ min: 1, max: 10_000 })
      .default(50)
      .describe('Versions one playlist may have; refining past it answers 409 `VERSION_LIMIT_REACHED` (start a new playlist). Bounds what one client can add to a playlist.'),
    PLAYLISTS_CACHED_VERSIONS: envInteger({ min: 1, max: 1_000_000 })
      .default(500)
      .describe('Playlist versions kept parsed in memory (most recently used); the rest are read from `playlists.jsonl` by offset when asked for. Memory per version is a few KB.'),
    PLAYLISTS_SYNTHETIC_TRACKS: envInteger({ min: 100, max: 2_000_000 })
      .default(5000)
      .describe('Without MIXTAPE_BUNDLE: size of the synthetic catalog generated at startup (deterministic, seed 42).'),
    PLAYLISTS_REWARD_WEIGHT: envNumber({ min: 0, max: 50 })
      .default(2)
      .describe(
        'Most the reward model (learnt from feedback: the bundle part `playlistReward`, or PLAYLISTS_REWARD_MODEL) adds to a candidate inside every range the plan asked for; it re-ranks within the plan and never past a constraint. 0: feedback is not used. Without a model nothing changes.',
      ),
    PLAYLISTS_REWARD_MODEL: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('A reward model file (`mixtape playlists train-reward --out`) to use instead of the bundle\'s `playlistReward` part (e.g. with the synthetic catalog). Unset: the bundle\'s, if it has one.'),
    PLAYLISTS_EXAMPLES: envInteger({ min: 0, max: 10 })
      .default(3)
      .describe(
        'With MIXTAPE_LLM_BASE_URL: how many of the best-rated plans for similar prompts (from the store\'s liked versions) go into the LLM prompt as examples, within 600 estimated tokens. 0: none.',
      ),
    FAISS_THREADS: envInteger({ min: 1, max: 256 })
      .default(1)
      .describe('OpenMP threads per FAISS search. 1 serves single queries fastest on shared cores (a multi-threaded search of one query spins every core; ~50x slower under load); parallelism comes from concurrent requests and replicas.'),
    MIXTAPE_LLM_BASE_URL: z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL such as http://127.0.0.1:8000/v1' })
      .optional()
      .describe('OpenAI-compatible API base URL (OpenAI, vLLM, llama.cpp server, Ollama, LM Studio), e.g. `http://127.0.0.1:8000/v1`. Empty: the offline planner (no network).'),
    MIXTAPE_LLM_MODEL: z.string().trim().min(1).optional().describe('Model name sent to the LLM server; required when `MIXTAPE_LLM_BASE_URL` is set.'),
    MIXTAPE_LLM_API_KEY: z.string().trim().min(1).optional().describe('Bearer token for the LLM server (secret; never logged). Empty: no Authorization header.'),
    MIXTAPE_LLM_TIMEOUT_MS: envInteger({ min: 100, max: 600_000 })
      .default(20_000)
      .describe('Per-attempt timeout of an LLM call; on timeout the offline planner answers (`planner: "offline-fallback"`).'),
    MIXTAPE_LLM_MAX_RETRIES: envInteger({ min: 0, max: 5 }).default(1).describe('Retries on 429/5xx/network errors before falling back to the offline planner.'),
    MIXTAPE_LLM_MODE: z
      .enum(LLM_MODES, { message: `expected one of ${LLM_MODES.join(', ')}` })
      .default('json_schema')
      .describe('Structured output: `json_schema` (server enforces the plan schema), `json_object` (schema in the prompt), `none` (no response_format).'),
  })
  .superRefine((config, context) => {
    if (config.MIXTAPE_LLM_BASE_URL && !config.MIXTAPE_LLM_MODEL) {
      context.addIssue({ code: 'custom', path: ['MIXTAPE_LLM_MODEL'], message: 'is required when MIXTAPE_LLM_BASE_URL is set' });
    }
  });

export type PlaylistsConfig = z.output<typeof playlistsConfigSchema>;

/**
 * Parse the environment; on any problem print them all and exit 1.
 * This is the only place in the app that reads `process.env`.
 */
export function loadPlaylistsConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): PlaylistsConfig {
  return loadConfig(playlistsConfigSchema, env, { service: 'playlists', ...options });
}
