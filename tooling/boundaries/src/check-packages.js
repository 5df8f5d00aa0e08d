#!/usr/bin/env node
// @ts-check
// `pnpm lint` (turbo) runs this once for the whole workspace: the declared package graph keeps
// the layers and has no cycles, and the documents that map the repository name only files that
// exist. Prints one line per problem and exits 1 when there is any.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAPPED_DOCUMENTS, missingDocumentPaths } from './doc-paths.js';
import { packageGraphProblems } from './package-graph.js';
import { readWorkspace } from './workspace.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const workspace = readWorkspace(root);
const problems = [...packageGraphProblems(workspace), ...MAPPED_DOCUMENTS.flatMap((document) => missingDocumentPaths(root, document))];
for (const problem of problems) process.stderr.write(`boundaries: ${problem}\n`);
if (problems.length > 0) {
  process.stderr.write(`boundaries: ${problems.length} problem(s) (see tooling/boundaries/README.md)\n`);
  process.exit(1);
}
process.stdout.write(`boundaries: ${workspace.packages.length} packages, layers kept, no dependency cycles, documented paths exist\n`);
