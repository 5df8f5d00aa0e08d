import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

describe('playlists main.ts', () => {
  it('boots from source, turns ready, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: appRoot,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', PLAYLISTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'playlists-main-')), PLAYLISTS_SYNTHETIC_TRACKS: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; url?: string });
        const listening = lines.find((line) => line.msg === 'playlists listening');
        if (listening?.url && lines.some((line) => line.msg === 'playlists ready')) resolve(listening.url);
      });
      void exitCode.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
    });
    try {
      const url = await ready;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${url}/v1/info`)).json()).toMatchObject({ service: 'playlists', status: 'ready' });
      const created = await fetch(`${url}/v1/playlists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'chill rock', length: 5 }) });
      expect(created.status).toBe(201);
      expect(((await created.json()) as { tracks: unknown[]; planner: string })).toMatchObject({ planner: 'offline', tracks: expect.any(Array) });
      child.kill('SIGTERM');
      expect(await exitCode).toBe(0);
      expect(stdout).toContain('"msg":"shutdown complete"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
