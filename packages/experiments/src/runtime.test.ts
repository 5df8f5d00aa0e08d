import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJsonlLogSink, readExperimentLog } from './log';
import type { ExperimentLogSink } from './log';
import { createStaticConfigSource } from './registry';
import { ExperimentAttributesError, createExperimentRuntime, serviceExperimentOptions } from './runtime';

const NOW = Date.parse('2026-11-10T12:00:00Z');
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const paramsSchema = z.object({ ranker: z.enum(['bundle', 'heuristic']), limit: z.number().int().min(1) }).partial().strict();
const DEFINITIONS = `version: 1
layers: [{ key: ranking }]
experiments:
  - key: ranker
    surface: home
    layer: ranking
    start: 2026-11-01T00:00:00Z
    variants:
      - { key: control, weight: 1 }
      - { key: heuristic, weight: 1, params: { ranker: heuristic } }
  - key: page-size
    surface: home
    start: 2026-11-01T00:00:00Z
    variants:
      - { key: ten, weight: 1, params: { limit: 10 } }
      - { key: twenty, weight: 1, params: { limit: 20 } }
  - key: fusion
    surface: search
    start: 2026-11-01T00:00:00Z
    variants: [{ key: a, weight: 1, params: { anything: 1 } }, { key: b, weight: 1 }]
`;

describe('experiment runtime', () => {
  it('assigns, types params, logs exposures and events, and describes what it serves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-runtime-'));
    dirs.push(dir);
    const runtime = createExperimentRuntime({ surface: 'home', source: createStaticConfigSource(DEFINITIONS), paramsSchema, sink: createJsonlLogSink({ directory: dir }), now: () => NOW });
    await runtime.start();
    const request = runtime.forRequest('user-3');
    expect(request.experiments.map((e) => e.key)).toEqual(['ranker', 'page-size']);
    expect(request.params.limit === 10 || request.params.limit === 20).toBe(true);
    expect(request.params.ranker === undefined || request.params.ranker === 'heuristic').toBe(true);
    expect(runtime.forRequest(undefined).experiments).toEqual([]);
    runtime.logExposure({ id: 'r1', userId: 'user-3', experiments: request.experiments, items: [{ id: 'track-1', position: 0, shelf: 'made-for-you-1', shelfPosition: 0 }] });
    runtime.logEvents([{ time: new Date(NOW + 1000).toISOString(), userId: 'user-3', trackId: 'track-1', type: 'play', msPlayed: 60_000, shelf: 'made-for-you-1' }]);
    const description = runtime.describe();
    expect(description.experiments.map((e) => e.key)).toEqual(['ranker', 'page-size']);
    expect(description.version).toMatch(/^[0-9a-f]{12}$/);
    await runtime.stop();
    const records = await readExperimentLog([dir]);
    expect(records.map((r) => r.kind).sort()).toEqual(['event', 'exposure']);
    const event = records.find((r) => r.kind === 'event')!;
    expect(event).toMatchObject({ surface: 'home', experiments: request.experiments });
    expect(runtime.counts).toEqual({ exposures: 1, events: 1, logFailures: 0 });
  });

  it('refuses definitions whose params this surface does not know (other surfaces are not its business)', async () => {
    const bad = DEFINITIONS.replace('params: { ranker: heuristic }', 'params: { ranker: fancy }');
    const runtime = createExperimentRuntime({ surface: 'home', source: createStaticConfigSource(bad), paramsSchema });
    await expect(runtime.start()).rejects.toThrow(/experiments\["ranker"\]\.variants\["heuristic"\]\.params: ranker: /);
  });

  it('reads targeting attributes from header text, and refuses text that does not parse', async () => {
    const targeted = DEFINITIONS.replace('    layer: ranking\n', '    layer: ranking\n    targeting: [{ attribute: country, in: [SE] }]\n');
    const runtime = createExperimentRuntime({ surface: 'home', source: createStaticConfigSource(targeted), paramsSchema, now: () => NOW });
    await runtime.start();
    expect(runtime.forRequest('user-3', 'country=SE, premium=true').experiments.map((e) => e.key)).toEqual(['ranker', 'page-size']);
    expect(runtime.forRequest('user-3', 'country=NO').experiments.map((e) => e.key)).toEqual(['page-size']);
    expect(() => runtime.forRequest('user-3', 'country')).toThrow(ExperimentAttributesError);
    expect(() => runtime.forRequest('user-3', '9lives=1')).toThrow(/x-mixtape-attributes: "9lives=1": expected name=value/);
  });

  it('keeps serving when the log fails, and counts the loss', async () => {
    const errors: string[] = [];
    const sink: ExperimentLogSink = { description: 'broken', append: () => Promise.reject(new Error('disk full')), close: () => Promise.resolve() };
    const runtime = createExperimentRuntime({ surface: 'home', source: createStaticConfigSource(DEFINITIONS), paramsSchema, sink, now: () => NOW, logger: { info: () => undefined, warn: () => undefined, error: (_o, message) => errors.push(message) } });
    await runtime.start();
    const request = runtime.forRequest('user-1');
    runtime.logExposure({ userId: 'user-1', experiments: request.experiments, items: [] });
    runtime.logExposure({ userId: 'user-1', experiments: request.experiments, items: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runtime.counts.logFailures).toBe(2);
    expect(errors).toHaveLength(1);
  });
});

describe('serviceExperimentOptions (a service\'s settings)', () => {
  it('no definitions: no source, no log; a file: JSON Lines in the log directory; Redis: its streams', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-settings-'));
    dirs.push(dir);
    expect(serviceExperimentOptions({ pollIntervalMs: 0, logDirectory: dir })).toEqual({ pollIntervalMs: 0 });
    const file = join(dir, 'experiments.yaml');
    await writeFile(file, DEFINITIONS);
    const fromFile = serviceExperimentOptions({ definitions: file, pollIntervalMs: 0, logDirectory: join(dir, 'log') });
    expect(fromFile.source?.description).toBe(`file:${file}`);
    expect(fromFile.sink?.description).toBe(`jsonl:${join(dir, 'log')}`);
    const runtime = createExperimentRuntime({ surface: 'home', paramsSchema, now: () => NOW, ...fromFile });
    await runtime.start();
    const request = runtime.forRequest('user-9');
    runtime.logExposure({ userId: 'user-9', experiments: request.experiments, items: [{ id: 'track-1', position: 0 }] });
    runtime.logEvents([{ time: new Date(NOW).toISOString(), userId: 'user-9', trackId: 'track-1', type: 'play', surface: 'search' }]);
    await runtime.stop();
    const records = await readExperimentLog([join(dir, 'log')]);
    expect(records.find((r) => r.kind === 'event')).toMatchObject({ surface: 'search' });
    const redis = { source: createStaticConfigSource(DEFINITIONS, 'redis:experiments:definitions'), sink: { description: 'redis:streams', append: () => Promise.resolve(), close: () => Promise.resolve() } };
    const fromRedis = serviceExperimentOptions({ definitions: 'redis', pollIntervalMs: 5000, logDirectory: dir }, { redis });
    expect([fromRedis.source, fromRedis.sink, fromRedis.pollIntervalMs]).toEqual([redis.source, redis.sink, 5000]);
    // definitions from a file still log to Redis when the service has it (replicas share the log)
    expect(serviceExperimentOptions({ definitions: file, pollIntervalMs: 0, logDirectory: dir }, { redis }).sink).toBe(redis.sink);
  });
});
