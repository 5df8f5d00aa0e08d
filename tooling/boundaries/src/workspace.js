// @ts-check
// The workspace as the boundary rules see it: every package, its layer and its declared
// workspace dependencies. Layers, bottom up (docs/architecture.md):
//   base → language → domain → bundle → service → app, with tooling beside them.
// A package may import its own layer and the layers below. Layers are generic: a package under
// packages/ is a domain package unless PACKAGE_LAYERS says otherwise, apps/* are apps and
// tooling/* are tooling, so a new domain package needs no entry here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** @typedef {'base' | 'language' | 'domain' | 'bundle' | 'service' | 'app' | 'tooling'} Layer */

/** @type {readonly Layer[]} bottom up */
export const LAYERS = ['base', 'language', 'domain', 'bundle', 'service', 'app', 'tooling'];

/**
 * Packages under packages/ that are not domain packages.
 * @type {Readonly<Record<string, Layer>>}
 */
export const PACKAGE_LAYERS = {
  '@mixtape/base': 'base', // seeded random, linear algebra, top-K, Logger and progress types
  '@mixtape/native': 'base', // N-API bindings (XGBoost, LAPACK): no workspace dependencies
  '@mixtape/language': 'language', // folding, tokens, catalog vocabulary, number/era/duration parsing
  '@mixtape/bundle': 'bundle', // storage + the registry of parts
  '@mixtape/service-kit': 'service', // Express factory: config, logs, health, metrics, errors, auth
  '@mixtape/redis-state': 'service', // Redis stores behind service-kit's interfaces
};

/**
 * Third-party modules owned by a layer: packages below it must not import them (an HTTP server,
 * logging and metrics backends and Redis belong to services; object storage to the bundle).
 * A key ending in "/*" covers a whole npm scope.
 * @type {Readonly<Record<string, Layer>>}
 */
export const EXTERNAL_LAYERS = {
  express: 'service',
  supertest: 'service',
  pino: 'service',
  'prom-client': 'service',
  ioredis: 'service',
  '@aws-sdk/*': 'bundle',
};

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name            package name, such as `@mixtape/catalog`
 * @property {string} dir             directory relative to the root, posix separators
 * @property {string} absoluteDir
 * @property {Layer} layer
 * @property {string[]} dependencies     workspace packages in "dependencies"
 * @property {string[]} devDependencies  workspace packages in "devDependencies"
 * @property {string[]} bin           CLI entry files (package.json "bin", dist/x.js → src/x.ts), relative to the root
 */

/**
 * @typedef {object} Workspace
 * @property {string} root
 * @property {WorkspacePackage[]} packages
 * @property {Map<string, WorkspacePackage>} byName
 */

/** @param {Layer} layer */
export function layerRank(layer) {
  return LAYERS.indexOf(layer);
}

/**
 * @param {string} dir posix, relative to the root
 * @param {string} name
 * @returns {Layer}
 */
export function layerOf(dir, name) {
  if (dir.startsWith('apps/')) return 'app';
  if (dir.startsWith('tooling/')) return 'tooling';
  return PACKAGE_LAYERS[name] ?? 'domain';
}

/** @param {string} root */
function workspaceGlobs(root) {
  const file = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return ['apps/*', 'packages/*', 'tooling/*'];
  const globs = [];
  let inPackages = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const match = /^\s+-\s+["']?([^"'#]+?)["']?\s*$/.exec(line);
      if (match?.[1]) globs.push(match[1]);
    }
  }
  return globs;
}

/**
 * Packages from their package.json files.
 * @param {string} root
 * @param {Array<{ dir: string; json: any }>} entries
 * @returns {Workspace}
 */
export function createWorkspace(root, entries) {
  const names = new Set(entries.map((entry) => String(entry.json.name)));
  const workspaceDeps = (/** @type {Record<string, string> | undefined} */ deps) => Object.keys(deps ?? {}).filter((name) => names.has(name));
  /** @type {WorkspacePackage[]} */
  const packages = entries.map(({ dir, json }) => {
    const bin = typeof json.bin === 'string' ? [json.bin] : Object.values(json.bin ?? {});
    return {
      name: String(json.name),
      dir,
      absoluteDir: join(root, dir),
      layer: layerOf(dir, String(json.name)),
      dependencies: workspaceDeps(json.dependencies),
      devDependencies: workspaceDeps(json.devDependencies),
      bin: bin.map((file) => `${dir}/${String(file).replace(/^\.\//, '').replace(/^dist\//, 'src/').replace(/\.[cm]?js$/, '.ts')}`),
    };
  });
  return { root, packages, byName: new Map(packages.map((pkg) => [pkg.name, pkg])) };
}

