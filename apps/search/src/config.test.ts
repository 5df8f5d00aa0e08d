import { readFileSync } from 'node:fs';
import { renderConfigTable } from '@mixtape/service-kit';
import { refusedConfig } from '@mixtape/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { searchConfigSchema, loadSearchConfig } from './config';

describe('search config', () => {
  it('defaults to port 4102 and needs only the bundle location', () => {
    const config = loadSearchConfig({ NODE_ENV: 'development', MIXTAPE_BUNDLE: 's3://mixtape/bundles' });
    expect(config.PORT).toBe(4102);
    expect(config.MIXTAPE_BUNDLE_POLL_MS).toBe(30_000);
  });

  it('prints every problem and exits 1 on bad input', () => {
    const { printed, exits } = refusedConfig(loadSearchConfig, { PORT: 'x', BODY_LIMIT: 'huge', MIXTAPE_BUNDLE: 'ftp://nope' });
    expect(exits).toEqual([1]);
    expect(printed).toContain('Invalid configuration for search: 3 problems');
  });

  it('README config table matches the schema (regenerate: pnpm --filter @mixtape/search docs:config)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable(searchConfigSchema));
  });
});
