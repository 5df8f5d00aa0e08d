// Shared vitest config. Plain JS so every package's vitest.config.ts can import it without a build.
import { defineConfig, mergeConfig } from 'vitest/config';

// Internal packages resolve to their TypeScript source through this export condition,
// so tests never need a prior build (see docs/adr/0001-source-export-condition.md).
// Only our condition plus "node": vitest hands the SSR list to Node as --conditions, so "import"
// would make require() pick ESM builds (express's router then breaks), and "module" sends
// @aws-sdk/* to bundler-only builds (extensionless ESM) that Node cannot load.
const conditions = ['@mixtape/source', 'node'];

/** @param {import('vitest/config').UserConfig} [overrides] */
export function createVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: ['@mixtape/source'] } },
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        environment: 'node',
        // A package scaffolded before its first test must not turn CI red.
        passWithNoTests: true,
        testTimeout: 60_000,
        hookTimeout: 120_000,
        pool: 'forks',
        // FAISS/OpenBLAS threads: packages test in parallel on 2 cores, and libgomp spin-waits
        // badly when oversubscribed. Override from the environment when measuring.
        env: {
          OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1',
          OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '1',
        },
        reporters: process.env.CI ? ['default'] : ['default'],
      },
    }),
    overrides,
  );
}
