import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExperimentLog } from '@mixtape/experiments';
import { syntheticExperimentLog } from '@mixtape/experiments/testing';
import { createRedisClient, createRedisExperimentConfigSource, createRedisExperimentLogSink } from '@mixtape/redis-state';
import { redisServerAvailability, startLocalRedis } from '@mixtape/redis-state/testing';
import type { LocalRedis } from '@mixtape/redis-state/testing';
import { registerExperimentCommand } from '../src/commands/experiment';

const availability = redisServerAvailability();
// Skipped only on a developer machine without redis-server; CI must run these (setup.sh installs it).
if (process.env.CI && !availability.available) throw new Error('redis-server is required in CI: run tooling/scripts/setup.sh');

async function run(args: string[]) {
  let stdout = '';
  const program = new Command('mixtape').exitOverride();
  registerExperimentCommand(program, { stdout: (text) => (stdout += text), stderr: () => undefined });
  await program.parseAsync(['node', 'mixtape', 'experiment', ...args]);
  return stdout;
}

describe.skipIf(!availability.available)('mixtape experiment export / publish (real redis-server)', () => {
  let server: LocalRedis;
  let dir: string;
  beforeAll(async () => {
    server = await startLocalRedis();
    dir = await mkdtemp(join(tmpdir(), 'mixtape-experiment-redis-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports the streams the services wrote to JSONL, record for record', async () => {
    const log = syntheticExperimentLog({ users: 50, seed: 1 });
    const client = createRedisClient({ url: server.url, keyPrefix: 'mixtape:', commandTimeoutMs: 5000 });
    await client.ready();
    await createRedisExperimentLogSink(client).append([...log.exposures, ...log.events]);
    await client.close();
    await run(['export', '--redis', server.url, '--out', join(dir, 'log')]);
    expect((await readdir(join(dir, 'log'))).some((name) => name.startsWith('events-'))).toBe(true);
    const records = await readExperimentLog([join(dir, 'log')]);
    expect(records.filter((r) => r.kind === 'exposure')).toHaveLength(log.exposures.length);
    expect(records.filter((r) => r.kind === 'event')).toHaveLength(log.events.length);
  });

  it('publishes validated definitions and refuses invalid ones', async () => {
    const file = join(dir, 'experiments.yaml');
    await writeFile(file, 'version: 1\nexperiments:\n  - key: x\n    surface: home\n    start: 2026-11-02T00:00:00Z\n    variants: [{ key: a, weight: 1 }, { key: b, weight: 1 }]\n');
    expect(await run(['publish', file, '--redis', server.url])).toContain('published 1 experiments to redis:mixtape:experiments:definitions');
    const client = createRedisClient({ url: server.url, keyPrefix: 'mixtape:' });
    await client.ready();
    expect(await createRedisExperimentConfigSource(client).read()).toContain('key: x');
    await client.close();
    await writeFile(file, 'version: 1\nexperiments: [{ key: x }]\n');
    await expect(run(['publish', file, '--redis', server.url])).rejects.toThrow(/invalid experiment definitions/);
  });
});
