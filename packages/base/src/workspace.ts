import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The Mixtape workspace root (the directory holding pnpm-workspace.yaml) at or above `start`:
 * tools and the demo find the repository's scripts and data from their own location.
 */
export function findWorkspaceRoot(start: string): string {
  let directory = resolve(start);
  while (!existsSync(join(directory, 'pnpm-workspace.yaml'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot find the Mixtape workspace root (pnpm-workspace.yaml) above ${start}`);
    directory = parent;
  }
  return directory;
}
