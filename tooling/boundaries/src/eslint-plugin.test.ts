import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { createBoundariesPlugin } from './eslint-plugin.js';
import { createWorkspace } from './workspace.js';

// A small workspace with one package per layer, at a root that does not exist on disk.
const ROOT = '/ws';
const workspace = createWorkspace(ROOT, [
  { dir: 'packages/base', json: { name: '@mixtape/base' } },
  { dir: 'packages/language', json: { name: '@mixtape/language', dependencies: { '@mixtape/base': 'workspace:*' } } },
  { dir: 'packages/catalog', json: { name: '@mixtape/catalog' } },
  { dir: 'packages/ranking', json: { name: '@mixtape/ranking', dependencies: { '@mixtape/catalog': 'workspace:*' } } },
  { dir: 'packages/bundle', json: { name: '@mixtape/bundle' } },
  { dir: 'packages/service-kit', json: { name: '@mixtape/service-kit' } },
  { dir: 'apps/home', json: { name: '@mixtape/home' } },
  { dir: 'apps/search', json: { name: '@mixtape/search' } },
  { dir: 'apps/pipeline', json: { name: '@mixtape/pipeline', bin: { mixtape: './dist/main.js' } } },
  { dir: 'tooling/ops', json: { name: '@mixtape/ops' } },
]);

const linter = new Linter({ cwd: ROOT });
const config: Linter.Config[] = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { mixtape: createBoundariesPlugin(workspace) },
    rules: { 'mixtape/layers': 'error', 'mixtape/no-relative-escape': 'error', 'mixtape/no-process-env': 'error' },
  },
];

