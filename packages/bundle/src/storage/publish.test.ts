import { describe, expect, it } from 'vitest';
import { defaultBundleVersion, inferContentType, inferRole } from './publish';

describe('bundle naming', () => {
  it('builds time-ordered versions with a content hash', () => {
    const files = [
      { path: 'b.bin', sha256: '1'.repeat(64) },
      { path: 'a.bin', sha256: '2'.repeat(64) },
    ];
    const version = defaultBundleVersion(files, new Date('2026-11-22T00:15:00.456Z'));
    expect(version).toMatch(/^2026-11-22T00-15-00Z-[0-9a-f]{8}$/);
    // Same content in another order → same hash; different content → different hash.
    expect(defaultBundleVersion([...files].reverse(), new Date('2026-11-22T00:15:00Z'))).toBe(version);
    expect(defaultBundleVersion([{ path: 'a.bin', sha256: '3'.repeat(64) }], new Date('2026-11-22T00:15:00Z'))).not.toBe(version);
  });

  it('infers roles and content types from paths', () => {
    expect(inferRole('indexes/items.hnsw')).toBe('index');
    expect(inferRole('catalog/tracks.msgpack')).toBe('catalog');
    expect(inferRole('models/ranker.json')).toBe('model');
    expect(inferRole('items.faiss')).toBe('index');
    expect(inferRole('README.md')).toBe('other');
    expect(inferContentType('catalog/tracks.json')).toBe('application/json');
    expect(inferContentType('vectors/items.f32')).toBe('application/octet-stream');
  });
});
