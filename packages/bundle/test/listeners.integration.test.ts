// Issue 13: every bundle load printed "MaxListenersExceededWarning: Possible EventTarget memory
// leak detected. 11 abort listeners added to [AbortSignal]". A watcher (or the CLI) hands one
// long-lived signal to every load; each S3 request in flight (4 files × their ranges) listened on
// it directly. Now each fan-out listens on a scope of its own, so the long-lived signal holds one.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, publishBundle, watchBundle } from '../src/index';
import { useLocalS3 } from '../src/testing/index';

const MiB = 1024 * 1024;

describe('abort listeners on long-lived signals', () => {
  const local = useLocalS3('listeners');
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  beforeAll(async () => {
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
  });

  it('publishing and loading bundles of big files (ranged, in parallel) emit no MaxListenersExceededWarning', async () => {
    // 5 MiB ranges: four 11 MiB files are 12 requests in flight at once.
    const store = createS3Store({ ...local.s3.s3Options, bucket: 'mixtape', prefix: 'listeners', multipartThresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB });
    const publishFiles = async (version: string) => {
      const files = [];
      for (let i = 0; i < 4; i++) {
        const localPath = path.join(local.dir, `${version}-${i}.bin`);
        await writeFile(localPath, randomBytes(11 * MiB));
        files.push({ path: `indexes/part-${i}.bin`, localPath });
      }
      return files;
    };
    const cli = new AbortController(); // one signal for several publishes, as a CLI run holds
    await publishBundle(store, await publishFiles('v1'), { producer: 'test', version: 'v1', concurrency: 4, signal: cli.signal });

    const loads: string[] = [];
    const watcher = watchBundle(store, {
      cacheDir: path.join(local.dir, 'cache'),
      concurrency: 4,
      intervalMs: 2 ** 31 - 1,
      disposeDelayMs: 0,
      load: async (bundle) => {
        loads.push(bundle.version);
        return bundle.version;
      },
    });
    try {
      await watcher.ready();
      await publishBundle(store, await publishFiles('v2'), { producer: 'test', version: 'v2', concurrency: 4, signal: cli.signal });
      expect(await watcher.checkNow()).toBe('swapped');
    } finally {
      await watcher.stop();
    }
    expect(loads).toEqual(['v1', 'v2']);
    const listenerWarnings = warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning');
    expect(listenerWarnings.map((warning) => warning.message)).toEqual([]);
  });
});
