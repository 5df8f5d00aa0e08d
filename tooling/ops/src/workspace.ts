import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findWorkspaceRoot as findWorkspaceRootAbove } from '@mixtape/base';

/** The workspace root (where pnpm-workspace.yaml lives), from source or from dist. */
export function findWorkspaceRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  return findWorkspaceRootAbove(start);
}
