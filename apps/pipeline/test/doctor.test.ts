import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '@mixtape/bundle/testing';
import { checkFaiss, checkNode, checkS3, checkThreads, formatChecks } from '../src/commands/doctor';
import { createProgram } from '../src/cli';

describe('mixtape doctor', () => {
  let s3: LocalS3;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'doctor-s3-'));
    s3 = await startLocalS3({ directory });
  });
  afterAll(async () => {
    await s3.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('accepts Node 20+ and tells how to fix older ones', () => {
    expect(checkNode('20.20.2').status).toBe('ok');
    const old = checkNode('18.19.0');
    expect(old.status).toBe('fail');
    expect(old.fix).toMatch(/Node >= 20/);
  });

  it('loads the patched FAISS and names the BLAS it uses', async () => {
    const [faiss, blas, threads] = await checkFaiss();
    expect(faiss).toMatchObject({ name: 'faiss', status: 'ok' });
    expect(faiss!.detail).toMatch(/FAISS 1\.\d+\.\d+/);
    expect(blas!.name).toBe('blas');
    expect(threads!.name).toBe('threads');
  });

  it('warns when OpenMP and OpenBLAS threads oversubscribe the cores', () => {
    expect(checkThreads(2, 2, {}, 2)).toMatchObject({ status: 'warn', fix: expect.stringMatching(/OPENBLAS_NUM_THREADS=1/) });
    expect(checkThreads(2, 1, { OPENBLAS_NUM_THREADS: '1' }, 2).status).toBe('ok');
  });

  it('reports S3 reachability: OK against a live S3 server, FAIL with a fix against a closed port', async () => {
    const live = await checkS3('s3://mixtape/bundles', { MIXTAPE_S3_ENDPOINT: s3.endpoint });
    expect(live.status).toBe('ok');
    expect(live.detail).toMatch(/none published yet/);
    const dead = await checkS3('s3://mixtape/bundles', { MIXTAPE_S3_ENDPOINT: 'http://127.0.0.1:9' });
    expect(dead.status).toBe('fail');
    expect(dead.detail).toMatch(/127\.0\.0\.1:9/);
    expect(formatChecks([dead])).toMatch(/fix: check MIXTAPE_S3_ENDPOINT/);
    expect(await checkS3(undefined, {})).toEqual({ name: 's3', status: 'skip', detail: 'no bundle location given (--bundle or MIXTAPE_BUNDLE)' });
    expect(await checkS3('file:///srv/bundles', {})).toEqual({ name: 's3', status: 'skip', detail: 'file:///srv/bundles is not an s3:// location: no S3 to reach' });
  });

  it('offers --help on every command', () => {
    const program = createProgram();
    for (const command of program.commands) expect(command.helpInformation()).toMatch(/Usage: mixtape/);
  });
});
