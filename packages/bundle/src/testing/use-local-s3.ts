import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startLocalS3, type LocalS3 } from './local-s3';

/**
 * A local S3 server (s3rver) in a fresh temp directory, started before the file's (or the
 * describe block's) tests and stopped after, the directory removed. `dir` is the temp directory
 * for the tests' own files (the server keeps its objects in `dir/s3rver`). Read both inside hooks
 * and tests: they exist once the server has started.
 */
export function useLocalS3(label: string): { readonly s3: LocalS3; readonly dir: string } {
  let s3: LocalS3 | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `mixtape-${label}-`));
    s3 = await startLocalS3({ directory: join(dir, 's3rver') });
  });
  afterAll(async () => {
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useLocalS3: the server is started in beforeAll; read it inside a hook or test');
    return value;
  };
  return {
    get s3() {
      return started(s3);
    },
    get dir() {
      return started(dir);
    },
  };
}
