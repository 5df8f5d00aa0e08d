// Runs one Mixtape app as a real process (Node + tsx loader, from source), the way production
// runs it: own PID (for SIGTERM and /proc/<pid>/status), JSON logs on stdout, /readyz to poll.
import { join } from 'node:path';
import { startServiceProcess as startProcess, type ServiceProcess } from '@mixtape/service-kit/testing';
import { findWorkspaceRoot } from './workspace';

export type ServiceName = 'home' | 'search' | 'playlists';

/**
 * The API key ops processes start with (services refuse to start without one outside
 * development). Send it with `authHeaders` on writes; override MIXTAPE_API_KEYS in `env` to test other setups.
 */
export const OPS_API_KEY = 'ops-test-api-key-0123456789abcdef';
export const authHeaders: Readonly<Record<string, string>> = { authorization: `Bearer ${OPS_API_KEY}` };

export type { ServiceProcess } from '@mixtape/service-kit/testing';
export { freePort } from '@mixtape/service-kit/testing';

/** Starts `apps/<name>/src/main.ts` as production runs it (NODE_ENV=production, one BLAS thread, the ops API key). */
export function startServiceProcess(name: ServiceName, env: Record<string, string | undefined>, options: { root?: string; port?: number } = {}): Promise<ServiceProcess> {
  const root = options.root ?? findWorkspaceRoot();
  return startProcess({
    name,
    entry: join(root, 'apps', name, 'src', 'main.ts'),
    cwd: root,
    env: { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', LOG_LEVEL: 'info', NODE_ENV: 'production', MIXTAPE_API_KEYS: OPS_API_KEY, ...env },
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}

/**
 * The environment a bench runs a service with: the bundle, a cache and playlist store under
 * `work`, no bundle polling, quiet logs, and the ops key's own rate limit off so the load measures
 * serving rather than the limiter (per-IP limits and required keys stay as in production).
 */
export function benchServiceEnv(name: ServiceName, bundleUri: string, work: string): Record<string, string> {
  return {
    MIXTAPE_BUNDLE: bundleUri,
    MIXTAPE_CACHE_DIR: join(work, 'cache', name),
    MIXTAPE_BUNDLE_POLL_MS: '0',
    PLAYLISTS_DATA_DIR: join(work, 'playlists'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_KEY_PER_SECOND: '0',
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
