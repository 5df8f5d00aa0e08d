// What the load benchmarks share: a dataset and bundle built once with the CLI, and the prompts
// a listener types.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Generates the synthetic dataset into `dataDir` (with `generateArgs`, e.g. `--tracks 10000`) and
 * builds a bundle at `bundleUri` when either is missing, through `pnpm mixtape` in `root`.
 */
export function ensureDatasetAndBundle(options: { root: string; dataDir: string; bundleUri: string; generateArgs?: readonly string[]; log: (line: string) => void }): void {
  const mixtape = (args: string[]) => {
    options.log(`$ pnpm -s mixtape ${args.join(' ')}`);
    const run = spawnSync('pnpm', ['-s', 'mixtape', ...args], { cwd: options.root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) throw new Error(`mixtape ${args[0]} failed (exit ${run.status})`);
  };
  if (!existsSync(join(options.dataDir, 'metadata.json'))) mixtape(['data', 'generate', '--out', options.dataDir, ...(options.generateArgs ?? [])]);
  if (options.bundleUri.startsWith('file://') && !existsSync(new URL(`${options.bundleUri}/LATEST`))) mixtape(['build', '--data', options.dataDir, '--out', options.bundleUri]);
}

/** Prompts for playlist load: moods, genres, decades, activities. */
export const LOAD_PROMPTS: readonly string[] = [
  'upbeat dance songs for a run, no rap',
  'rainy-day 90s trip-hop',
  'calm acoustic songs for reading',
  'high energy workout playlist',
  'sad indie songs for a late night drive',
  'chill electronic beats to focus',
  '80s synth pop party',
  'mellow jazz for a sunday morning',
  'angry rock for the gym',
  'romantic r&b slow jams',
];
