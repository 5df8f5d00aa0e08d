import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJsonLinesInputs } from './pipeline';

const root = await mkdtemp(join(tmpdir(), 'mixtape-pipeline-inputs-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('mixtape pipeline run inputs', () => {
  it('refuses a CSV event log up front (it became one dead letter per row and an empty output, exit 0) and says how to run it', async () => {
    const csv = join(root, 'events.csv');
    await writeFile(csv, 'user_id,track_id,timestamp,type\nu1,s1,1700000000000,play\n');
    await expect(checkJsonLinesInputs('--events', [csv])).rejects.toThrow(
      `--events ${csv}: expected JSON Lines (.jsonl) — the pipeline reads JSON Lines; a CSV log can be imported (mixtape data import --format events --input FOLDER --out DIR) and run with --data DIR`,
    );
  });

  it('accepts .jsonl files, folders and s3:// prefixes', async () => {
    const folder = join(root, 'events');
    await mkdir(folder);
    await expect(checkJsonLinesInputs('--events', [join(root, 'events.jsonl'), folder, 's3://bucket/events/'])).resolves.toBeUndefined();
  });
});
