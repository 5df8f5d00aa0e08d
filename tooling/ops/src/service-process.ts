// Runs one Mixtape app as a real process (Node + tsx loader, from source), the way production
// runs it: own PID (for SIGTERM and /proc/<pid>/status), JSON logs on stdout, /readyz to poll.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { findWorkspaceRoot } from './workspace';

export type ServiceName = 'home' | 'search' | 'playlists';

/**
 * The API key ops processes start with (services refuse to start without one outside
 * development). Send it with `authHeaders` on writes; override MIXTAPE_API_KEYS in `env` to test other setups.
 */
export const OPS_API_KEY = 'ops-test-api-key-0123456789abcdef';
export const authHeaders: Readonly<Record<string, string>> = { authorization: `Bearer ${OPS_API_KEY}` };

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (signal exits map to 128 + n). */
  exited: Promise<number>;
  /** Polls /readyz until 200; rejects early if the process exits. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** Waits until `predicate(output)` holds (e.g. a log line); rejects on exit or timeout. */
  waitForOutput(predicate: (output: string) => boolean, timeoutMs: number, what: string): Promise<void>;
  /** SIGTERM and wait for the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number>;
}

/** A free TCP port on 127.0.0.1 (released before returning; the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Starts `apps/<name>/src/main.ts` with `node --conditions @mixtape/source --import tsx`, so the
 * child is the service itself (not a tsx wrapper): signals and RSS readings hit the real process.
 */
export async function startServiceProcess(name: ServiceName, env: Record<string, string | undefined>, options: { root?: string; port?: number } = {}): Promise<ServiceProcess> {
  const root = options.root ?? findWorkspaceRoot();
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', join(root, 'apps', name, 'src', 'main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OMP_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      MIXTAPE_API_KEYS: OPS_API_KEY,
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0)));
  });
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}`;
  const tail = () => output.split('\n').slice(-15).join('\n');

  const waitForOutput: ServiceProcess['waitForOutput'] = async (predicate, timeoutMs, what) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(output)) {
      if (exitCode !== undefined) throw new Error(`${name} exited (${exitCode}) while waiting for ${what}:\n${tail()}`);
      if (Date.now() > deadline) throw new Error(`${name}: no ${what} after ${timeoutMs} ms:\n${tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    name,
    url,
    port,
    pid: child.pid ?? 0,
    child,
    output: () => output,
    exited,
    waitForOutput,
    async waitUntilReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exitCode !== undefined) throw new Error(`${name} exited (${exitCode}) before it was ready:\n${tail()}`);
        try {
          const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms:\n${tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop(timeoutMs = 15_000) {
      if (exitCode !== undefined) return exitCode;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Peak resident set size (VmHWM) of a live process in bytes, from /proc (Linux); undefined elsewhere. */
export async function peakRssBytes(pid: number): Promise<number | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
