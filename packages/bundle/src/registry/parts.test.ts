// The parts registry with small parts of its own (no catalog or FAISS): build in dependency
// order, publish, open by name, refuse what is missing or inconsistent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishBundle } from '../storage/publish';
import { createFileStore } from '../storage/stores/file-store';
import type { BundleStore } from '../storage/stores/types';
import { buildBundle } from './build';
import { definePart } from './define';
import { loadParts, pathsToOpen } from './open';
import { createPartRegistry } from './registry';

const numbersPart = definePart({
  name: 'numbers',
  description: 'count numbers from 1',
  files: { values: 'data/numbers.json' },
  options: { count: 5 },
  build: async ({ options, write }) => {
    const values = Array.from({ length: options.count }, (_, i) => i + 1);
    await write('values', JSON.stringify(values));
    return values;
  },
  open: async ({ read }) => JSON.parse((await read('values')).toString('utf8')) as number[],
  summarize: (values) => `${values.length} numbers`,
});

const sumPart = definePart({
  name: 'sum',
  description: 'the sum of the numbers, and how many there were',
  files: { sum: { path: 'models/sum.json', role: 'model', contentType: 'application/json' } },
  dependsOn: [numbersPart],
  build: async ({ inputs, write, stage }) => {
    const total = await stage('add', () => inputs.numbers.reduce((a, b) => a + b, 0), (value) => `= ${value}`);
    await write('sum', JSON.stringify({ total, count: inputs.numbers.length }), { metadata: { note: 'a test' } });
    return total;
  },
  openDependsOn: [numbersPart],
  open: async ({ read, inputs, version }) => {
    const stored = JSON.parse((await read('sum')).toString('utf8')) as { total: number; count: number };
    if (stored.count !== inputs.numbers.length) throw new Error(`bundle ${version}: the sum covers ${stored.count} numbers, the bundle has ${inputs.numbers.length}`);
    return stored.total;
  },
});

let produceBonus = false;
const bonusPart = definePart({
  name: 'bonus',
  description: 'only sometimes there',
  files: { bonus: 'models/bonus.txt' },
  optional: true,
  dependsOn: [sumPart],
  build: async ({ inputs, write, absent }) => {
    if (!produceBonus) return absent('produceBonus is off');
    await write('bonus', String(inputs.sum * 2));
    return inputs.sum * 2;
  },
  open: async ({ read }) => Number((await read('bonus')).toString('utf8')),
});

