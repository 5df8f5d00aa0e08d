import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAPPED_DOCUMENTS, missingDocumentPaths } from './doc-paths.js';

describe('missingDocumentPaths', () => {
  it('reports code paths and relative links that do not exist, and ignores globs, URLs and anchors', () => {
    const root = mkdtempSync(join(tmpdir(), 'doc-paths-'));
    try {
      for (const file of ['docs/architecture.md', 'packages/catalog/src/catalog-store.ts', 'apps/home/README.md']) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), '');
      }
      writeFileSync(
        join(root, 'docs/architecture.md'),
        [
          '| store | `packages/catalog/src/catalog-store.ts` |',
          '| gone | `packages/artifacts/src/publish.ts`, |',
          '| globs | `apps/*/src/config.ts`, `packages/{a,b}` |',
          '[home](../apps/home/README.md) [moved](../apps/search/README.md) [web](https://example.com) [here](#data-flow)',
        ].join('\n'),
      );
      expect(missingDocumentPaths(root, 'docs/architecture.md')).toEqual([
        'docs/architecture.md names packages/artifacts/src/publish.ts, which does not exist: update the document',
        'docs/architecture.md names ../apps/search/README.md, which does not exist: update the document',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('holds for this repository', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    expect(MAPPED_DOCUMENTS.flatMap((document) => missingDocumentPaths(root, document))).toEqual([]);
  });
});
