import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentLogError, createJsonlLogSink, readExperimentLog } from './log';
import type { ExperimentLogRecord } from './log';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-exposures-'));
  dirs.push(dir);
  return dir;
}

const exposure = (time: string, userId = 'u1'): ExperimentLogRecord => ({
  kind: 'exposure',
  id: `r-${time}`,
  time,
  userId,
  surface: 'home',
  experiments: [{ key: 'ranker', variant: 'treatment' }],
  items: [{ id: 'track-1', position: 0, shelf: 'made-for-you-1', shelfPosition: 0 }],
});
const event = (time: string): ExperimentLogRecord => ({ kind: 'event', time, userId: 'u1', trackId: 'track-1', type: 'play', msPlayed: 40_000, shelf: 'made-for-you-1' });

describe('JSONL experiment log', () => {
  it('writes one file per kind and UTC day, and reads every record back', async () => {
    const dir = await tempDir();
    const sink = createJsonlLogSink({ directory: join(dir, 'log') });
    await sink.append([exposure('2026-11-02T23:59:59.000Z'), event('2026-11-03T00:00:01.000Z'), exposure('2026-11-03T08:00:00.000Z', 'u2')]);
    await sink.close();
    expect((await readdir(join(dir, 'log'))).sort()).toEqual(['events-2026-11-03.jsonl', 'exposures-2026-11-02.jsonl', 'exposures-2026-11-03.jsonl']);
    const records = await readExperimentLog([join(dir, 'log')]);
    expect(records).toHaveLength(3);
    expect(records.filter((r) => r.kind === 'exposure').map((r) => r.userId)).toEqual(['u1', 'u2']);
    expect(await readExperimentLog([join(dir, 'log')], { kind: 'events' })).toHaveLength(1);
  });

  it('names the file, line and field of a bad record, and skips a torn last line with a warning', async () => {
    const dir = await tempDir();
    const file = join(dir, 'exposures.jsonl');
    await writeFile(file, `${JSON.stringify(exposure('2026-11-02T10:00:00.000Z'))}\n${JSON.stringify({ ...exposure('2026-11-02T10:00:00.000Z'), userId: '' })}\n`);
    await expect(readExperimentLog([file])).rejects.toThrow(new ExperimentLogError(`${file}:2: userId: Too small: expected string to have >=1 characters`));
    await writeFile(file, `${JSON.stringify(exposure('2026-11-02T10:00:00.000Z'))}\n`);
    await appendFile(file, '{"kind":"exposure","id":"r","ti');
    const warnings: string[] = [];
    expect(await readExperimentLog([file], { onWarning: (warning) => warnings.push(warning) })).toHaveLength(1);
    expect(warnings[0]).toMatch(/:2: torn last line skipped/);
    await writeFile(file, `not json\n${JSON.stringify(exposure('2026-11-02T10:00:00.000Z'))}\n`);
    await expect(readExperimentLog([file])).rejects.toThrow(/exposures\.jsonl:1: not JSON/);
    await expect(readExperimentLog([join(dir, 'missing.jsonl')])).rejects.toThrow(/missing\.jsonl: no such file or directory/);
    expect(await readFile(file, 'utf8')).toContain('not json');
  });
});