/** The boundary messages for `code` written in `file` (relative to the workspace root). */
function lint(file: string, code: string): string[] {
  return linter.verify(code, config, { filename: `${ROOT}/${file}` }).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('mixtape/layers', () => {
  it('lets a package import its own layer and the layers below', () => {
    expect(lint('packages/ranking/src/score.ts', "import { x } from '@mixtape/catalog';\nimport { y } from '@mixtape/base';\nimport { z } from '@mixtape/language';")).toEqual([]);
    expect(lint('packages/bundle/src/parts.ts', "import { x } from '@mixtape/ranking';\nimport { S3Client } from '@aws-sdk/client-s3';")).toEqual([]);
    expect(lint('apps/home/src/app.ts', "import express from 'express';\nimport { x } from '@mixtape/service-kit';\nimport { y } from '@mixtape/bundle';")).toEqual([]);
    expect(lint('packages/service-kit/src/app.ts', "import express from 'express';\nimport pino from 'pino';")).toEqual([]);
  });

  it('refuses imports of a higher layer, type-only, re-exports, dynamic and require() included', () => {
    const messages = lint(
      'packages/catalog/src/store.ts',
      [
        "import { createApp } from '@mixtape/service-kit';",
        "import type { Part } from '@mixtape/bundle';",
        "export { x } from '@mixtape/bundle';",
        "const kit = await import('@mixtape/service-kit');",
        "const other = require('@mixtape/service-kit');",
      ].join('\n'),
    );
    expect(messages).toHaveLength(5);
    expect(messages[0]).toBe(
      'mixtape/layers: @mixtape/catalog (domain layer) imports @mixtape/service-kit (service layer): a package imports only its own layer or lower (base → language → domain → bundle → service → app)',
    );
    expect(lint('packages/base/src/random.ts', "import { x } from '@mixtape/catalog';")[0]).toContain('@mixtape/base (base layer) imports @mixtape/catalog (domain layer)');
    expect(lint('packages/language/src/fold.ts', "import { x } from '@mixtape/ranking';")).toHaveLength(1);
  });

  it('keeps express, pino, prom-client, ioredis and supertest in the service layer, S3 in the bundle layer', () => {
    for (const module of ['express', 'pino', 'prom-client', 'ioredis', 'supertest']) {
      const [message] = lint('packages/ranking/src/x.ts', `import m from '${module}';`);
      expect(message, module).toContain(`imports ${module}, which belongs to the service layer and above`);
    }
    expect(lint('packages/catalog/src/x.ts', "import { S3Client } from '@aws-sdk/client-s3';")[0]).toContain('belongs to the bundle layer');
    expect(lint('packages/catalog/test/x.test.ts', "import express from 'express';")).toHaveLength(1);
    expect(lint('packages/catalog/src/x.ts', "import { z } from 'zod';\nimport { readFile } from 'node:fs/promises';")).toEqual([]);
  });

  it('never lets a package, or another app, import an app; tooling may', () => {
    expect(lint('packages/ranking/src/x.ts', "import { x } from '@mixtape/home';")[0]).toContain('imports the app @mixtape/home');
    expect(lint('packages/ranking/test/x.test.ts', "import { x } from '@mixtape/home';")[0]).toContain('imports the app @mixtape/home');
    expect(lint('apps/search/src/x.ts', "import { x } from '@mixtape/home';")[0]).toContain('imports the app @mixtape/home');
    expect(lint('tooling/ops/src/x.ts', "import { x } from '@mixtape/search';")).toEqual([]);
  });

  it('lets tests, benchmarks and config files use higher layers (not apps); production code may not use tooling', () => {
    expect(lint('packages/ranking/test/home-support.ts', "import { buildBundle } from '@mixtape/bundle';")).toEqual([]);
    expect(lint('packages/ranking/src/score.test.ts', "import { startLocalS3 } from '@mixtape/bundle/testing';")).toEqual([]);
    expect(lint('packages/ranking/bench/rank.bench.ts', "import { x } from '@mixtape/service-kit';")).toEqual([]);
    expect(lint('packages/ranking/vitest.config.ts', "import { x } from '@mixtape/ops';")).toEqual([]);
    expect(lint('packages/ranking/src/testing/index.ts', "import { x } from '@mixtape/bundle/testing';")).toHaveLength(1);
    expect(lint('packages/ranking/src/x.ts', "import { x } from '@mixtape/ops';")[0]).toContain('(tooling) from production code');
  });

  it("refuses deep imports of another package's src/, internal/ and dist/, tests included", () => {
    for (const specifier of ['@mixtape/catalog/src/store', '@mixtape/bundle/internal/retry', '@mixtape/bundle/src/internal/retry', '@mixtape/catalog/dist/index.js']) {
      const [message] = lint('packages/ranking/test/x.test.ts', `import { x } from '${specifier}';`);
      expect(message, specifier).toContain(`${specifier} reaches into`);
    }
    expect(lint('packages/ranking/src/x.ts', "import { x } from '@mixtape/catalog/testing';")).toEqual([]);
  });
});

describe('mixtape/no-relative-escape', () => {
  it('refuses relative imports that leave the package', () => {
    expect(lint('packages/ranking/src/x.ts', "import { y } from '../../catalog/src/store';")).toEqual([
      'mixtape/no-relative-escape: "../../catalog/src/store" leaves packages/ranking and reaches into packages/catalog: import other packages by name (@mixtape/…) and only what their index exports',
    ]);
    expect(lint('apps/home/test/x.test.ts', "import { y } from '../../../packages/bundle/src/internal/retry';")).toHaveLength(1);
    expect(lint('packages/ranking/test/x.test.ts', "import { y } from '../src/score';\nimport { z } from './support';")).toEqual([]);
  });
});

describe('mixtape/no-process-env', () => {
  it('finds every way of reading the environment', () => {
    const messages = lint(
      'packages/ranking/src/x.ts',
      [
        'const a = process.env.MIXTAPE_X;',
        "const b = process['env'];",
        'const { env } = process;',
        "import { env as environment } from 'node:process';",
        'const c = globalThis.process.env;',
      ].join('\n'),
    );
    expect(messages).toHaveLength(5);
    expect(messages.every((message) => message.startsWith('mixtape/no-process-env: process.env is read only in'))).toBe(true);
  });

  it('leaves other process properties and other env objects alone', () => {
    expect(lint('packages/ranking/src/x.ts', 'const a = process.argv;\nconst b = config.env;\nprocess.exitCode = 1;\nfunction f(env) { return env.X; }')).toEqual([]);
  });
});
