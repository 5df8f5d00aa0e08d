import { readFileSync } from 'node:fs';
import { renderConfigTable } from '@mixtape/service-kit';
import { refusedConfig } from '@mixtape/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { playlistsConfigSchema, loadPlaylistsConfig } from './config';

describe('playlists config', () => {
  it('defaults to port 4103', () => {
    expect(loadPlaylistsConfig({ NODE_ENV: 'development' }).PORT).toBe(4103);
  });

  it('prints every problem and exits 1 on bad input', () => {
    const { printed, exits } = refusedConfig(loadPlaylistsConfig, { PORT: 'x', BODY_LIMIT: 'huge' });
    expect(exits).toEqual([1]);
    expect(printed).toContain('Invalid configuration for playlists: 2 problems');
  });

  it('README config table matches the schema (regenerate: pnpm --filter @mixtape/playlists docs:config)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable(playlistsConfigSchema));
  });

  it('reads the LLM provider settings, requires a model with a base URL, and never prints the API key', () => {
    const config = loadPlaylistsConfig({ NODE_ENV: 'development', MIXTAPE_LLM_BASE_URL: 'http://127.0.0.1:8000/v1', MIXTAPE_LLM_MODEL: 'qwen2.5-7b-instruct', MIXTAPE_LLM_API_KEY: 'sk-secret-value' });
    expect(config).toMatchObject({ MIXTAPE_LLM_MODEL: 'qwen2.5-7b-instruct', MIXTAPE_LLM_TIMEOUT_MS: 20_000, MIXTAPE_LLM_MODE: 'json_schema', FAISS_THREADS: 1 });
    expect(loadPlaylistsConfig({ NODE_ENV: 'development' }).MIXTAPE_LLM_BASE_URL).toBeUndefined();
    const { printed } = refusedConfig(loadPlaylistsConfig, { MIXTAPE_LLM_BASE_URL: 'ftp://example', MIXTAPE_LLM_API_KEY: 'sk-secret-value', MIXTAPE_LLM_MODE: 'xml' });
    expect(printed).toContain('MIXTAPE_LLM_BASE_URL');
    expect(printed).toContain('MIXTAPE_LLM_MODE');
    expect(printed).not.toContain('sk-secret-value');
    expect(refusedConfig(loadPlaylistsConfig, { MIXTAPE_LLM_BASE_URL: 'http://127.0.0.1:8000/v1' }).printed).toContain('MIXTAPE_LLM_MODEL');
  });
});