describe('bundle parts registry', () => {
  let work: string;
  let store: BundleStore;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'parts-test-'));
    store = createFileStore({ directory: join(work, 'store') });
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('pulls in dependencies, keeps dependency order and describes every part', () => {
    const registry = createPartRegistry([bonusPart]);
    expect(registry.parts.map((part) => part.name)).toEqual(['numbers', 'sum', 'bonus']);
    expect(registry.closure(['sum'], 'build').map((part) => part.name)).toEqual(['numbers', 'sum']);
    expect(registry.closure(['bonus'], 'open').map((part) => part.name)).toEqual(['bonus']);
    expect(registry.partOfPath('models/sum.json')?.name).toBe('sum');
    expect(registry.describe()[1]).toMatchObject({ name: 'sum', dependsOn: ['numbers'], files: [{ path: 'models/sum.json', role: 'model' }] });
    expect([...pathsToOpen([sumPart])].sort()).toEqual(['data/numbers.json', 'models/sum.json']);
    expect(() => registry.get('nope')).toThrow(/no bundle part named "nope"; registered: numbers, sum, bonus/);
  });

  it('refuses two parts with one name or one path, and names that are not camelCase', () => {
    const twin = definePart({ name: 'numbers', description: 'x', files: { values: 'other.json' }, build: () => 1, open: () => 1 });
    expect(() => createPartRegistry([numbersPart, twin])).toThrow(/two different parts are named "numbers"/);
    const squatter = definePart({ name: 'squatter', description: 'x', files: { values: 'data/numbers.json' }, build: () => 1, open: () => 1 });
    expect(() => createPartRegistry([numbersPart, squatter])).toThrow(/"data\/numbers.json" is claimed by two parts: "numbers" and "squatter"/);
    expect(() => definePart({ name: 'Bad-Name', description: 'x', files: { a: 'a' }, build: () => 1, open: () => 1 })).toThrow(/camelCase/);
    const badPath = definePart({ name: 'escape', description: 'x', files: { a: '../etc/passwd' }, build: () => 1, open: () => 1 });
    expect(() => createPartRegistry([badPath])).toThrow(/part "escape": invalid bundle path/);
  });

  it('builds in order with options, publishes with each file naming its part, and opens by name', async () => {
    const registry = createPartRegistry([numbersPart, sumPart, bonusPart]);
    const lines: string[] = [];
    const built = await buildBundle(registry, { directory: join(work, 'build-1'), options: { numbers: { count: 4 } }, progress: (line) => lines.push(line) });
    expect(built.value(sumPart)).toBe(10);
    expect(built.value(bonusPart)).toBeUndefined(); // optional and not produced
    expect(built.parts.map((part) => [part.name, part.present])).toEqual([['numbers', true], ['sum', true], ['bonus', false]]);
    expect(built.timings.map((timing) => [timing.stage, timing.depth])).toEqual([['numbers', 0], ['sum', 0], ['add', 1], ['bonus', 0]]);
    expect(lines.some((line) => /^✔ numbers \([\d.]+ s\) 4 numbers$/.test(line))).toBe(true);
    expect(built.files.map((file) => [file.path, file.part, file.role])).toEqual([
      ['data/numbers.json', 'numbers', 'other'],
      ['models/sum.json', 'sum', 'model'],
    ]);
    await publishBundle(store, built.files, { producer: 'test', version: 'v1', metadata: { build: built.summary() } });

    const opened = await loadParts(store, [sumPart, bonusPart], { cacheDir: join(work, 'cache') });
    expect(opened.parts).toEqual({ sum: 10, bonus: undefined });
    expect(opened.value(numbersPart)).toEqual([1, 2, 3, 4]);
    expect(opened.manifest.files.find((file) => file.path === 'models/sum.json')).toMatchObject({ part: 'sum', metadata: { note: 'a test' } });
    // an absent optional part says why, in the build's lines and the manifest
    expect(lines).toContainEqual(expect.stringMatching(/^✔ bonus \([\d.]+ s\) absent — produceBonus is off$/));
    expect(opened.manifest.metadata?.build).toMatchObject({ parts: { numbers: { options: { count: 4 } }, bonus: { present: false, reason: 'produceBonus is off' } } });
    await opened.dispose();
  });

  it('opens an optional part when the bundle has it', async () => {
    produceBonus = true;
    try {
      const built = await buildBundle(createPartRegistry([bonusPart]), { directory: join(work, 'build-2') });
      await publishBundle(store, built.files, { producer: 'test', version: 'v2' });
    } finally {
      produceBonus = false;
    }
    const opened = await loadParts(store, [bonusPart], { cacheDir: join(work, 'cache') });
    expect(opened.parts.bonus).toBe(30);
  });

  it('refuses a bundle without a required part, naming the part', async () => {
    const built = await buildBundle(createPartRegistry([numbersPart]), { directory: join(work, 'build-3') });
    await publishBundle(store, built.files, { producer: 'test', version: 'v3' });
    await expect(loadParts(store, [sumPart], { cacheDir: join(work, 'cache') })).rejects.toThrow(/bundle "v3" has no part "sum" \(models\/sum.json\), which this service needs/);
  });

  it("refuses a part whose loader finds it inconsistent, with the loader's reason", async () => {
    const registry = createPartRegistry([sumPart]);
    const built = await buildBundle(registry, { directory: join(work, 'build-4'), options: { numbers: { count: 3 } } });
    // Swap in the numbers file of another build: same path, other content.
    const other = await buildBundle(registry, { directory: join(work, 'build-5'), options: { numbers: { count: 2 } } });
    const files = built.files.map((file) => (file.part === 'numbers' ? other.files.find((candidate) => candidate.part === 'numbers')! : file));
    await publishBundle(store, files, { producer: 'test', version: 'v4' });
    await expect(loadParts(store, [sumPart], { cacheDir: join(work, 'cache') })).rejects.toThrow(/opening part "sum" failed: bundle v4: the sum covers 3 numbers, the bundle has 2/);
  });

  it('checks option overrides against the declared options', async () => {
    const registry = createPartRegistry([sumPart]);
    await expect(buildBundle(registry, { directory: join(work, 'build-6'), options: { numbers: { size: 3 } } })).rejects.toThrow(/part "numbers" has no option "size"; its options: count/);
    await expect(buildBundle(registry, { directory: join(work, 'build-7'), options: { numbers: { count: 'three' } } })).rejects.toThrow(/option "count": expected a number/);
    await expect(buildBundle(registry, { directory: join(work, 'build-8'), options: { ghost: {} } })).rejects.toThrow(/no bundle part named "ghost"/);
  });

  it('refuses a required part that wrote nothing, and one that wrote only some files', async () => {
    const lazy = definePart({ name: 'lazy', description: 'x', files: { a: 'a.txt' }, build: () => 1, open: () => 1 });
    await expect(buildBundle(createPartRegistry([lazy]), { directory: join(work, 'build-9') })).rejects.toThrow(/part "lazy" wrote none of its files \(a.txt\); only optional parts may be absent/);
    const half = definePart({
      name: 'half',
      description: 'x',
      files: { a: 'half/a.txt', b: 'half/b.txt' },
      optional: true,
      build: async ({ write }) => {
        await write('a', 'a');
        return 1;
      },
      open: () => 1,
    });
    await expect(buildBundle(createPartRegistry([half]), { directory: join(work, 'build-10') })).rejects.toThrow(/part "half" wrote only some of its files; missing: half\/b.txt/);
  });
});
