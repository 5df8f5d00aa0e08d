// Runs parts' smoke steps (BundlePart.smoke) in child processes, one per part, in parallel. A
// native loader fed a corrupt file whose checksum is right (a FAISS graph with links out of range)
// can crash the process — SIGSEGV is not an exception, so no try/catch in the service can refuse
// the bundle. In a child the crash is only an exit signal: the bundle is refused, the service lives.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as builtInParts from './parts/index';
import type { AnyPart, PartFile } from './registry/define';
import { partPresence } from './registry/open';
import { createPartRegistry } from './registry/registry';
import { BundleError } from './storage/errors';
import type { LoadedBundle, LoadedFile } from './storage/load';

export interface SmokeCheckOptions {
  /**
   * Modules (file URLs) the child imports to find parts defined outside @mixtape/bundle; the
   * package's own parts are always found. Every part with a smoke step must be in one of them.
   */
  modules?: readonly string[];
  /** per part, from spawn to answer (default 120 s); past it the child is killed and the bundle refused */
  timeoutMs?: number;
  /** children at once (default: the machine's cores) */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface SmokeResult {
  part: string;
  /** the part's own line ("600 vectors, 36 queries") */
  summary: string;
  /** wall time of the child, spawn and imports included */
  ms: number;
}

export interface SmokeChecks {
  /** the parts that have a smoke step and are in this bundle */
  parts: readonly string[];
  /** resolves when this part's check passed (at once for a part without one); rejects with its refusal */
  passed(partName: string): Promise<void>;
  /** every check's result; rejects with the first refusal */
  all: Promise<SmokeResult[]>;
  /** kills the children still running */
  cancel(): void;
}

/** What the parent sends the child (over the IPC channel, as JSON). */
export interface SmokeTask {
  modules: string[];
  part: string;
  version: string;
  manifest: LoadedBundle['manifest'];
  files: Record<string, LoadedFile>;
}

export type SmokeAnswer = { ok: true; summary: string } | { ok: false; message: string };

const DEFAULT_TIMEOUT_MS = 120_000;
const STDERR_TAIL = 2048;

/** The child entry beside this module: src/smoke-child.ts from source, dist/smoke-child.js when built. */
function childEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './smoke-child.ts' : './smoke-child.js', import.meta.url));
  if (!fromSource) return { path, execArgv: [] };
  // Running from TypeScript source (tests, `pnpm dev`): the child needs the same loader and condition.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { path, execArgv: ['--import', tsx, '--conditions', '@mixtape/source'] };
}

const builtIn = new Set<AnyPart>(Object.values(builtInParts).flatMap((value) => (Array.isArray(value) ? value : [value])) as AnyPart[]);

/**
 * Throws when a part has a smoke step the child could not find (defined outside this package and
 * not in `modules`): better at startup than as a refused bundle.
 */
export function assertSmokeReachable(parts: readonly AnyPart[], modules: readonly string[] = []): void {
  const unreachable = parts.filter((part) => part.smoke && !builtIn.has(part));
  if (unreachable.length > 0 && modules.length === 0) {
    throw new BundleError(
      'BUNDLE_INPUT_INVALID',
      `part${unreachable.length > 1 ? 's' : ''} ${unreachable.map((part) => `"${part.name}"`).join(', ')} ha${unreachable.length > 1 ? 've' : 's'} a smoke step but ${unreachable.length > 1 ? 'are' : 'is'} not one of @mixtape/bundle's parts: pass the module that exports ${unreachable.length > 1 ? 'them' : 'it'} as smokeModules (a file URL) so the smoke child can import ${unreachable.length > 1 ? 'them' : 'it'}`,
    );
  }
}

/**
 * Starts the smoke steps of `parts` (and of what they open from) that are present in `bundle`,
 * each in its own child process. Open a part only after `passed(part)`; a refusal rejects with
 * BUNDLE_SMOKE_FAILED naming the part, its files and what happened (throw, signal, timeout).
 */
export function startSmokeChecks(bundle: LoadedBundle, parts: readonly AnyPart[], options: SmokeCheckOptions = {}): SmokeChecks {
  const registry = createPartRegistry(parts);
  const checked = registry
    .closure(
      parts.map((part) => part.name),
      'open',
    )
    .filter((part) => part.smoke && partPresence(part, bundle.manifest) === 'present');
  assertSmokeReachable(checked, options.modules);
  const children = new Set<ChildProcess>();
  let cancelled = false;
  const cancel = (): void => {
    cancelled = true;
    for (const child of children) child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', cancel, { once: true });

  const limit = Math.max(1, options.concurrency ?? availableParallelism());
  let running = 0;
  const queue: Array<() => void> = [];
  const slot = async (): Promise<() => void> => {
    if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    running += 1;
    return () => {
      running -= 1;
      queue.shift()?.();
    };
  };

  const results = new Map<string, Promise<SmokeResult>>();
  for (const part of checked) {
    const result = slot().then(async (release) => {
      try {
        if (cancelled || options.signal?.aborted) throw options.signal?.reason ?? new Error('smoke checks cancelled');
        return await runInChild(bundle, part, options, children);
      } finally {
        release();
      }
    });
    result.catch(() => undefined); // observed through passed()/all
    results.set(part.name, result);
  }
  const all = Promise.all(results.values());
  all.catch(() => undefined);
  void all.finally(() => options.signal?.removeEventListener('abort', cancel)).catch(() => undefined);
  return {
    parts: checked.map((part) => part.name),
    passed: async (partName) => {
      await results.get(partName);
    },
    all,
    cancel,
  };
}

function runInChild(bundle: LoadedBundle, part: AnyPart, options: SmokeCheckOptions, children: Set<ChildProcess>): Promise<SmokeResult> {
  const files = Object.fromEntries(Object.entries(part.files as Record<string, PartFile>).map(([key, file]) => [key, bundle.file(file.path)]));
  const paths = Object.values(files)
    .map((file) => file.path)
    .join(', ');
  const where = `bundle "${bundle.version}": part "${part.name}" (${paths})`;
  const task: SmokeTask = { modules: [...(options.modules ?? [])], part: part.name, version: bundle.version, manifest: bundle.manifest, files };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const entry = childEntry();

  return new Promise<SmokeResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    } catch (error) {
      reject(new BundleError('SMOKE_CHECK_UNAVAILABLE', `cannot start the smoke check of ${where}: ${(error as Error).message}`, { cause: error }));
      return;
    }
    children.add(child);
    let answer: SmokeAnswer | undefined;
    let timedOut = false;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: SmokeAnswer) => {
      answer = message;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new BundleError('SMOKE_CHECK_UNAVAILABLE', `cannot run the smoke check of ${where}: ${error.message}`, { cause: error }));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const ms = Math.round(performance.now() - started);
      const tail = stderr.trim() ? `; stderr: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
      if (answer?.ok && code === 0) {
        resolve({ part: part.name, summary: answer.summary, ms });
        return;
      }
      let reason: string;
      if (answer && !answer.ok) reason = `failed: ${answer.message}`;
      else if (timedOut) reason = `did not finish in ${timeoutMs} ms (killed)`;
      else if (signal) reason = `crashed the check process (${signal})${tail}`;
      else reason = `ended the check process with exit code ${code} and no answer${tail}`;
      const details = { part: part.name, files: paths, signal, code, timedOut, ms };
      reject(new BundleError('BUNDLE_SMOKE_FAILED', `${where} refused by its smoke check: ${reason}`, { details }));
    });
    child.send(task, (error) => {
      if (error) child.kill('SIGKILL');
    });
  });
}
