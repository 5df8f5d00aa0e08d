import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

interface Running {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first log line that matches. */
  waitForLog: (predicate: (line: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  exitCode: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startFixture(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', fixture], {
    cwd: packageRoot,
    // Auth off on purpose (the fixture has no writes); the shutdown tests fire more requests than a per-IP burst.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', MIXTAPE_AUTH: 'off', RATE_LIMIT_PER_SECOND: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (!text.trim()) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exitCode,
    waitForLog: (predicate) => {
      const existing = lines.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exitCode.then((code) => reject(new Error(`service exited (${code}) first; stderr: ${stderr}`)));
      });
    },
  };
}

describe('graceful shutdown of a real process', () => {
  it('finishes every in-flight request after SIGTERM and exits 0', async () => {
    const service = startFixture({ STARTUP_DELAY_MS: '50' });
    const listening = await service.waitForLog((line) => line.msg === 'slow-service listening');
    const url = String(listening.url);
    await service.waitForLog((line) => line.msg === 'slow-service ready');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // Twenty requests in flight over keep-alive connections when SIGTERM arrives.
    const inFlight = Array.from({ length: 20 }, () =>
      fetch(`${url}/slow?ms=700`).then(async (response) => ({ status: response.status, body: await response.json() })),
    );
    await service.waitForLog(() => service.lines.filter((line) => line.msg === 'slow request started').length === 20);
    service.child.kill('SIGTERM');
    await service.waitForLog((line) => line.msg === 'shutdown started: not ready');

    const responses = await Promise.all(inFlight);
    expect(responses).toEqual(Array.from({ length: 20 }, () => ({ status: 200, body: { sleptMs: 700 } })));
    expect(await service.exitCode).toBe(0);

    const messages = service.lines.map((line) => line.msg);
    const positions = [
      'shutdown started: not ready',
      'server closed: in-flight requests drained',
      'store closed',
      'shutdown complete',
    ].map((message) => messages.indexOf(message));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Every slow request completed before the listener closed.
    const completed = service.lines.filter((line) => line.msg === 'request completed' && line.route === '/slow');
    expect(completed).toHaveLength(20);
    const lastCompleted = messages.lastIndexOf('request completed');
    expect(lastCompleted).toBeLessThan(messages.indexOf('server closed: in-flight requests drained'));
    expect(service.stderr()).toBe('');
  });

  it('exits 1 when a request outlives SHUTDOWN_TIMEOUT_MS', async () => {
    const service = startFixture({ SHUTDOWN_TIMEOUT_MS: '300' });
    const listening = await service.waitForLog((line) => line.msg === 'slow-service listening');
    const inFlight = fetch(`${String(listening.url)}/slow?ms=60000`).then(
      (response) => response.status,
      () => 'connection closed',
    );
    await service.waitForLog((line) => line.msg === 'slow request started');
    service.child.kill('SIGTERM');
    expect(await service.exitCode).toBe(1);
    expect(await inFlight).toBe('connection closed');
    expect(service.lines.some((line) => line.msg === 'shutdown timed out: closing connections, exit 1')).toBe(true);
  });

  it('prints every configuration problem and exits 1 before listening', async () => {
    const service = startFixture({ PORT: 'http', LOG_LEVEL: 'chatty', STARTUP_DELAY_MS: '-1' });
    expect(await service.exitCode).toBe(1);
    const stderr = service.stderr();
    expect(stderr).toContain('Invalid configuration for slow-service: 3 problems');
    expect(stderr).toContain('PORT: expected an integer from 0 to 65535 (got "http")');
    expect(stderr).toContain('LOG_LEVEL: expected one of');
    expect(stderr).toContain('STARTUP_DELAY_MS: expected an integer >= 0 (got "-1")');
    expect(service.lines).toEqual([]);
  });
});
