import { readFileSync } from 'node:fs';
import { renderConfigTable } from '@mixtape/service-kit';
import { describe, expect, it } from 'vitest';
import { homeConfigSchema, loadHomeConfig } from './config';

describe('home config', () => {
  it('defaults to port 4101', () => {
    expect(loadHomeConfig({}).PORT).toBe(4101);
  });

  it('prints every problem and exits 1 on bad input', () => {
    const exits: number[] = [];
    const stderr: string[] = [];
    expect(() =>
      loadHomeConfig(
        { PORT: 'x', BODY_LIMIT: 'huge' },
        { write: (text) => stderr.push(text), exit: (code) => exits.push(code) },
      ),
    ).toThrow();
    expect(exits).toEqual([1]);
    expect(stderr.join('')).toContain('Invalid configuration for home: 2 problems');
  });

  it('README config table matches the schema (regenerate: pnpm --filter @mixtape/home docs:config)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable(homeConfigSchema));
  });
});
