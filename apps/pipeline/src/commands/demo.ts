// `mixtape demo`: the README's main job — start the platform locally and show how to call it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { openBundleStore, readLatest, showBundle } from '@mixtape/bundle';
import { findWorkspaceRoot, formatProgress } from '@mixtape/base';
import { readSnapshot } from '@mixtape/catalog';
import { misspellLongestWord } from '@mixtape/language';
import { integerFlag, numberFlag } from './command-kit';
import { s3OptionsFromEnv } from '../s3-env';
import { datasetFingerprint, runBuild } from './build';
import { startDemoS3 } from './demo-s3';
import { writeSyntheticDataset } from './data';

export interface ServiceSpec {
  name: 'home' | 'search' | 'playlists' | 'console';
  port: number;
}

export const DEMO_SERVICES: readonly ServiceSpec[] = [
  { name: 'home', port: 4101 },
  { name: 'search', port: 4102 },
  { name: 'playlists', port: 4103 },
];

/** The web console (apps/console): serves its built page and proxies /api/<service>/* to the services. */
export const CONSOLE_SERVICE: ServiceSpec = { name: 'console', port: 4100 };

/** Builds the console's page (vite → apps/console/dist/web) when it has not been built yet. */
async function ensureConsolePage(root: string, log: (line: string) => void): Promise<void> {
  const consoleDir = join(root, 'apps', 'console');
  if (existsSync(join(consoleDir, 'dist', 'web', 'index.html'))) return;
  log('      building the console page (vite) …');
  const child = spawn(join(consoleDir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number>((done) => child.once('close', (exitCode) => done(exitCode ?? 1)));
  if (code !== 0) throw new Error(`building the console page failed (vite build in ${consoleDir}, exit ${code}):\n${output}`);
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

export interface DemoExamples {
  userId: string;
  searchQuery: string;
  prompt: string;
  /** writes (playlists, events, feedback) need it */
  apiKey: string;
}

export function curlExamples(urls: Record<ServiceSpec['name'], string>, examples: DemoExamples): string[] {
  return [
    `curl -s '${urls.home}/v1/users/${encodeURIComponent(examples.userId)}/home?limit=5'`,
    `curl -s '${urls.search}/v1/search?q=${encodeURIComponent(examples.searchQuery)}&limit=5'`,
    `curl -s -X POST ${urls.playlists}/v1/playlists -H 'x-api-key: ${examples.apiKey}' -H 'content-type: application/json' -d '${JSON.stringify({ prompt: examples.prompt, length: 12 })}'`,
  ];
}

/**
 * The demo runs the services as production does (API keys required, rate limits on) and sets
 * what that needs explicitly: the first of MIXTAPE_API_KEYS when exported, else a fresh key per run.
 */
export function demoApiKey(env: NodeJS.ProcessEnv = process.env): string {
  return env.MIXTAPE_API_KEYS?.split(',')[0]?.trim() || `demo-${randomBytes(18).toString('hex')}`;
}


export interface DemoOptions {
  data: string;
  bundle?: string;
  rebuild?: boolean;
  s3Port: number;
  verbose?: boolean;
  readyTimeout: number;
  epochs?: number;
  /** the build's training and FAISS threads (runBuild's default when absent) */
  threads?: number;
}

/** What the demo's build takes from its flags: item2vec epochs and the threads. */
export function demoBuildSettings(options: Pick<DemoOptions, 'epochs' | 'threads'>): { options: { itemVectors?: { epochs: number } }; settings?: { threads: number } } {
  return {
    options: options.epochs ? { itemVectors: { epochs: options.epochs } } : {},
    ...(options.threads === undefined ? {} : { settings: { threads: options.threads } }),
  };
}

/** Reads demo settings: flags first, then MIXTAPE_DEMO_DATA / MIXTAPE_BUNDLE, then defaults. */
export function demoDefaults(env: NodeJS.ProcessEnv = process.env): Pick<DemoOptions, 'data' | 'bundle'> {
  return { data: env.MIXTAPE_DEMO_DATA ?? '.data/synthetic', bundle: env.MIXTAPE_BUNDLE };
}

export async function runDemo(options: DemoOptions, log: (line: string) => void): Promise<{ services: RunningService[]; stop(): Promise<void> }> {
  const root = findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)));
  const dataDir = resolve(options.data);
  const stateDir = resolve(root, '.data');
  const stops: Array<() => Promise<void>> = [];

  // 1. The dataset: the user's, or the synthetic default generated once.
  if (!existsSync(join(dataDir, 'metadata.json'))) {
    log(`[1/4] generating the synthetic dataset into ${dataDir} …`);
    await writeSyntheticDataset(dataDir, { onProgress: (event) => log(`      ${formatProgress(event)}`) });
  } else log(`[1/4] dataset ${dataDir} (reused)`);
  const snapshot = await readSnapshot(dataDir);

  // 2. Where bundles live: a real bucket when configured, else an embedded S3-compatible server.
  let bundleUri = options.bundle;
  const env: NodeJS.ProcessEnv = { MIXTAPE_CACHE_DIR: join(stateDir, 'cache') };
  if (!bundleUri) {
    const s3 = await startDemoS3({ directory: join(stateDir, 's3'), port: options.s3Port });
    stops.push(() => s3.stop());
    bundleUri = 's3://mixtape/bundles';
    env.MIXTAPE_S3_ENDPOINT = s3.endpoint;
    log(`[2/4] embedded S3 (s3rver) at ${s3.endpoint}, bundles at ${bundleUri}`);
  } else log(`[2/4] bundles at ${bundleUri}`);
  env.MIXTAPE_BUNDLE = bundleUri;
  const store = openBundleStore(bundleUri, { s3: s3OptionsFromEnv({ ...process.env, ...env }) });

  // 3. A bundle built from this dataset: reuse LATEST when it was built from the same snapshot.
  const latest = await readLatest(store).catch(() => undefined);
  const shown = latest ? await showBundle(store, { version: latest.version }).catch(() => undefined) : undefined;
  const builtFrom = shown?.manifest.metadata?.datasetFingerprint;
  if (!options.rebuild && shown && builtFrom === (await datasetFingerprint(dataDir))) {
    log(`[3/4] bundle ${shown.manifest.version} (reused; built from this dataset)`);
  } else {
    log('[3/4] building the bundle (train → index → publish) …');
    const outcome = await runBuild({
      data: dataDir,
      out: bundleUri,
      s3: s3OptionsFromEnv({ ...process.env, ...env }),
      ...demoBuildSettings(options),
      progress: (line) => log(`      ${line}`),
    });
    log(`      bundle ${outcome.version} published`);
  }

  // 4. The services, each loading the bundle from S3 at startup.
  log('[4/4] starting home, search, playlists and the console …');
  // A page that fails to build leaves the services usable; the console then says how to build it.
  await ensureConsolePage(root, log).catch((error: Error) => log(`      ${error.message}`));
  const apiKey = demoApiKey();
  const services = DEMO_SERVICES.map((spec) =>
    startService(root, spec, { ...env, MIXTAPE_API_KEYS: apiKey, PLAYLISTS_DATA_DIR: join(stateDir, 'playlists') }, options.verbose ? log : () => {}),
  );
  const serviceUrl = (name: ServiceSpec['name']) => `http://127.0.0.1:${DEMO_SERVICES.find((spec) => spec.name === name)!.port}`;
  const consoleEnv = { HOME_URL: serviceUrl('home'), SEARCH_URL: serviceUrl('search'), PLAYLISTS_URL: serviceUrl('playlists'), CONSOLE_API_KEY: apiKey };
  services.push(startService(root, CONSOLE_SERVICE, consoleEnv, options.verbose ? log : () => {}));
  const stop = async () => {
    await stopServices(services);
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    for (const service of services) {
      await waitUntilReady(service, options.readyTimeout * 1000, (elapsed) => {
        if (elapsed % 5000 < 250) log(`      waiting for ${service.spec.name} (${Math.round(elapsed / 1000)} s) …`);
      });
      log(`      ${service.spec.name} ready at ${service.url}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const urls = Object.fromEntries(services.map((s) => [s.spec.name, s.url])) as Record<ServiceSpec['name'], string>;
  const busiest = snapshot.interactions.userId(0);
  const track = snapshot.store.getTrack(snapshot.store.mostPopular(1)[0]!)!;
  const artist = snapshot.store.getArtist(track.artistIds[0]!)?.name ?? '';
  log('\nMixtape is running:');
  for (const service of services) log(`  ${service.spec.name.padEnd(10)} ${service.url}`);
  log(`\nOpen the console in a browser: ${urls.console}`);
  log(`\nAPI key for writes (playlists, events, feedback, export): ${apiKey}  (set MIXTAPE_API_KEYS to choose it)`);
  log('\nTry:');
  for (const example of curlExamples(urls, { userId: busiest, searchQuery: misspellLongestWord(`${track.title} ${artist}`.toLowerCase()), prompt: 'upbeat dance songs for a run, no rap', apiKey })) {
    log(`  ${example}`);
  }
  log('\nCtrl-C stops everything.');
  return { services, stop };
}

export function registerDemoCommand(program: Command): void {
  const defaults = demoDefaults();
  program
    .command('demo')
    .description('the whole platform locally: dataset → bundle → S3 → Home, Search and Playlists (Ctrl-C stops)')
    .option('--data <dir>', 'dataset directory (generated when absent; env MIXTAPE_DEMO_DATA)', defaults.data)
    .option('--bundle <uri>', 'publish to / serve from this s3:// or file:// URI instead of the embedded S3 (env MIXTAPE_BUNDLE)', defaults.bundle)
    .option('--rebuild', 'build a new bundle even if one from this dataset exists')
    .option('--s3-port <port>', 'port of the embedded S3 server', integerFlag('--s3-port'), 4568)
    .option('--epochs <n>', 'item2vec epochs for the build', integerFlag('--epochs'))
    .option('--threads <n>', "the build's training and FAISS threads (as `mixtape build --threads`)", integerFlag('--threads'))
    .option('--verbose', "print the services' JSON logs")
    .option('--ready-timeout <seconds>', 'how long to wait for each service to be ready', numberFlag('--ready-timeout', (n) => n > 0, 'a number of seconds > 0'), 180)
    .action(async (options: DemoOptions) => {
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const demo = await runDemo(options, log);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        log('\nstopping …');
        await demo.stop();
        log('stopped.');
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
