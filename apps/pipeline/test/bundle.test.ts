import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useLocalS3, withoutAwsRegion } from '@mixtape/bundle/testing';
import { registerBundleCommand } from '../src/commands/bundle';

describe('mixtape bundle', () => {
  const local = useLocalS3('bundle-cli');
  let source: string;

  beforeAll(async () => {
    source = join(local.dir, 'source');
    await mkdir(join(source, 'indexes'), { recursive: true });
    await mkdir(join(source, 'catalog'), { recursive: true });
    await writeFile(join(source, 'indexes', 'items.hnsw'), Buffer.alloc(4096, 3));
    await writeFile(join(source, 'catalog', 'tracks.json'), '{"tracks":[]}');
  });

  async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return runWith({ MIXTAPE_S3_ENDPOINT: local.s3.endpoint }, ...args);
  }

  async function runWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    // Like the real CLI: the program owns -v/--version, subcommands have their own --version.
    const program = new Command('mixtape').version('0.0.0-test', '-v, --version').exitOverride();
    registerBundleCommand(program, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env,
    });
    await program.parseAsync(['node', 'mixtape', ...args]);
    return { stdout, stderr };
  }

  it('publishes, lists, shows, promotes, rolls back and prunes on s3://', async () => {
    const uri = 's3://mixtape/cli-test';
    expect((await run('bundle', 'publish', source, uri, '--version', 'v1', '--quiet')).stdout).toMatch(/^published v1: 2 files.*LATEST moved/);
    await run('bundle', 'publish', source, uri, '--version', 'v2', '--quiet');
    await run('bundle', 'publish', source, uri, '--version', 'v3', '--quiet', '--no-latest');

    const listed = await run('bundle', 'ls', uri);
    expect(listed.stdout).toMatch(/\*\s+v2\s+complete/);
    expect(listed.stdout).toContain('v3');
    const json = JSON.parse((await run('bundle', 'ls', uri, '--json')).stdout) as Array<{ version: string; isLatest: boolean }>;
    expect(json.find((entry) => entry.isLatest)?.version).toBe('v2');

    const shown = await run('bundle', 'show', uri);
    expect(shown.stdout).toMatch(/version\s+v2 {2}\(LATEST\)/);
    expect(shown.stdout).toMatch(/indexes\/items\.hnsw\s+index\s+4\.0 KiB/);
    const manifest = JSON.parse((await run('bundle', 'show', uri, '--version', 'v1', '--json')).stdout) as { version: string };
    expect(manifest.version).toBe('v1');

    expect((await run('bundle', 'promote', uri, '--version', 'v3')).stdout).toBe('LATEST → v3 (was v2)\n');
    expect((await run('bundle', 'rollback', uri)).stdout).toBe('LATEST → v2 (was v3)\n');
    expect((await run('bundle', 'verify', uri, '--quiet')).stdout).toMatch(/^ok v2: 2 files/);
    expect((await run('bundle', 'prune', uri, '--keep', '1', '--dry-run')).stdout).toContain('would delete 1: v1');
  });

  it('fails with a clear error for a missing version and a bad URI', async () => {
    await expect(run('bundle', 'show', 's3://mixtape/cli-test', '--version', 'nope')).rejects.toThrow(/version "nope" was requested but its manifest .* does not exist/);
    await expect(run('bundle', 'ls', 'gs://x/y')).rejects.toThrow(/unsupported bundle URI/);
  });

  it('s3:// with neither a region nor an endpoint says which location and which variables to set', async () => {
    // The AWS SDK reads AWS_REGION and the profile (config and credentials files) from the process itself: take them away.
    withoutAwsRegion();
    try {
      await expect(runWith({}, 'bundle', 'show', 's3://bucket/prefix')).rejects.toThrow(
        /no S3 region for s3:\/\/bucket\/prefix: .*Set AWS_REGION .*AWS_DEFAULT_REGION.*MIXTAPE_S3_ENDPOINT/,
      );
      // publish fails before hashing the directory (no progress line), not after it
      let stderr = '';
      const program = new Command('mixtape').exitOverride();
      registerBundleCommand(program, { stdout: () => {}, stderr: (text) => void (stderr += text), env: {} });
      await expect(program.parseAsync(['node', 'mixtape', 'bundle', 'publish', source, 's3://bucket/prefix'])).rejects.toThrow(/^no S3 region for s3:\/\/bucket\/prefix: /);
      expect(stderr).toBe('');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('works on file:// stores', async () => {
    const uri = `file://${join(local.dir, 'file-store')}`;
    await run('bundle', 'publish', source, uri, '--version', 'f1', '--quiet');
    expect((await run('bundle', 'ls', uri)).stdout).toMatch(/\*\s+f1\s+complete/);
  });
});
