import { readFileSync } from 'node:fs';
import { renderConfigTable } from '@mixtape/service-kit';
import { describe, expect, it } from 'vitest';
import { playlistsConfigSchema, loadPlaylistsConfig } from './config';

describe('playlists config', () => {
  it('defaults to port 4103', () => {
    expect(loadPlaylistsConfig({ NODE_ENV: 'development' }).PORT).toBe(4103);
  });

  it('prints every problem and exits 1 on bad input', () => {
    const exits: number[] = [];
    const stderr: string[] = [];
    expect(() =>
      loadPlaylistsConfig(
        { PORT: 'x', BODY_LIMIT: 'huge' },
        { write: (text) => stderr.push(text), exit: (code) => exits.push(code) },
      ),
    ).toThrow();
    expect(exits).toEqual([1]);
    expect(stderr.join('')).toContain('Invalid configuration for playlists: 2 problems');
  });

  it('README config table matches the schema (regenerate: pnpm --filter @mixtape/playlists docs:config)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable(playlistsConfigSchema));
  });

  it('reads the LLM provider settings, requires a model with a base URL, and never prints the API key', () => {
    const config = loadPlaylistsConfig({ NODE_ENV: 'development', MIXTAPE_LLM_BASE_URL: 'http://127.0.0.1:8000/v1', MIXTAPE_LLM_MODEL: 'qwen2.5-7b-instruct', MIXTAPE_LLM_API_KEY: 'sk-secret-value' });
    expect(config).toMatchObject({ MIXTAPE_LLM_MODEL: 'qwen2.5-7b-instruct', MIXTAPE_LLM_TIMEOUT_MS: 20_000, MIXTAPE_LLM_MODE: 'json_schema', FAISS_THREADS: 1 });
    expect(loadPlaylistsConfig({ NODE_ENV: 'development' }).MIXTAPE_LLM_BASE_URL).toBeUndefined();
    const stderr: string[] = [];
    expect(() =>
      loadPlaylistsConfig(
        { MIXTAPE_LLM_BASE_URL: 'ftp://example', MIXTAPE_LLM_API_KEY: 'sk-secret-value', MIXTAPE_LLM_MODE: 'xml' },
        { write: (text) => stderr.push(text), exit: () => undefined },
      ),
    ).toThrow();
    const printed = stderr.join('');
    expect(printed).toContain('MIXTAPE_LLM_BASE_URL');
    expect(printed).toContain('MIXTAPE_LLM_MODE');
    expect(printed).not.toContain('sk-secret-value');
    const missingModel: string[] = [];
    expect(() =>
      loadPlaylistsConfig({ MIXTAPE_LLM_BASE_URL: 'http://127.0.0.1:8000/v1' }, { write: (text) => missingModel.push(text), exit: () => undefined }),
    ).toThrow();
    expect(missingModel.join('')).toContain('MIXTAPE_LLM_MODEL');
  });
});
