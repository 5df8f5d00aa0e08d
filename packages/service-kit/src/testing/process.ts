// Runs a service entry point as a real child process (Node + the tsx loader, from source), the way
// production runs it: its own PID for signals and /proc readings, JSON logs on stdout, /readyz to
// poll. Used by each app's main.ts tests and by tooling/ops' fault and load checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** The JSON log lines written so far, parsed (non-JSON lines are skipped). */
  logLines(): Array<{ msg?: string; [key: string]: unknown }>;
  /** Resolves with the exit code (signal exits map to 128 + n). */
  exited: Promise<number>;
  /** Polls /readyz until 200; rejects early if the process exits. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** Waits until `predicate(output)` holds (e.g. a log line); rejects on exit or timeout. */
  waitForOutput(predicate: (output: string) => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Waits for a JSON log line whose `msg` equals `message`. */
  waitForLog(message: string, timeoutMs: number): Promise<void>;
  /** SIGTERM and wait for the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number>;
}

export interface StartServiceProcessOptions {
  /** Used in error messages. */
  name: string;
  /** The entry file (e.g. `src/main.ts`), relative to `cwd` or absolute. */
  entry: string;
  cwd: string;
  /** The child's whole environment besides PATH, HOME, HOST and PORT (nothing else is inherited). */
  env?: Record<string, string | undefined>;
  /** Defaults to a free port. */
  port?: number;
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
 * Starts `entry` with `node --conditions @mixtape/source --import tsx`, so the child is the
 * service itself (not a tsx wrapper): signals and RSS readings hit the real process.
 */
export async function startServiceProcess(options: StartServiceProcessOptions): Promise<ServiceProcess> {
  const { name } = options;
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', options.entry], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env, HOST: '127.0.0.1', PORT: String(port) },
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
  const logLines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string }];
        } catch {
          return [];
        }
      });

  const waitUntil = async (holds: () => boolean, timeoutMs: number, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!holds()) {
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
    logLines,
    exited,
    waitForOutput: (predicate, timeoutMs, what) => waitUntil(() => predicate(output), timeoutMs, what),
    waitForLog: (message, timeoutMs) => waitUntil(() => logLines().some((line) => line.msg === message), timeoutMs, `log "${message}"`),
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
