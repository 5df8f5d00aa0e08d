#!/usr/bin/env node
// @ts-check
// `pnpm lint` (turbo) runs this once for the whole workspace: the declared package graph keeps
// the layers and has no cycles. Prints one line per problem and exits 1 when there is any.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageGraphProblems } from './package-graph.js';
import { readWorkspace } from './workspace.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const workspace = readWorkspace(root);
const problems = packageGraphProblems(workspace);
for (const problem of problems) process.stderr.write(`boundaries: ${problem}\n`);
if (problems.length > 0) {
  process.stderr.write(`boundaries: ${problems.length} problem(s) in the package graph (layers: tooling/boundaries/README.md)\n`);
  process.exit(1);
}
process.stdout.write(`boundaries: ${workspace.packages.length} packages, layers kept, no dependency cycles\n`);
