// The child process of a smoke check (see smoke.ts): receives one task over IPC, finds the part
// among this package's parts (and the task's extra modules), runs its smoke step on the verified
// files, answers, and exits. If the step crashes the process, the parent sees the signal.
import { readFile } from 'node:fs/promises';
import * as builtInParts from './parts/index';
import type { AnyPart, SmokeContext } from './registry/define';
import type { SmokeAnswer, SmokeTask } from './smoke';

function isPart(value: unknown): value is AnyPart {
  return typeof value === 'object' && value !== null && typeof (value as AnyPart).name === 'string' && typeof (value as AnyPart).open === 'function' && 'files' in value;
}

function partsIn(modules: readonly Record<string, unknown>[]): Map<string, AnyPart> {
  const found = new Map<string, AnyPart>();
  for (const module of modules) {
    for (const value of Object.values(module)) {
      for (const candidate of Array.isArray(value) ? value : [value]) if (isPart(candidate)) found.set(candidate.name, candidate);
    }
  }
  return found;
}

async function run(task: SmokeTask): Promise<string> {
  const extra = await Promise.all(task.modules.map((url) => import(url) as Promise<Record<string, unknown>>));
  const parts = partsIn([builtInParts, ...extra]);
  const part = parts.get(task.part);
  if (!part?.smoke) throw new Error(`no part "${task.part}" with a smoke step in @mixtape/bundle's parts${task.modules.length ? ` or ${task.modules.join(', ')}` : ''}`);
  const file = (key: string) => {
    const found = task.files[key];
    if (!found) throw new Error(`part "${task.part}" has no file "${key}"; its files: ${Object.keys(task.files).join(', ')}`);
    return found;
  };
  const context: SmokeContext<string> = {
    version: task.version,
    manifest: task.manifest,
    path: (key) => file(key).localPath,
    entry: (key) => file(key),
    read: (key) => readFile(file(key).localPath),
  };
  return (await part.smoke(context)) ?? 'ok';
}

const answer = (message: SmokeAnswer, code: number): void => {
  process.send?.(message, () => process.exit(code));
};

process.once('message', (task: SmokeTask) => {
  run(task).then(
    (summary) => answer({ ok: true, summary }, 0),
    (error: unknown) => answer({ ok: false, message: error instanceof Error ? error.message : String(error) }, 1),
  );
});
// Without a parent there is nothing to do (and nothing keeps the process alive).
if (!process.send) process.exit(2);