/**
 * Reads every package of the pnpm workspace at root (only "dir/*" globs, which is what
 * pnpm-workspace.yaml uses).
 * @param {string} root
 * @returns {Workspace}
 */
export function readWorkspace(root) {
  const entries = [];
  for (const glob of workspaceGlobs(root)) {
    const parent = glob.replace(/\/\*$/, '');
    const dirs = glob.endsWith('/*') && existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((name) => `${parent}/${name}`) : [glob];
    for (const dir of dirs.sort()) {
      const file = join(root, dir, 'package.json');
      if (existsSync(file)) entries.push({ dir, json: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return createWorkspace(root, entries);
}

/**
 * The package a file belongs to, or undefined (root files).
 * @param {Workspace} workspace
 * @param {string} file absolute
 */
export function packageOfFile(workspace, file) {
  let best;
  for (const pkg of workspace.packages) {
    if ((file === pkg.absoluteDir || file.startsWith(pkg.absoluteDir + sep)) && (!best || pkg.absoluteDir.length > best.absoluteDir.length)) best = pkg;
  }
  return best;
}

/**
 * Tests, test support, benchmarks, build scripts and config files. They may use higher layers'
 * helpers (a ranking test may publish a bundle); the package graph still may not cycle, and
 * nothing but tooling imports an app.
 * @param {WorkspacePackage} pkg
 * @param {string} file absolute
 */
export function isSupportFile(pkg, file) {
  const inside = relative(pkg.absoluteDir, file).split(sep).join('/');
  return /(^|\/)(test|tests|bench|scripts)\//.test(inside) || /\.(test|spec|bench)\.[cm]?[jt]sx?$/.test(inside) || /^[^/]+\.config\.[cm]?[jt]s$/.test(inside);
}

/** @param {string} specifier */
function externalLayer(specifier) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0] ?? specifier;
  const scope = name.startsWith('@') ? `${name.split('/')[0]}/*` : undefined;
  return EXTERNAL_LAYERS[name] ?? (scope ? EXTERNAL_LAYERS[scope] : undefined);
}

const LADDER = LAYERS.slice(0, LAYERS.indexOf('app') + 1).join(' → ');

/**
 * Why `from` must not import `specifier` (a bare module name), or undefined when it may.
 * @param {Workspace} workspace
 * @param {WorkspacePackage} from
 * @param {boolean} support the importing file is a test, benchmark, script or config file
 * @param {string} specifier
 * @returns {string | undefined}
 */
export function importProblem(workspace, from, support, specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const [scope = '', base = ''] = specifier.split('/');
  const target = scope.startsWith('@') ? workspace.byName.get(`${scope}/${base}`) : undefined;
  if (!target) {
    const owner = externalLayer(specifier);
    if (owner && layerRank(from.layer) < layerRank(owner)) {
      return `${from.name} (${from.layer} layer) imports ${specifier}, which belongs to the ${owner} layer and above (${LADDER}); take what you need through a small interface the caller provides`;
    }
    return undefined;
  }
  const subpath = specifier.slice(target.name.length + 1);
  if (target !== from && /(^|\/)(src|internal|dist)(\/|$)/.test(subpath)) {
    return `${specifier} reaches into ${target.name}'s ${subpath.split('/')[0]}/: import what ${target.name} exports from its index (or its ./testing entry)`;
  }
  if (target === from) return undefined;
  if (target.layer === 'app' && from.layer !== 'tooling') {
    return `${from.name} imports the app ${target.name}: nothing but tooling imports an app (apps sit on top and deploy alone)`;
  }
  if (support) return undefined;
  if (target.layer === 'tooling' && from.layer !== 'tooling') {
    return `${from.name} imports ${target.name} (tooling) from production code: only tests, benchmarks, scripts and config files may`;
  }
  if (layerRank(target.layer) > layerRank(from.layer)) {
    return `${from.name} (${from.layer} layer) imports ${target.name} (${target.layer} layer): a package imports only its own layer or lower (${LADDER})`;
  }
  return undefined;
}
