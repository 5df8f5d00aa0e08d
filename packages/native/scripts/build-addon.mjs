// Builds the addon with node-gyp at install time (pnpm runs this as the package's `install`
// script; `pnpm --filter @mixtape/native rebuild:addon` reruns it). Node's own headers are used
// when they sit beside the node binary (Debian/NodeSource/official tarballs), so nothing is
// downloaded; the package manager's bundled node-gyp is preferred over one on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeDir = resolve(process.execPath, '..', '..');
const args = ['rebuild'];
if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);

const bundled = (manager) => join(nodeDir, 'lib', 'node_modules', manager, ...(manager === 'pnpm' ? ['dist'] : []), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.env.npm_execpath ?? ''), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  bundled('pnpm'),
  bundled('npm'),
].filter(
  (path) => path && existsSync(path),
);
const command = candidates.length > 0 ? process.execPath : 'node-gyp';
const commandArgs = candidates.length > 0 ? [candidates[0], ...args] : args;
const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  // Not fatal for `pnpm install`: services only score exported models (pure TypeScript). Training
  // (mixtape build, eval home-stack) and this package's tests fail later with the same advice.
  console.error(
    '@mixtape/native: building the addon failed, so Home ranker training and the LAPACK EASE path are unavailable. ' +
      'It needs g++, make, python3 and the Debian packages libxgboost-dev and libopenblas-dev (bash tooling/scripts/setup.sh installs them); ' +
      'then run `pnpm --filter @mixtape/native rebuild:addon`.',
  );
  process.exit(process.argv.includes('--strict') ? (result.status ?? 1) : 0);
}
