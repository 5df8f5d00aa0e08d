// ESLint flat config for the whole workspace (typescript-eslint, no type-aware rules: fast).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createBoundariesPlugin, readWorkspace } from './tooling/boundaries/src/index.js';

// Architecture boundaries (tooling/boundaries/README.md): layers base → language → domain →
// bundle → service → app, read from the workspace's package.json files on every run.
const workspace = readWorkspace(dirname(fileURLToPath(import.meta.url)));

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', 'patches/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['**/*.config.{ts,js}', 'eslint.config.js', 'tooling/**/*.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    plugins: { mixtape: createBoundariesPlugin(workspace) },
    rules: {
      'mixtape/layers': 'error',
      'mixtape/no-relative-escape': 'error',
      'mixtape/no-process-env': 'error',
    },
  },
  {
    // The only places that read the environment. Apps: config.ts (zod schema over the
    // environment), CLI command files and CLI entries (package.json "bin"). Tooling and config
    // files configure builds and runs; tests, benchmarks and scripts read CI / BENCH_* / MIXTAPE_*
    // knobs and hand environments to the processes they start.
    files: [
      'apps/*/src/config.ts',
      'apps/*/src/commands/**',
      ...workspace.packages.flatMap((pkg) => pkg.bin),
      'tooling/**',
      '**/*.config.{ts,js,mjs}',
      'eslint.config.js',
      '**/*.test.ts',
      '**/test/**',
      '**/bench/**',
      // ./testing entries are test support shipped to other packages' tests (they start processes)
      '**/src/testing/**',
      '**/scripts/**',
    ],
    rules: { 'mixtape/no-process-env': 'off' },
  },
);
