// `mixtape doctor`: is this machine ready to build and serve? Each line is OK or a fix to apply.
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { openBundleStore, readLatest } from '@mixtape/bundle';
import { s3OptionsFromEnv } from '../s3-env';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

const MIN_NODE_MAJOR = 20;

export function checkNode(version = process.versions.node): CheckResult {
  const major = Number(version.split('.')[0]);
  return major >= MIN_NODE_MAJOR
    ? { name: 'node', status: 'ok', detail: `Node ${version}` }
    : { name: 'node', status: 'fail', detail: `Node ${version}`, fix: `install Node >= ${MIN_NODE_MAJOR} (https://nodejs.org or your package manager)` };
}

export async function checkFaiss(): Promise<CheckResult[]> {
  let info;
  try {
    const { faissBuildInfo } = await import('@mixtape/embeddings');
    info = faissBuildInfo();
  } catch (error) {
    return [
      {
        name: 'faiss',
        status: 'fail',
        detail: `faiss-node does not load: ${(error as Error).message.split('\n')[0]}`,
        fix: 'run `bash tooling/scripts/setup.sh` (installs libfaiss-dev + OpenBLAS, rebuilds faiss-node)',
      },
    ];
  }
  const results: CheckResult[] = [
    info.typedArrays
      ? { name: 'faiss', status: 'ok', detail: `FAISS ${info.faissVersion} loads (patched binding: typed arrays, search params)` }
      : { name: 'faiss', status: 'warn', detail: `FAISS ${info.faissVersion} loads without the Mixtape patch`, fix: 'pnpm install (applies patches/faiss-node@0.5.1.patch)' },
  ];
  results.push(
    /openblas/i.test(info.blas)
      ? { name: 'blas', status: 'ok', detail: info.blas.replace(/^OpenBLAS OpenBLAS/, 'OpenBLAS') }
      : {
          name: 'blas',
          status: 'warn',
          detail: `${info.blas}: batched FAISS search is 10–15× slower than with OpenBLAS`,
          fix: 'sudo apt-get install libopenblas0-pthread (Debian/Ubuntu), then restart the service',
        },
  );
  results.push(checkThreads(info.ompMaxThreads, info.blasThreads));
  return results;
}

export function checkThreads(ompThreads: number, blasThreads: number, env = process.env, cores = cpus().length): CheckResult {
  const detail = `${cores} cores; OpenMP ${ompThreads} thread(s) (OMP_NUM_THREADS=${env.OMP_NUM_THREADS ?? 'unset'}); OpenBLAS ${blasThreads >= 0 ? blasThreads : '?'} (OPENBLAS_NUM_THREADS=${env.OPENBLAS_NUM_THREADS ?? 'unset'})`;
  // OpenMP × OpenBLAS threads beyond the core count spin against each other.
  if (ompThreads > 1 && blasThreads > 1 && ompThreads * blasThreads > cores) {
    return {
      name: 'threads',
      status: 'warn',
      detail,
      fix: 'set OPENBLAS_NUM_THREADS=1 (FAISS parallelizes with OpenMP; nested BLAS threads oversubscribe the cores); for services handling many small batches also try OMP_NUM_THREADS=1',
    };
  }
  return { name: 'threads', status: 'ok', detail };
}

export async function checkS3(bundleUri: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const endpoint = env.MIXTAPE_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL;
  // `doctor --bundle file:///…` said "no s3:// MIXTAPE_BUNDLE configured": name what was given and why nothing is reached
  if (!bundleUri) return { name: 's3', status: 'skip', detail: 'no bundle location given (--bundle or MIXTAPE_BUNDLE)' };
  if (!bundleUri.startsWith('s3://')) return { name: 's3', status: 'skip', detail: `${bundleUri} is not an s3:// location: no S3 to reach` };
  const signal = AbortSignal.timeout(5000);
  try {
    const store = openBundleStore(bundleUri, { s3: { ...s3OptionsFromEnv(env), retry: { maxAttempts: 1 } } });
    const latest = await readLatest(store, { signal });
    return {
      name: 's3',
      status: 'ok',
      detail: `${bundleUri}${endpoint ? ` at ${endpoint}` : ''} reachable; LATEST = ${latest?.version ?? '(none published yet)'}`,
    };
  } catch (error) {
    return {
      name: 's3',
      status: 'fail',
      detail: `${bundleUri}${endpoint ? ` at ${endpoint}` : ''}: ${(error as Error).message}`,
      fix: 'check MIXTAPE_S3_ENDPOINT / AWS_ENDPOINT_URL, credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and that the bucket exists',
    };
  }
}

const MARK: Record<CheckStatus, string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

export function formatChecks(results: CheckResult[]): string {
  return results
    .map((result) => `${MARK[result.status]}  ${result.name.padEnd(8)} ${result.detail}${result.fix ? `\n      fix: ${result.fix}` : ''}`)
    .join('\n');
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check Node, FAISS, BLAS, thread settings and (when configured) S3 reachability')
    .option('--bundle <uri>', 'bundle location to check (default: $MIXTAPE_BUNDLE)')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { bundle?: string; json?: boolean }) => {
      const results = [checkNode(), ...(await checkFaiss()), await checkS3(options.bundle ?? process.env.MIXTAPE_BUNDLE)];
      process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatChecks(results)}\n`);
      if (results.some((result) => result.status === 'fail')) process.exitCode = 1;
    });
}
