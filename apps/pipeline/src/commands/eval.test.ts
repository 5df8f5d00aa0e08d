import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerEvalCommand } from './eval';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A HetRec-format folder: 12 users, each with 6 of 10 artists from one of two groups. */
async function lastfmFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-eval-cli-'));
  dirs.push(dir);
  const artists = Array.from({ length: 10 }, (_, a) => `${a + 1}\tArtist ${a + 1}\tu\tp`).join('\n');
  const rows: string[] = [];
  for (let u = 0; u < 12; u++) for (let t = 0; t < 6; t++) rows.push(`${u + 2}\t${(u % 2) * 5 + ((u + t) % 5) + 1}\t${10 + t}`);
  await writeFile(join(dir, 'artists.dat'), `id\tname\turl\tpictureURL\n${artists}\n`);
  await writeFile(join(dir, 'tags.dat'), 'tagID\ttagValue\n1\trock\n');
  await writeFile(join(dir, 'user_taggedartists.dat'), 'userID\tartistID\ttagID\tday\tmonth\tyear\n2\t1\t1\t1\t1\t2009\n');
  await writeFile(join(dir, 'user_artists.dat'), `userID\tartistID\tweight\n${rows.join('\n')}\n`);
  return dir;
}

async function run(args: string[]): Promise<string> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const program = new Command('mixtape').exitOverride();
  registerEvalCommand(program);
  await program.parseAsync(['node', 'mixtape', 'eval', ...args]);
  return stdout;
}

describe('mixtape eval', () => {
  it('prints a markdown table and writes md, svg and json to --out', async () => {
    const data = await lastfmFolder();
    const out = join(data, 'results');
    const markdown = await run(['--data', data, '--models', 'popularity,item-knn', '--k', '2,5', '--bootstrap', '50', '--quiet', '--out', out, '--name', 'tiny']);
    expect(markdown).toContain('**Protocol:** user-level random holdout: 20% of each user\'s items (seed 42), 12 users');
    expect(markdown).toContain('| item-knn (cosine) |');
    expect(markdown).toContain('pnpm mixtape eval --data');
    expect(await readFile(join(out, 'tiny.md'), 'utf8')).toBe(markdown);
    expect(await readFile(join(out, 'tiny.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    const json = JSON.parse(await readFile(join(out, 'tiny.json'), 'utf8')) as { models: { model: string; metrics: Record<string, { mean: number }> }[] };
    expect(json.models.map((m) => m.model)).toEqual(['popularity', 'item-knn (cosine)']);
    expect(json.models[1]!.metrics['Recall@5']!.mean).toBeGreaterThan(0);
  });

  it('prints JSON with --json and rejects bad flags with a clear message', async () => {
    const data = await lastfmFolder();
    const out = join(data, 'out');
    const printed = JSON.parse(await run(['--data', data, '--models', 'popularity', '--k', '3', '--bootstrap', '20', '--quiet', '--json', '--out', out])) as { ks: number[] };
    expect(printed.ks).toEqual([3]);
    expect(await readFile(join(out, 'lastfm-hetrec2k-user-holdout.svg'), 'utf8')).toContain('<svg');
    await expect(run(['--data', data, '--k', 'ten', '--quiet'])).rejects.toThrow(/--k: expected comma-separated integers ≥ 1, got "ten"/);
    await expect(run(['--data', data, '--models', 'svd', '--quiet'])).rejects.toThrow(/unknown model "svd"/);
  });
});
