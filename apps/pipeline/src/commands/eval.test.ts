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

const WORDS = ['river', 'night', 'gold', 'summer', 'window', 'engine', 'paper', 'stone', 'mirror', 'garden', 'signal', 'velvet'];
const MOODS = ['chill', 'party', 'focus', 'workout', 'sleep', 'road trip'];

/**
 * A Kaggle-2024-style folder (space-padded CSV, "A, B" artist lists): 36 playlists named
 * "<mood> <n>" of 10 tracks each, whose audio features follow the mood.
 */
async function spotify2024Folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-eval-2024-'));
  dirs.push(dir);
  const header = ['track_id', 'track_name', 'track_artist', 'track_popularity', 'track_album_id', 'track_album_name', 'track_album_release_date', 'playlist_name', 'playlist_id', 'playlist_genre', 'playlist_subgenre', 'duration_ms',
    'danceability', 'energy', 'valence', 'tempo', 'acousticness', 'instrumentalness', 'speechiness', 'liveness', 'loudness', 'key', 'mode'];
  const rows = [header.map((name) => name.padEnd(14)).join(', ')];
  for (let p = 0; p < 36; p++) {
    const mood = p % MOODS.length;
    for (let i = 0; i < 10; i++) {
      const t = p * 10 + i;
      const title = `${WORDS[t % 12]} ${WORDS[(t * 5 + 3) % 12]} ${t}`;
      const artists = t % 4 === 0 ? `"Artist ${t % 17}, Guest ${t % 5}"` : `Artist ${t % 17}`;
      const level = (mood + 0.5) / MOODS.length;
      rows.push([`trk${t}`, title, artists, String((t * 37) % 100), `alb${t}`, title, '2020-01-01', `${MOODS[mood]} ${p}`, `pl${p}`, 'pop', 'mainstream', '200000',
        String(level), String(level), String(1 - level), String(80 + mood * 20), String(1 - level), '0', '0.05', '0.1', '-6', '5', '1'].map((v) => ` ${v.padEnd(12)}`).join(','));
    }
  }
  await writeFile(join(dir, 'playlists.csv'), `${rows.join('\n')}\n`);
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

  it('pools several validation splits with --validation-seeds and shows each split', async () => {
    const data = await lastfmFolder();
    const out = join(data, 'pooled');
    const markdown = await run(['--data', data, '--models', 'popularity,item-knn', '--k', '2', '--bootstrap', '50', '--quiet', '--min-items', '3', '--validation-seeds', '8,9,10', '--compare', 'popularity', '--out', out]);
    expect(markdown).toMatch(/\*\*Protocol:\*\* 3 splits pooled \(seed 8, seed 9, seed 10; \d+ evaluations of 12 distinct rows.* — VALIDATION split carved from the training part only — user-level random holdout: 20% of each user's items \(seed 8\)/);
    expect(markdown).toContain('--validation-seeds 8,9,10');
    // the printed command reproduces the figures: the split's and the intervals' flags are in it (new-user walk-through, session 12)
    expect(markdown).toMatch(/--min-items 3 --bootstrap 50 --validation-seeds 8,9,10/);
    expect(markdown).toContain('| Model | Metric | seed 8 | seed 9 | seed 10 | mean | spread (max − min) | mean difference to popularity (min, max) |');
    expect(markdown).toMatch(/\| item-knn \(cosine\) \| NDCG@2 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [+-][\d.]+ \([+-][\d.]+, [+-][\d.]+\) \|/);
    const json = JSON.parse(await readFile(join(out, 'lastfm-hetrec2k-user-holdout-validation.json'), 'utf8')) as { splits: { protocol: string }[]; evaluatedRows: number };
    expect(json.splits.map((split) => /\(seed (\d+)\)/.exec(split.protocol)![1])).toEqual(['8', '9', '10']);
    expect(json.evaluatedRows).toBe(12);
    await expect(run(['--data', data, '--models', 'popularity', '--quiet', '--validation-seeds', '8,8', '--out', out])).rejects.toThrow(/--validation-seeds: each seed once, got 8,8/);
  });

  it('runs the ranking tasks on raw input of any import format (--format spotify-2024: playlists as rows), and says how when the format is not named', async () => {
    const data = await spotify2024Folder();
    const out = join(data, 'results');
    const markdown = await run(['--data', data, '--format', 'spotify-2024', '--task', 'playlist-continuation', '--models', 'popularity,item-knn', '--k', '5', '--bootstrap', '20', '--quiet', '--out', out]);
    expect(markdown).toMatch(/Data: 36 rows, 360 items, .* 4 evaluated rows/);
    expect(markdown).toContain('| item-knn (cosine) |');
    // raw input: the printed command carries its --format (without it the command is refused) and the non-default --bootstrap
    expect(markdown).toContain(`pnpm mixtape eval --data ${data} --format spotify-2024 --task playlist-continuation --models popularity,item-knn --k 5 --seed 42 --bootstrap 20 --out ${out}`);
    expect(JSON.parse(await readFile(join(out, 'spotify-2024-playlist-continuation.json'), 'utf8'))).toMatchObject({ dataset: 'spotify-2024', evaluatedRows: 4 });
    await expect(run(['--data', data, '--task', 'user-holdout', '--quiet', '--out', out])).rejects.toThrow(/not a dataset — .* \(raw data in another import format: name it with --format, e\.g\. --format tidytuesday\)$/);
  });

  it('runs the search suites on raw input of any import format (--format spotify-2024)', async () => {
    const data = await spotify2024Folder();
    const out = join(data, 'results');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const search = await run(['--data', data, '--format', 'spotify-2024', '--task', 'search', '--seed', '7', '--quiet', '--out', out]);
    expect(search).toContain('## Search quality on spotify-2024');
    expect(search).toMatch(/\| exact-title \| \d+ \| (0\.9\d\d|1\.000) \|/);
    const semantic = await run(['--data', data, '--format', 'spotify-2024', '--task', 'semantic-search', '--seed', '7', '--quiet', '--out', out]);
    expect(semantic).toContain('## Semantic search on spotify-2024');
    expect(semantic).toContain('36 distinct playlist names → train 25 / validation 3 / test 8 (seed 7)');
    expect(semantic).toContain('| lexical only |');
    // <dataset>-<task> as --name documents: the two suites (and two catalogs) no longer share one "quality-<task>" file
    expect(await readFile(join(out, 'spotify-2024-search.md'), 'utf8')).toBe(search);
    expect(await readFile(join(out, 'spotify-2024-semantic-search.md'), 'utf8')).toBe(semantic);
    await expect(run(['--data', data, '--format', 'spotify-2024', '--task', 'prompts', '--quiet', '--out', out])).rejects.toThrow(
      /is not in the catalog spotify-2024: the prompt suites' checks name TidyTuesday's genres and artists, so --task prompts runs on that catalog/,
    );
    await expect(run(['--data', data, '--task', 'search', '--quiet'])).rejects.toThrow(/or raw input with its format named \(e\.g\. --format spotify-2024\)/);
  });
});
