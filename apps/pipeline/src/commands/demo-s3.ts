// The demo's embedded S3: s3rver (the CLI's explicit demo dependency) run as its own process on
// 127.0.0.1 through its command line, as a real S3 endpoint would be. Tests use
// @mixtape/bundle/testing instead; nothing in a production path starts this.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface DemoS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts s3rver with the `mixtape` bucket; resolves once it listens (its port in the endpoint). */
export async function startDemoS3(options: { directory: string; port: number; bucket?: string }): Promise<DemoS3> {
  await mkdir(options.directory, { recursive: true });
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const child = spawn(
    process.execPath,
    [bin, '--directory', options.directory, '--address', '127.0.0.1', '--port', String(options.port), '--silent', '--configure-bucket', options.bucket ?? 'mixtape'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 20 s:\n${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on ([\d.]+):(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://${match[1]}:${match[2]}`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening (port ${options.port} in use?):\n${output}`));
    });
  });
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
