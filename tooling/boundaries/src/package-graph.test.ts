import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emittedJavaScript, findCycles, packageGraphProblems } from './package-graph.js';
import { createWorkspace, isSupportFile, layerOf, readWorkspace } from './workspace.js';

const deps = (...names: string[]) => Object.fromEntries(names.map((name) => [name, 'workspace:*']));

describe('packageGraphProblems', () => {
  it('finds cycles through dependencies and devDependencies, each once, as a path', () => {
    const workspace = createWorkspace('/ws', [
      { dir: 'packages/a', json: { name: '@mixtape/a', dependencies: deps('@mixtape/b') } },
      { dir: 'packages/b', json: { name: '@mixtape/b', dependencies: deps('@mixtape/c') } },
      { dir: 'packages/c', json: { name: '@mixtape/c', devDependencies: deps('@mixtape/a') } },
      { dir: 'packages/d', json: { name: '@mixtape/d', dependencies: deps('@mixtape/a') } },
    ]);
    expect(findCycles(workspace)).toEqual([['@mixtape/a', '@mixtape/b', '@mixtape/c', '@mixtape/a']]);
    expect(packageGraphProblems(workspace)).toEqual([
      'dependency cycle between workspace packages: @mixtape/a → @mixtape/b → @mixtape/c → @mixtape/a (dependencies and devDependencies; move the shared part down a layer)',
    ]);
  });

  it('refuses runtime dependencies on a higher layer and any dependency of a package on an app', () => {
    const workspace = createWorkspace('/ws', [
      { dir: 'packages/catalog', json: { name: '@mixtape/catalog', dependencies: deps('@mixtape/service-kit'), devDependencies: deps('@mixtape/bundle') } },
      { dir: 'packages/bundle', json: { name: '@mixtape/bundle' } },
      { dir: 'packages/service-kit', json: { name: '@mixtape/service-kit', devDependencies: deps('@mixtape/home') } },
      { dir: 'apps/home', json: { name: '@mixtape/home' } },
    ]);
    expect(packageGraphProblems(workspace)).toEqual([
      'packages/catalog/package.json dependencies: @mixtape/catalog (domain layer) imports @mixtape/service-kit (service layer): a package imports only its own layer or lower (base → language → domain → bundle → service → app)',
      'packages/service-kit/package.json devDependencies: @mixtape/service-kit imports the app @mixtape/home: nothing but tooling imports an app (apps sit on top and deploy alone)',
    ]);
  });

  it('holds for this repository', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const workspace = readWorkspace(root);
    expect(workspace.byName.get('@mixtape/catalog')?.layer).toBe('domain');
    expect(workspace.byName.get('@mixtape/service-kit')?.layer).toBe('service');
    expect(workspace.byName.get('@mixtape/boundaries')?.layer).toBe('tooling');
    expect(workspace.packages.filter((pkg) => pkg.layer === 'app').map((pkg) => pkg.name)).toContain('@mixtape/home');
    expect(packageGraphProblems(workspace)).toEqual([]);
  });
});

describe('emittedJavaScript', () => {
  it('finds compiled .js beside .ts sources, and leaves plain JavaScript packages alone', () => {
    const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
    try {
      const files = {
        'packages/native/src/index.ts': '', 'packages/native/src/index.js': '', 'packages/native/src/deep/x.ts': '', 'packages/native/src/deep/x.js': '',
        'packages/native/vitest.config.ts': '', 'packages/native/vitest.config.js': '', 'packages/native/scripts/build.mjs': '',
        'tooling/vitest/index.js': '', 'tooling/vitest/index.d.ts': '',
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      }
      const workspace = createWorkspace(root, [{ dir: 'packages/native', json: { name: '@mixtape/native' } }, { dir: 'tooling/vitest', json: { name: '@mixtape/vitest-config' } }]);
      expect(emittedJavaScript(workspace).sort()).toEqual(['packages/native/src/deep/x.js', 'packages/native/src/index.js', 'packages/native/vitest.config.js']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('layers', () => {
  it('makes every unlisted package under packages/ a domain package', () => {
    expect(layerOf('packages/experiments', '@mixtape/experiments')).toBe('domain');
    expect(layerOf('packages/base', '@mixtape/base')).toBe('base');
    expect(layerOf('apps/anything', '@mixtape/anything')).toBe('app');
    expect(layerOf('tooling/anything', '@mixtape/anything')).toBe('tooling');
  });

  it('knows support files', () => {
    const [pkg] = createWorkspace('/ws', [{ dir: 'packages/ranking', json: { name: '@mixtape/ranking' } }]).packages;
    for (const file of ['test/a.integration.test.ts', 'test/support.ts', 'src/a.test.ts', 'bench/x.bench.ts', 'scripts/build.mjs', 'vitest.config.ts']) expect(isSupportFile(pkg!, `/ws/packages/ranking/${file}`), file).toBe(true);
    for (const file of ['src/index.ts', 'src/testing/index.ts', 'src/test-data.ts', 'src/config.ts']) expect(isSupportFile(pkg!, `/ws/packages/ranking/${file}`), file).toBe(false);
  });
});
