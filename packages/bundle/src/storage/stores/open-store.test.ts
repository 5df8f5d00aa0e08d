import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoreUri } from './open-store';

describe('parseStoreUri', () => {
  it('parses s3 and file URIs and plain paths', () => {
    expect(parseStoreUri('s3://my-bucket/team/bundles/')).toEqual({ kind: 's3', bucket: 'my-bucket', prefix: 'team/bundles' });
    expect(parseStoreUri('s3://my-bucket')).toEqual({ kind: 's3', bucket: 'my-bucket', prefix: '' });
    expect(parseStoreUri('file:///var/lib/mixtape')).toEqual({ kind: 'file', directory: '/var/lib/mixtape' });
    expect(parseStoreUri('out/bundles')).toEqual({ kind: 'file', directory: path.resolve('out/bundles') });
  });

  it('explains what is wrong with a bad URI', () => {
    expect(() => parseStoreUri('gs://bucket/x')).toThrow(/unsupported bundle URI "gs:\/\/bucket\/x": expected s3:\/\/bucket\/prefix/);
    expect(() => parseStoreUri('s3://Bad_Bucket/x')).toThrow(/not a valid S3 bucket name/);
    expect(() => parseStoreUri('')).toThrow(/empty bundle URI/);
  });
});
