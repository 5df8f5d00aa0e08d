import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentConfigError } from './definitions';
import { createExperimentRegistry, createFileConfigSource, createStaticConfigSource, describeAllocation, experimentSourceFor } from './registry';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const NOW = Date.parse('2026-11-10T00:00:00Z');
const yaml = (weights: [number, number], ranker = 'heuristic') => `version: 1
holdout: { percent: 10, salt: h1 }
experiments:
  - key: ranker
    surface: home
    start: 2026-11-01T00:00:00Z
    allocation: { from: 0, to: 50 }
    traffic: 40
    variants:
      - { key: control, weight: ${weights[0]} }
      - { key: treatment, weight: ${weights[1]}, params: { ranker: ${ranker} } }
`;

function logger() {
  const lines: { level: string; message: string; object: object }[] = [];
  const at = (level: string) => (object: object, message: string) => lines.push({ level, message, object });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('experiment registry', () => {
  it('loads a file, hot-reloads edits and keeps serving the last good definitions when an edit is bad', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-experiments-'));
    dirs.push(dir);
    const path = join(dir, 'experiments.yaml');
    await writeFile(path, yaml([1, 1]));
    const log = logger();
    const validateParams = (params: Readonly<Record<string, unknown>>) => (params.ranker === undefined || ['bundle', 'heuristic'].includes(params.ranker as string) ? [] : [`ranker: expected bundle or heuristic, got ${String(params.ranker)}`]);
    const registry = createExperimentRegistry({ source: createFileConfigSource(path), surface: 'home', validateParams, logger: log, now: () => NOW });
    const first = await registry.load();
    expect(first.config.experiments).toHaveLength(1);
    expect(first.version).toMatch(/^[0-9a-f]{12}$/);
    expect(await registry.refresh()).toBe(false); // unchanged text

    await writeFile(path, yaml([1, 3]));
    expect(await registry.refresh()).toBe(true);
    expect(registry.current().config.experiments[0]!.variants[1]!.weight).toBe(3);
    expect(log.lines.some((line) => line.level === 'warn' && JSON.stringify(line.object).includes('variant weights changed'))).toBe(true);

    await writeFile(path, yaml([1, 3], 'nonsense'));
    expect(await registry.refresh()).toBe(false);
    expect(registry.current().config.experiments[0]!.variants[1]!.params).toEqual({ ranker: 'heuristic' });
    const refused = log.lines.find((line) => line.level === 'error')!;
    expect(String((refused.object as { err: Error }).err.message)).toContain('experiments["ranker"].variants["treatment"].params: ranker: expected bundle or heuristic, got nonsense');
  });

  it('refuses to start on invalid definitions, and treats a missing file as an error', async () => {
    const bad = createExperimentRegistry({ source: createStaticConfigSource('version: 2\n', 'bundle'), surface: 'home' });
    await expect(bad.load()).rejects.toBeInstanceOf(ExperimentConfigError);
    const missing = createExperimentRegistry({ source: createFileConfigSource('/nonexistent/experiments.yaml') });
    await expect(missing.load()).rejects.toThrow(/no such file/);
  });

  it('assigns for its surface and serves no experiments when the source has none', async () => {
    const source = createStaticConfigSource(undefined, 'bundle');
    const registry = createExperimentRegistry({ source, surface: 'search', now: () => NOW });
    await registry.load();
    expect(registry.current().version).toBe('empty');
    expect(registry.assign({ userId: 'user-1' }).variants).toEqual([]);
    source.update(yaml([1, 1]));
    await registry.refresh();
    // the holdout pseudo-experiment applies everywhere; the home experiment does not apply to search
    expect(registry.assign({ userId: 'user-1' }).variants.map((v) => v.key)).toEqual(['global-holdout']);
  });

  it('describes allocation as shares of all users', () => {
    const source = createStaticConfigSource(yaml([1, 3]));
    const registry = createExperimentRegistry({ source, now: () => NOW });
    return registry.load().then(({ config }) => {
      const allocation = describeAllocation(config, NOW);
      expect(allocation.holdout).toEqual({ key: 'global-holdout', percent: 10 });
      // 90 % outside the holdout × 50 % of the layer × 40 % traffic = 18 %, split 1:3
      expect(allocation.experiments[0]!.share).toBeCloseTo(0.18, 12);
      expect(allocation.experiments[0]!.variants.map((v) => v.share)).toEqual([expect.closeTo(0.045, 12), expect.closeTo(0.135, 12)]);
    });
  });
});

describe('experimentSourceFor (a service\'s MIXTAPE_EXPERIMENTS setting)', () => {
  it('reads none, a file, the bundle\'s part or Redis, and says what is missing', async () => {
    expect(experimentSourceFor(undefined)).toBeUndefined();
    expect(experimentSourceFor('  ')).toBeUndefined();
    expect(experimentSourceFor('/etc/mixtape/experiments.yaml')?.description).toBe('file:/etc/mixtape/experiments.yaml');
    const serving: { part?: string } = {};
    const bundle = experimentSourceFor('bundle', { bundle: () => serving.part })!;
    expect(await bundle.read()).toBeUndefined();
    serving.part = yaml([1, 1]);
    expect(await bundle.read()).toBe(serving.part);
    const redis = createStaticConfigSource('version: 1', 'redis:experiments:definitions');
    expect(experimentSourceFor('redis', { redis })).toBe(redis);
    expect(() => experimentSourceFor('redis')).toThrow(/no Redis is configured \(set MIXTAPE_REDIS_URL/);
    expect(() => experimentSourceFor('bundle')).toThrow(/does not open the bundle's experiments part/);
  });
});
