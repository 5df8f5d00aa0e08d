// `pnpm audit --prod` with a reviewed list of accepted advisories: CI fails on any other
// advisory, and says plainly when the audit could not run (registry unreachable).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface AuditException {
  /** GHSA id (`GHSA-xxxx-xxxx-xxxx`), CVE id or the registry's numeric advisory id. */
  id: string;
  /** Package the advisory is about. */
  module: string;
  /** Why it is acceptable here (not reachable from our code, dev-only path, no fix yet…). */
  reason: string;
  /** ISO date after which the exception no longer applies (forces a re-review). */
  expires?: string;
}

export interface Advisory {
  id: string;
  ids: string[];
  module: string;
  severity: string;
  title: string;
  url: string;
  versions: string[];
}

export interface AuditEvaluation {
  /** Advisories not covered by a (current) exception: CI fails. */
  fatal: Advisory[];
  excepted: Array<{ advisory: Advisory; exception: AuditException }>;
  /** Exceptions that matched but are past `expires`. */
  expired: AuditException[];
  /** Exceptions no advisory matched (candidates for removal). */
  unused: AuditException[];
}

export type AuditOutcome =
  | { kind: 'checked'; evaluation: AuditEvaluation }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'error'; detail: string };

/** Reads deploy/audit-exceptions.json; every problem names the entry and field. */
export function parseAuditExceptions(text: string, file: string): AuditException[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const list = (data as { exceptions?: unknown }).exceptions;
  if (!Array.isArray(list)) throw new Error(`${file}: expected {"exceptions": [{"id", "module", "reason", "expires"?}]}`);
  const problems: string[] = [];
  const exceptions = list.map((entry: unknown, index) => {
    const item = (entry ?? {}) as Record<string, unknown>;
    for (const field of ['id', 'module', 'reason'] as const) {
      if (typeof item[field] !== 'string' || (item[field] as string).trim() === '') problems.push(`${file}: exceptions[${index}].${field}: expected a non-empty string`);
    }
    if (item.expires !== undefined && (typeof item.expires !== 'string' || Number.isNaN(Date.parse(item.expires)))) {
      problems.push(`${file}: exceptions[${index}].expires: expected an ISO date such as 2027-06-30`);
    }
    return item as unknown as AuditException;
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return exceptions;
}

/** Advisories from `pnpm audit --json` (npm's v1 audit report). */
export function advisoriesFromReport(report: unknown): Advisory[] {
  const advisories = (report as { advisories?: Record<string, Record<string, unknown>> }).advisories ?? {};
  return Object.values(advisories).map((advisory) => {
    const ids = [String(advisory.id ?? ''), String(advisory.github_advisory_id ?? ''), ...((advisory.cves as string[] | undefined) ?? [])].filter(Boolean);
    return {
      id: String(advisory.github_advisory_id ?? advisory.id ?? ''),
      ids,
      module: String(advisory.module_name ?? ''),
      severity: String(advisory.severity ?? 'unknown'),
      title: String(advisory.title ?? ''),
      url: String(advisory.url ?? ''),
      versions: ((advisory.findings as Array<{ version: string }> | undefined) ?? []).map((finding) => finding.version),
    };
  });
}

export function evaluateAudit(advisories: readonly Advisory[], exceptions: readonly AuditException[], now = new Date()): AuditEvaluation {
  const used = new Set<AuditException>();
  const expired = new Set<AuditException>();
  const evaluation: AuditEvaluation = { fatal: [], excepted: [], expired: [], unused: [] };
  for (const advisory of advisories) {
    const exception = exceptions.find((e) => e.module === advisory.module && advisory.ids.includes(e.id));
    if (!exception) {
      evaluation.fatal.push(advisory);
      continue;
    }
    used.add(exception);
    if (exception.expires && Date.parse(exception.expires) < now.getTime()) {
      expired.add(exception);
      evaluation.fatal.push(advisory);
    } else evaluation.excepted.push({ advisory, exception });
  }
  evaluation.expired = [...expired];
  evaluation.unused = exceptions.filter((e) => !used.has(e));
  return evaluation;
}

const UNREACHABLE = /ERR_PNPM_AUDIT_BAD_RESPONSE|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ERR_PNPM_META_FETCH_FAIL|FETCH_ERROR|socket hang up|network/i;

/** Classifies `pnpm audit --json` output: a report, an unreachable registry, or another failure. */
export function classifyAuditOutput(stdout: string, stderr: string, exceptions: readonly AuditException[], now = new Date()): AuditOutcome {
  let report: Record<string, unknown> | undefined;
  try {
    report = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    report = undefined;
  }
  const error = report?.error as { code?: string; message?: string } | undefined;
  if (!report || error) {
    const detail = error ? `${error.code ?? ''} ${error.message ?? ''}`.trim() : `${stderr || stdout}`.trim().slice(0, 500);
    return UNREACHABLE.test(detail) ? { kind: 'unreachable', detail } : { kind: 'error', detail: detail || 'pnpm audit printed nothing' };
  }
  return { kind: 'checked', evaluation: evaluateAudit(advisoriesFromReport(report), exceptions, now) };
}

export interface RunAuditOptions {
  cwd: string;
  exceptionsFile: string;
  /** Registry to audit against (default: pnpm's configured registry). */
  registry?: string;
  timeoutMs?: number;
  /** Retries of the registry request (default 1) and the timeout of each (default 30 s). */
  fetchRetries?: number;
  fetchTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs `pnpm audit --prod --json` in `cwd` and evaluates it against the exceptions file. */
export async function runAudit(options: RunAuditOptions): Promise<AuditOutcome> {
  const exceptions = parseAuditExceptions(await readFile(options.exceptionsFile, 'utf8'), options.exceptionsFile);
  const args = ['audit', '--prod', '--json', ...(options.registry ? ['--registry', options.registry] : [])];
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 120_000), ...(options.signal ? [options.signal] : [])]);
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    // pnpm audit takes no fetch flags; its npm-style config comes from the environment.
    const env = {
      ...process.env,
      npm_config_fetch_retries: String(options.fetchRetries ?? 1),
      npm_config_fetch_timeout: String(options.fetchTimeoutMs ?? 30_000),
    };
    const child = spawn('pnpm', args, { cwd: options.cwd, env, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', (error) => (error.name === 'AbortError' ? resolve({ stdout: '', stderr: 'ETIMEDOUT: pnpm audit timed out' }) : reject(error)));
    child.once('close', () => resolve({ stdout: out, stderr: err }));
  });
  return classifyAuditOutput(stdout, stderr, exceptions);
}

