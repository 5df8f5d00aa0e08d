import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../registry/build';
import { loadParts } from '../registry/open';
import { createPartRegistry } from '../registry/registry';
import { publishBundle } from '../storage/publish';
import { createFileStore } from '../storage/stores/file-store';
import { experimentsPart } from './experiments';

const DEFINITIONS = `version: 1
holdout: { percent: 5, salt: h }
experiments:
  - key: ranker
    surface: home
    start: 2026-11-01T00:00:00Z
    variants: [{ key: control, weight: 1 }, { key: heuristic, weight: 1, params: { ranker: heuristic } }]
`;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mixtape-experiments-part-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('experiments part', () => {
  it('ships a validated definitions file with the bundle and opens it', async () => {
    const file = join(work, 'experiments.yaml');
    await writeFile(file, DEFINITIONS);
    const registry = createPartRegistry([experimentsPart]);
    const built = await buildBundle(registry, { directory: join(work, 'build'), options: { experiments: { file } } });
    const store = createFileStore({ directory: join(work, 'store') });
    await publishBundle(store, built.files, { producer: 'test', version: 'v1' });
    const opened = await loadParts(store, [experimentsPart], { cacheDir: join(work, 'cache') });
    expect(opened.parts.experiments?.text).toBe(DEFINITIONS);
    expect(opened.parts.experiments?.config.experiments[0]!.key).toBe('ranker');
    expect(built.files.map((f) => f.path)).toEqual(['experiments/definitions.yaml']);
  });

  it('is absent without a file, and an invalid file fails the build', async () => {
    const registry = createPartRegistry([experimentsPart]);
    const empty = await buildBundle(registry, { directory: join(work, 'build-empty') });
    expect(empty.files).toEqual([]);
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, DEFINITIONS.replace('weight: 1 }, {', 'weight: -1 }, {'));
    await expect(buildBundle(registry, { directory: join(work, 'build-bad'), options: { experiments: { file: bad } } })).rejects.toThrow(/invalid experiment definitions/);
  });
});
