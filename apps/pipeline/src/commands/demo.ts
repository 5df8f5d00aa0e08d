// `mixtape demo`: the README's main job — start the platform locally and show how to call it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

export interface ServiceSpec {
  name: 'home' | 'search' | 'playlists';
  port: number;
}

export const DEMO_SERVICES: readonly ServiceSpec[] = [
  { name: 'home', port: 4101 },
  { name: 'search', port: 4102 },
  { name: 'playlists', port: 4103 },
];

/** The workspace root (where pnpm-workspace.yaml lives), from source or from dist. */
export function findWorkspaceRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let directory = resolve(start);
  while (!existsSync(join(directory, 'pnpm-workspace.yaml'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot find the Mixtape workspace root above ${start}`);
    directory = parent;
  }
  return directory;
}

export interface RunningService {
  spec: ServiceSpec;
  url: string;
  child: ChildProcess;
}

/** Starts one app from source (tsx) with its env; its JSON logs go to `logSink`. */
export function startService(root: string, spec: ServiceSpec, env: NodeJS.ProcessEnv, logSink: (line: string) => void): RunningService {
  const entry = join(root, 'apps', spec.name, 'src', 'main.ts');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, ['--conditions', '@mixtape/source', entry], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(spec.port), HOST: env.HOST ?? '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => chunk.toString('utf8').split('\n').filter(Boolean).forEach((line) => logSink(`[${spec.name}] ${line}`));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return { spec, url: `http://127.0.0.1:${spec.port}`, child };
}

/** Polls /readyz until 200; fails early when the process exits. */
export async function waitUntilReady(service: RunningService, timeoutMs: number, onWait?: (elapsedMs: number) => void): Promise<void> {
  const started = Date.now();
  let exited: number | null = null;
  service.child.once('exit', (code) => (exited = code ?? 1));
  while (Date.now() - started < timeoutMs) {
    if (exited !== null) throw new Error(`${service.spec.name} exited with code ${exited} before becoming ready (see its log lines above)`);
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    onWait?.(Date.now() - started);
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${service.spec.name} not ready after ${Math.round(timeoutMs / 1000)} s (${service.url}/readyz)`);
}

export async function stopServices(services: RunningService[], timeoutMs = 10_000): Promise<void> {
  await Promise.all(
    services.map(
      ({ child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

export function curlExamples(urls: Record<ServiceSpec['name'], string>): string[] {
  return [
    `curl -s ${urls.home}/readyz`,
    `curl -s ${urls.search}/metrics | head`,
    `curl -s ${urls.playlists}/livez`,
  ];
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start Home, Search and Playlists locally and print their URLs and curl examples (Ctrl-C stops)')
    .option('--verbose', 'print the services\' JSON logs')
    .option('--ready-timeout <seconds>', 'how long to wait for readiness', '120')
    .action(async (options: { verbose?: boolean; readyTimeout: string }) => {
      const root = findWorkspaceRoot();
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const services = DEMO_SERVICES.map((spec) => startService(root, spec, {}, options.verbose ? log : () => {}));
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log('\nstopping services …');
        await stopServices(services);
        log('stopped.');
        process.exit(code);
      };
      process.once('SIGINT', () => void stop(0));
      process.once('SIGTERM', () => void stop(0));
      try {
        for (const service of services) {
          log(`starting ${service.spec.name} on ${service.url} …`);
          await waitUntilReady(service, Number(options.readyTimeout) * 1000);
          log(`  ${service.spec.name} ready`);
        }
      } catch (error) {
        log(`demo failed: ${(error as Error).message}`);
        await stop(1);
        return;
      }
      const urls = Object.fromEntries(services.map((s) => [s.spec.name, s.url])) as Record<ServiceSpec['name'], string>;
      log('\nMixtape is running:');
      for (const service of services) log(`  ${service.spec.name.padEnd(10)} ${service.url}`);
      log('\nTry:');
      for (const example of curlExamples(urls)) log(`  ${example}`);
      log('\nCtrl-C stops everything.');
    });
}