/** Human lines for CI and whether the step fails. */
export function describeAuditOutcome(outcome: AuditOutcome): { lines: string[]; fail: boolean } {
  if (outcome.kind === 'unreachable') {
    return {
      lines: [
        'audit: SKIPPED — the registry audit endpoint is unreachable (or refused the request), so dependencies were NOT checked.',
        `audit: ${outcome.detail}`,
        'audit: run `pnpm audit --prod` where the registry is reachable before releasing.',
      ],
      fail: false,
    };
  }
  if (outcome.kind === 'error') return { lines: [`audit: FAILED to run: ${outcome.detail}`], fail: true };
  const { fatal, excepted, expired, unused } = outcome.evaluation;
  const lines = [
    ...excepted.map(({ advisory, exception }) => `audit: accepted ${advisory.id} ${advisory.module} (${advisory.severity}): ${exception.reason}`),
    ...expired.map((e) => `audit: exception ${e.id} ${e.module} expired on ${e.expires}; review it`),
    ...fatal.map((a) => `audit: ${a.severity.toUpperCase()} ${a.id} ${a.module}@${a.versions.join(',') || '?'}: ${a.title} ${a.url}`),
    ...unused.map((e) => `audit: exception ${e.id} ${e.module} matches no advisory any more; remove it`),
    fatal.length > 0
      ? `audit: ${fatal.length} advisor${fatal.length === 1 ? 'y' : 'ies'} not in deploy/audit-exceptions.json — failing`
      : `audit: ok (${excepted.length} accepted exception${excepted.length === 1 ? '' : 's'})`,
  ];
  return { lines, fail: fatal.length > 0 };
}
