import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from './workspace';

describe('findWorkspaceRoot', () => {
  const root = mkdtempSync(join(tmpdir(), 'mixtape-workspace-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('walks up to the directory holding pnpm-workspace.yaml', () => {
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    const nested = join(root, 'packages', 'x', 'dist');
    mkdirSync(nested, { recursive: true });
    expect(findWorkspaceRoot(nested)).toBe(root);
    expect(findWorkspaceRoot(root)).toBe(root);
  });

  it('says where it looked when there is no workspace above', () => {
    const outside = mkdtempSync(join(tmpdir(), 'mixtape-no-workspace-'));
    try {
      expect(() => findWorkspaceRoot(outside)).toThrow(/pnpm-workspace\.yaml\) above .*mixtape-no-workspace-/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
