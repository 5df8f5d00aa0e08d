import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root (where pnpm-workspace.yaml lives), from source or from dist. */
export function findWorkspaceRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let directory = resolve(start);
  while (!existsSync(join(directory, 'pnpm-workspace.yaml'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot find the Mixtape workspace root above ${start}`);
    directory = parent;
  }
  return directory;
}
