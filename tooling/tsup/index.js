// Shared tsup factory: each package's tsup.config.ts is one line that calls it.
import { defineConfig } from 'tsup';

/** @param {import('tsup').Options} [overrides] */
export function createTsupConfig(overrides = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    ...overrides,
  });
}
