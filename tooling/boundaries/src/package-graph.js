// @ts-check
// The package graph from package.json files: declared runtime dependencies respect the layers
// (the same rule the lint applies to imports), no package depends on an app, and no cycle runs
// through dependencies or devDependencies (turbo and pnpm would build them in no valid order).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importProblem } from './workspace.js';

/** @typedef {import('./workspace.js').Workspace} Workspace */

/**
 * Every cycle between workspace packages, each as a list of names [a, b, …, a], once per
 * strongly connected component (Tarjan), shortest cycle through its first member.
 * @param {Workspace} workspace
 * @returns {string[][]}
 */
export function findCycles(workspace) {
  /** @type {Map<string, string[]>} */
  const edges = new Map(workspace.packages.map((pkg) => [pkg.name, [...new Set([...pkg.dependencies, ...pkg.devDependencies])]]));
  let counter = 0;
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */
  const components = [];
  /** @param {string} name */
  const visit = (name) => {
    index.set(name, counter);
    low.set(name, counter);
    counter += 1;
    stack.push(name);
    onStack.add(name);
    for (const next of edges.get(name) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(name, Math.min(low.get(name) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(name, Math.min(low.get(name) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(name) === index.get(name)) {
      /** @type {string[]} */
      const component = [];
      let member;
      do {
        member = /** @type {string} */ (stack.pop());
        onStack.delete(member);
        component.push(member);
      } while (member !== name);
      const selfLoop = (edges.get(name) ?? []).includes(name);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const name of edges.keys()) if (!index.has(name)) visit(name);
  return components.map((component) => shortestCycle(edges, component.sort()[0] ?? '', new Set(component)));
}

/**
 * @param {Map<string, string[]>} edges
 * @param {string} start
 * @param {Set<string>} within
 */
function shortestCycle(edges, start, within) {
  /** @type {Map<string, string>} */
  const parent = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const name = /** @type {string} */ (queue.shift());
    for (const next of edges.get(name) ?? []) {
      if (!within.has(next)) continue;
      if (next === start) {
        const path = [name];
        while (path[0] !== start) path.unshift(/** @type {string} */ (parent.get(path[0] ?? '')));
        return [...path, start];
      }
      if (!parent.has(next)) {
        parent.set(next, name);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * Problems in the declared package graph, one line each.
 * @param {Workspace} workspace
 * @returns {string[]}
 */
export function packageGraphProblems(workspace) {
  const problems = [];
  for (const pkg of workspace.packages) {
    for (const dependency of pkg.dependencies) {
      const problem = importProblem(workspace, pkg, false, dependency);
      if (problem) problems.push(`${pkg.dir}/package.json dependencies: ${problem}`);
    }
    for (const dependency of pkg.devDependencies) {
      const problem = importProblem(workspace, pkg, true, dependency);
      if (problem) problems.push(`${pkg.dir}/package.json devDependencies: ${problem}`);
    }
  }
  for (const file of emittedJavaScript(workspace)) {
    problems.push(`${file} is compiled output beside its TypeScript source (a tsc run without the package's tsconfig, e.g. before pnpm install): delete it`);
  }
  for (const cycle of findCycles(workspace)) {
    problems.push(`dependency cycle between workspace packages: ${cycle.join(' → ')} (dependencies and devDependencies; move the shared part down a layer)`);
  }
  return problems;
}

/**
 * JavaScript that tsc emitted beside its TypeScript source (`x.js` next to `x.ts`): what a
 * `tsc` run without the package's tsconfig leaves behind (for instance typecheck before
 * `pnpm install` on a new package). Such files shadow the sources for Node and fail lint.
 * @param {Workspace} workspace
 * @returns {string[]}
 */
export function emittedJavaScript(workspace) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir @param {string} shown @param {boolean} recurse */
  const scan = (dir, shown, recurse) => {
    if (!existsSync(dir)) return;
    const entries = readdirSync(dir, { withFileTypes: true });
    const names = new Set(entries.map((entry) => entry.name));
    for (const entry of entries) {
      if (entry.isDirectory() && recurse && entry.name !== 'node_modules' && entry.name !== 'dist') scan(join(dir, entry.name), `${shown}/${entry.name}`, true);
      const match = /^(.*)\.js$/.exec(entry.name);
      if (entry.isFile() && match && (names.has(`${match[1]}.ts`) || names.has(`${match[1]}.tsx`))) found.push(`${shown}/${entry.name}`);
    }
  };
  for (const pkg of workspace.packages) {
    scan(pkg.absoluteDir, pkg.dir, false);
    for (const sub of ['src', 'test', 'bench']) scan(join(pkg.absoluteDir, sub), `${pkg.dir}/${sub}`, true);
  }
  return found;
}
