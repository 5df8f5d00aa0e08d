import { describe, expect, it } from 'vitest';
import { ManifestInvalidError } from './errors';
import { parseManifest, serializeManifest } from './manifest';

const sha = 'a'.repeat(64);
const valid = {
  schemaVersion: 1,
  version: '2026-11-22T00-15-00Z-1a2b3c4d',
  createdAt: '2026-11-22T00:15:00.000Z',
  producer: 'mixtape build',
  files: [
    { path: 'indexes/items.hnsw', size: 10, sha256: sha, role: 'index', index: { dim: 64, metric: 'ip', factory: 'HNSW32', count: 5, efSearch: 64 } },
  ],
  gitSha: 'abc123',
};

describe('parseManifest', () => {
  it('accepts a valid manifest, keeps extra metadata and defaults the content type', () => {
    const manifest = parseManifest(JSON.stringify(valid));
    expect(manifest.files[0]?.contentType).toBe('application/octet-stream');
    expect(manifest.files[0]?.index).toMatchObject({ efSearch: 64 });
    expect((manifest as Record<string, unknown>).gitSha).toBe('abc123');
    expect(parseManifest(serializeManifest(manifest))).toEqual(manifest);
  });

  it('names every bad field', () => {
    const bad = {
      ...valid,
      files: [
        { ...valid.files[0], sha256: 'xyz' },
        { path: '../escape', size: -1, sha256: sha, role: 'other' },
        { ...valid.files[0] },
      ],
    };
    let error: unknown;
    try {
      parseManifest(bad, 's3://b/p/bundles/v/manifest.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestInvalidError);
    const message = (error as Error).message;
    expect(message).toContain('s3://b/p/bundles/v/manifest.json');
    expect(message).toContain('files.0.sha256');
    expect(message).toContain('files.1.path');
    expect(message).toContain('files.1.size');
    expect(message).toContain('duplicate file path "indexes/items.hnsw"');
  });

  it('rejects JSON syntax errors and unknown schema versions', () => {
    expect(() => parseManifest('{"version":', 'm.json')).toThrow(/m.json is not valid JSON/);
    expect(() => parseManifest({ ...valid, schemaVersion: 2 })).toThrow(/schemaVersion/);
  });
});
