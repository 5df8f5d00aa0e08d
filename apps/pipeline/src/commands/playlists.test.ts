import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, writeSnapshot } from '@mixtape/catalog';
import { createEmptyPlan } from '@mixtape/llm';
import { parseRewardModel } from '@mixtape/ranking';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerPlaylistsCommand } from './playlists';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function run(args: string[]): Promise<string> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('mixtape').exitOverride();
  registerPlaylistsCommand(program);
  await program.parseAsync(['node', 'mixtape', 'playlists', ...args]);
  return stdout;
}

/** A dataset directory and a playlist store in the service's format: one listener likes acoustic tracks. */
async function fixture(withFeedback: boolean): Promise<{ data: string; feedback: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-train-reward-'));
  dirs.push(dir);
  const synthetic = generateSynthetic({ tracks: 600, users: 20, interactions: 400, seed: 5 });
  await writeSnapshot(join(dir, 'data'), { store: synthetic.store, interactions: synthetic.interactions, source: 'synthetic' });
  const { store } = synthetic;
  const acoustic = store.featureColumn('acousticness');
  const lines: string[] = [];
  for (let p = 0; p < 20; p++) {
    const trackIds = Array.from({ length: 15 }, (_unused, i) => store.trackId(p * 15 + i));
    const record = { playlistId: `pl${p}`, version: 1, parentVersion: null, prompt: `prompt ${p}`, plan: createEmptyPlan(), planner: 'offline', trackIds, userId: 'u1', createdAt: p, title: 'x', description: '', tracks: [], bundleVersion: 'v1' };
    lines.push(JSON.stringify({ kind: 'version', record }));
    if (!withFeedback) continue;
    for (const trackId of trackIds) {
      const signal = acoustic[store.trackIndex(trackId)]! > 0.3 ? 'like' : 'remove';
      lines.push(JSON.stringify({ kind: 'feedback', record: { playlistId: `pl${p}`, version: 1, trackId, signal, userId: 'u1', createdAt: p } }));
    }
  }
  await writeFile(join(dir, 'playlists.jsonl'), `${lines.join('\n')}\n`);
  return { data: join(dir, 'data'), feedback: dir, dir };
}

describe('mixtape playlists train-reward', () => {
  it('trains the reward model from a playlist store and writes a model a bundle can ship', async () => {
    const { data, feedback, dir } = await fixture(true);
    const out = join(dir, 'reward.json');
    const markdown = await run(['train-reward', '--feedback', feedback, '--data', data, '--out', out, '--steps', '60']);
    expect(markdown).toContain('## Playlist reward model');
    expect(markdown).toMatch(/\| validation \(4 held-out playlists\) \| [\d,]+ \| 0\.\d+ \| 0\.\d+ \|/);
    const model = parseRewardModel(await readFile(out, 'utf8'), out);
    expect(model.training.playlists).toBe(20);
    expect(model.training.validation.accuracy).toBeGreaterThan(0.7);
    expect(Object.keys(model.listeners)).toEqual(['u1']);
  });

  it('refuses a store without feedback, saying nothing changes without it', async () => {
    const { data, feedback, dir } = await fixture(false);
    await expect(run(['train-reward', '--feedback', feedback, '--data', data, '--out', join(dir, 'reward.json')])).rejects.toThrow(/no preference pairs .* fulfilment stays as it is/);
    await expect(run(['train-reward', '--feedback', join(dir, 'nope'), '--data', data])).rejects.toThrow(/no such file or directory \(expected a playlist store/);
  });
});
