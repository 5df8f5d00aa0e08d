// Scaffolds a workspace package or app with the conventions of CONVENTIONS.md.
// usage: node tooling/scripts/scaffold.mjs packages/foo "One-line purpose" [dep ...] [--dev devdep ...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, purpose = '', ...rest] = process.argv.slice(2);
if (!dir) throw new Error('usage: scaffold.mjs <packages/name|apps/name> "purpose" [deps] [--dev devdeps]');
const devAt = rest.indexOf('--dev');
const deps = devAt === -1 ? rest : rest.slice(0, devAt);
const devDeps = devAt === -1 ? [] : rest.slice(devAt + 1);
const name = `@mixtape/${basename(dir)}`;
const isApp = dir.startsWith('apps/');
const spec = (d) => (d.startsWith('@mixtape/') ? 'workspace:*' : 'catalog:');
const toObject = (list) => Object.fromEntries(list.sort().map((d) => [d, spec(d)]));

const pkg = {
  name,
  version: '0.1.0',
  private: true,
  description: purpose,
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { '@mixtape/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
  },
  files: ['dist'],
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json',
    lint: 'eslint .',
    test: 'vitest run',
  },
  dependencies: toObject(deps),
  devDependencies: toObject([
    '@mixtape/tsconfig',
    '@mixtape/tsup-config',
    '@mixtape/vitest-config',
    '@types/node',
    'tsup',
    'typescript',
    'vitest',
    ...devDeps,
  ]),
};
if (isApp) {
  pkg.scripts.start = 'node dist/main.js';
  pkg.scripts.dev = 'tsx --conditions @mixtape/source src/main.ts';
}
mkdirSync(join(dir, 'src'), { recursive: true });
const write = (file, text) => {
  const path = join(dir, file);
  if (!existsSync(path)) writeFileSync(path, text);
};
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
write('tsconfig.json', JSON.stringify({ extends: '@mixtape/tsconfig/base.json', include: ['src', 'test', 'bench', '*.config.ts'] }, null, 2) + '\n');
write('tsup.config.ts', `import { createTsupConfig } from '@mixtape/tsup-config';\n\nexport default createTsupConfig(${isApp ? "{ entry: ['src/index.ts', 'src/main.ts'] }" : ''});\n`);
write('vitest.config.ts', `import { createVitestConfig } from '@mixtape/vitest-config';\n\nexport default createVitestConfig();\n`);
write('src/index.ts', `// Public API of ${name}: explicit named re-exports only.\nexport {};\n`);
write('README.md', `# ${name}\n\n${purpose}\n`);
console.log(`scaffolded ${dir}`);
