import { describe, expect, it } from 'vitest';
import { baseConfigSchema, loadConfig } from '../config';
import type { EnvSource, LoadConfigOptions } from '../config';
import { refusedConfig } from './index';

const load = (env: EnvSource, options: LoadConfigOptions) => loadConfig(baseConfigSchema, env, { service: 'demo', ...options });

describe('refusedConfig', () => {
  it('returns what a refused config printed and the exit code it asked for', () => {
    const { printed, exits } = refusedConfig(load, { PORT: 'eighty', NODE_ENV: 'development' });
    expect(exits).toEqual([1]);
    expect(printed).toContain('Invalid configuration for demo: 1 problem');
    expect(printed).toContain('PORT');
  });

  it('fails when the loader accepts the environment', () => {
    expect(() => refusedConfig(load, { NODE_ENV: 'development' })).toThrow('the config loader accepted {"NODE_ENV":"development"}');
  });
});
