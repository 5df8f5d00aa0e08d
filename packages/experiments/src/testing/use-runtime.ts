import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createExperimentRuntime, serviceExperimentOptions } from '../runtime';
import type { ExperimentRuntime, ExperimentRuntimeOptions } from '../runtime';

/**
 * In a test file: a service's experiment runtime as production starts it from files, in a fresh
 * temp directory — `definitions` (YAML) written to `<dir>/experiments.yaml`, exposures logged
 * under `<dir>/log`, no polling. Started in `beforeAll`, stopped and the directory removed in
 * `afterAll`; `runtime` and `dir` are there for later hooks and the tests (`dir` is free for the
 * test's own files too).
 */
export function useFileExperimentRuntime<P extends object>(
  label: string,
  options: { surface: string; paramsSchema: ExperimentRuntimeOptions<P>['paramsSchema']; definitions: string },
): { readonly runtime: ExperimentRuntime<P>; readonly dir: string } {
  // filled in beforeAll: hooks and tests that run after it read both
  const fixture = {} as { runtime: ExperimentRuntime<P>; dir: string };
  beforeAll(async () => {
    fixture.dir = await mkdtemp(join(tmpdir(), `${label}-`));
    const file = join(fixture.dir, 'experiments.yaml');
    await writeFile(file, options.definitions);
    fixture.runtime = createExperimentRuntime({
      surface: options.surface,
      paramsSchema: options.paramsSchema,
      ...serviceExperimentOptions({ definitions: file, pollIntervalMs: 0, logDirectory: join(fixture.dir, 'log') }),
    });
    await fixture.runtime.startupHook.run(new AbortController().signal);
  });
  afterAll(async () => {
    await fixture.runtime?.stop();
    if (fixture.dir) await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
