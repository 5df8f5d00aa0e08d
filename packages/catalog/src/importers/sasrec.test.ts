import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from './index';

const root = await mkdtemp(join(tmpdir(), 'mixtape-sasrec-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A generated benchmark file: `users` users walking item ids upward from a random start, lines grouped by user. */
async function generated(name: string, users: number, length: number, withTime = false): Promise<string> {
  const lines: string[] = [];
  let seed = 5;
  for (let u = 1; u <= users; u++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const start = 1 + (seed % 40);
    for (let t = 0; t < length; t++) lines.push(withTime ? `${u}\t${start + t}\t${1_600_000_000 + t * 60}` : `${u} ${start + t}`);
  }
  const path = join(root, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

describe('importSasrec', () => {
  it('reads user–item lines in order: one track per item, one play per line, line order as time', async () => {
    const path = await generated('walk.txt', 30, 8);
    const { store, interactions, source, details } = await importDataset('sasrec', path);
    expect(source).toBe('sasrec');
    expect(interactions.userCount).toBe(30);
    expect(interactions.length).toBe(240);
    expect(details.interactions).toMatch(/line number/);
    const user = interactions.userIndex('sasrec:user:3');
    const rows = interactions.rowsOfUser(user);
    const ids = Array.from({ length: rows.end - rows.start }, (_, k) => Number(store.trackId(interactions.columns.track[rows.start + k]!).slice('sasrec:item:'.length)));
    for (let k = 1; k < ids.length; k++) expect(ids[k]).toBe(ids[k - 1]! + 1); // the walk is read back in order
    expect(store.getTrack(store.trackIndex(`sasrec:item:${ids[0]}`))!.artistIds).toEqual([`sasrec:artist:${ids[0]}`]);
  });

  it('takes a third column as the timestamp', async () => {
    const { interactions, details } = await importDataset('sasrec', await generated('timed.txt', 4, 5, true));
    expect(details.interactions).toMatch(/third column/);
    expect(interactions.columns.timestamp[1]! - interactions.columns.timestamp[0]!).toBe(60);
  });

  it('names the line and field of a bad row, and skips bad rows on request', async () => {
    const path = join(root, 'bad.txt');
    await writeFile(path, '1 10\n1 11\n2 x7\n2 12 99\n\n3 4\n');
    await expect(importDataset('sasrec', path)).rejects.toThrow(`${path}:3: field "item": expected a non-negative integer id, got "x7"`);
    const { interactions, rejects, rejectedCount } = await importDataset('sasrec', path, { skipInvalid: true });
    expect(rejectedCount).toBe(2);
    expect(rejects.map((r) => `${r.line}:${r.field}`)).toEqual(['3:item', '4:timestamp']);
    expect(interactions.length).toBe(3);
    await expect(importDataset('sasrec', join(root, 'missing.txt'))).rejects.toThrow(/expected a text file/);
  });
});
