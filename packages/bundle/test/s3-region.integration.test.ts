import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BundleError, createPipelineS3, createS3Store, openBundleStore, publishBundle, s3StoreOptions } from '../src/index';
import { useLocalS3, withoutAwsCredentials, withoutAwsRegion } from './helpers';

const local = useLocalS3('region');

// The AWS SDK looks for a region in AWS_REGION and in the AWS profile (config and credentials
// files); take them all away so the test means the same on a laptop with ~/.aws as on CI.
beforeEach(() => {
  withoutAwsRegion();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function failure(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

describe('S3 without a region (real SDK client)', () => {
  it('AWS S3: names the s3:// location and how to give a region, instead of "Region is missing"', async () => {
    // What the CLI and the services build from an environment with neither a region nor an endpoint.
    const store = openBundleStore('s3://mixtape/prod/home', { s3: s3StoreOptions({}) });
    try {
      const error = await failure(store.head('LATEST'));
      expect(error.code).toBe('STORE_REGION_MISSING');
      expect(error.message).toContain('no S3 region for s3://mixtape/prod/home');
      expect(error.message).toContain('AWS_REGION');
      expect(error.message).toContain('AWS_DEFAULT_REGION');
      expect(error.message).toContain('MIXTAPE_S3_ENDPOINT');
      expect(error.message).not.toMatch(/^Region is missing/);
      // Every later request says the same; nothing is retried into a different error.
      expect((await failure(store.getBytes('LATEST'))).code).toBe('STORE_REGION_MISSING');
      expect((await failure(store.list(''))).code).toBe('STORE_REGION_MISSING');
    } finally {
      await store.close();
    }
  });

  it('an S3-compatible endpoint without a region fails before any request reaches the server; AWS_REGION alone then suffices', async () => {
    const { endpoint, forcePathStyle, credentials } = local.s3.s3Options;
    const before = local.s3.requests.length;
    const store = createS3Store({ endpoint, forcePathStyle, credentials, bucket: 'mixtape', prefix: 'region' });
    try {
      const error = await failure(store.putBytes('hello.txt', 'hi'));
      expect(error.code).toBe('STORE_REGION_MISSING');
      expect(error.message).toContain(`no S3 region for s3://mixtape/region at ${endpoint}`);
      expect(error.message).toContain('pass `region`');
      expect(local.s3.requests.length).toBe(before);
    } finally {
      await store.close();
    }

    // The SDK's own chain (AWS_REGION) is honoured: the check does not demand an explicit option.
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const withRegion = createS3Store({ endpoint, forcePathStyle, credentials, bucket: 'mixtape', prefix: 'region' });
    try {
      await withRegion.putBytes('hello.txt', 'hi');
      expect(Buffer.from((await withRegion.getBytes('hello.txt')) ?? []).toString()).toBe('hi');
    } finally {
      await withRegion.close();
    }
  });

  it('withoutAwsRegion also takes away a region in the credentials file (the SDK merges its profile into the config)', async () => {
    const { endpoint, forcePathStyle, credentials } = local.s3.s3Options;
    const credentialsFile = path.join(local.dir, 'aws-credentials-with-region');
    await writeFile(credentialsFile, '[default]\nregion = us-east-1\n');
    const open = () => createS3Store({ endpoint, forcePathStyle, credentials, bucket: 'mixtape', prefix: 'credentials-region' });
    // what the tests stubbed before: no AWS_REGION, an empty config file — the credentials file's region still counts
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentialsFile);
    const laptop = open();
    try {
      await laptop.putBytes('hello.txt', 'hi');
    } finally {
      await laptop.close();
    }
    withoutAwsRegion();
    const none = open();
    try {
      expect((await failure(none.putBytes('hello.txt', 'hi'))).code).toBe('STORE_REGION_MISSING');
    } finally {
      await none.close();
    }
  });

  // The two settings every request needs, each missing in turn. ready() settles both without a request, and
  // publishBundle calls it before hashing — before, every file was hashed (gigabytes for a 50k bundle), then the
  // first upload failed.
  it.each([
    {
      missing: 'an S3-compatible endpoint without a region',
      code: 'STORE_REGION_MISSING',
      // with the local server's endpoint, so that "no request reached it" is counted
      open: () => {
        const { endpoint, forcePathStyle, credentials } = local.s3.s3Options;
        return createS3Store({ endpoint, forcePathStyle, credentials, bucket: 'mixtape', prefix: 'region-publish' });
      },
      message: () => [`no S3 region for s3://mixtape/region-publish at ${local.s3.s3Options.endpoint}`],
    },
    {
      missing: 'AWS S3 with a region but no credentials anywhere',
      code: 'STORE_CREDENTIALS_MISSING',
      // what the CLI builds from AWS_REGION alone (no endpoint, so no dummy credentials), with a real SDK client
      open: () => {
        vi.stubEnv('AWS_REGION', 'eu-west-1');
        withoutAwsCredentials();
        return openBundleStore('s3://mixtape/prod/home', { s3: s3StoreOptions({ region: 'eu-west-1' }) });
      },
      message: () => [/^no S3 credentials for s3:\/\/mixtape\/prod\/home \(/, 'AWS_ACCESS_KEY_ID', 'AWS_PROFILE'],
    },
  ])('$missing: ready() and publishBundle fail with $code before any work or request, naming the location and what to set', async ({ code, open, message }) => {
    const before = local.s3.requests.length;
    const store = open();
    const source = path.join(local.dir, `publish-${code}`);
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'a.bin'), Buffer.alloc(64 * 1024, 7));
    try {
      const ready = await failure(store.ready());
      expect(ready.code).toBe(code);
      for (const part of message()) expect(ready.message).toMatch(part);
      const phases: string[] = [];
      const published = await failure(publishBundle(store, source, { producer: 'test', onProgress: (progress) => phases.push(progress.phase) }));
      expect(published.code).toBe(code);
      expect(published.message).toBe(ready.message);
      expect(phases).toEqual([]); // nothing hashed
      expect(local.s3.requests.length).toBe(before);
    } finally {
      await store.close();
    }
  });

  it('ready() resolves when nothing is missing, still sending nothing: a file store, AWS S3 with keys in the env', async () => {
    // a file store has nothing to settle
    await expect(openBundleStore(path.join(local.dir, 'file-store')).ready()).resolves.toBeUndefined();
    // The SDK's chain is honoured: the key variables alone suffice (there is no AWS here: a request would fail)
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    withoutAwsCredentials();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
    const withKeys = openBundleStore('s3://mixtape/prod/home', { s3: s3StoreOptions({ region: 'eu-west-1', hasCredentials: true }) });
    try {
      await expect(withKeys.ready()).resolves.toBeUndefined();
    } finally {
      await withKeys.close();
    }
  });

  it('ready({ signal }): an aborted signal stops it before the region and while the credentials are resolved, saying where and what', async () => {
    // An already-aborted signal: nothing is resolved, the rejection names the location and the stage.
    const reason = new Error('shutting down');
    const store = openBundleStore('s3://mixtape/prod/home', { s3: s3StoreOptions({ region: 'eu-west-1' }) });
    try {
      const error = await store.ready({ signal: AbortSignal.abort(reason) }).then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
      expect(error?.name).toBe('AbortError');
      expect(error?.message).toBe('s3://mixtape/prod/home: resolving the S3 region: aborted');
      expect(error?.cause).toBe(reason);
    } finally {
      await store.close();
    }
    // A credential provider that never answers (as the SDK's instance-metadata provider can wait): the abort
    // cuts the wait short. The provider is the SDK client's own option, not a stand-in for the client.
    const hung = createS3Store({ bucket: 'mixtape', prefix: 'hung', region: 'eu-west-1', credentials: () => new Promise(() => {}) });
    const controller = new AbortController();
    try {
      const waiting = hung.ready({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(waiting).rejects.toThrow('s3://mixtape/hung: resolving the S3 credentials: aborted');
    } finally {
      await hung.close();
    }
    // publishBundle hands its signal to ready(): an aborted publish hashes nothing
    const source = path.join(local.dir, 'publish-aborted');
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'a.bin'), Buffer.alloc(1024, 7));
    const phases: string[] = [];
    const fileStore = openBundleStore(path.join(local.dir, 'file-store-aborted'));
    await expect(fileStore.ready({ signal: AbortSignal.abort() })).rejects.toThrow(/^file:\/\/.*file-store-aborted: ready: aborted$/);
    await expect(publishBundle(fileStore, source, { producer: 'test', signal: AbortSignal.abort(), onProgress: (progress) => phases.push(progress.phase) })).rejects.toThrow(/file-store-aborted: ready: aborted$/);
    expect(phases).toEqual([]);
  });

  it('pipeline S3 access (createPipelineS3) names the location too', async () => {
    const s3 = createPipelineS3({});
    const error = await failure(s3.list('s3://mixtape/pipeline-out/'));
    expect(error.code).toBe('STORE_REGION_MISSING');
    expect(error.message).toContain('no S3 region for s3://mixtape/pipeline-out/');
    expect(error.message).toContain('MIXTAPE_S3_ENDPOINT');
    const again = await failure(s3.getText('s3://mixtape/other/part-0.json'));
    expect(again.message).toContain('s3://mixtape/other/part-0.json');
  });
});
