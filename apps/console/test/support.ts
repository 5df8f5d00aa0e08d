// Test support: the three apps as real processes (tsx from source) on free ports, like `mixtape demo`.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CONSOLE_ROOT = join(WORKSPACE_ROOT, 'apps', 'console');

export interface AppProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** the last log lines, for failure messages */
  logs: string[];
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export async function startApp(name: 'home' | 'search' | 'playlists', env: NodeJS.ProcessEnv): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(join(WORKSPACE_ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions', '@mixtape/source', join(WORKSPACE_ROOT, 'apps', name, 'src', 'main.ts')], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      logs.push(line);
      if (logs.length > 40) logs.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, url: `http://127.0.0.1:${port}`, child, logs };
}

/** Polls /readyz until 200; fails with the app's last log lines when it exits or times out. */
export async function waitUntilReady(app: AppProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let lastStatus = 'no answer';
  while (Date.now() - started < timeoutMs) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited with code ${app.child.exitCode} before becoming ready:\n${app.logs.join('\n')}`);
    try {
      const response = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
      lastStatus = `${response.status} ${await response.text()}`;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${app.name} not ready after ${timeoutMs} ms (last /readyz: ${lastStatus}):\n${app.logs.join('\n')}`);
}

export async function stopApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  await new Promise<void>((done) => {
    const timer = setTimeout(() => app.child.kill('SIGKILL'), 10_000);
    app.child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    app.child.kill('SIGTERM');
  });
}

