// The real `pnpm audit --prod` against a local registry stand-in that serves the audit endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAuditOutput, describeAuditOutcome, evaluateAudit, findWorkspaceRoot, parseAuditExceptions, runAudit } from '../src/index';

const root = findWorkspaceRoot();
const ADVISORY = {
  id: 1099999,
  github_advisory_id: 'GHSA-test-prod-vuln',
  cves: ['CVE-2026-0001'],
  module_name: 'zod',
  severity: 'high',
  title: 'Prototype pollution in a test advisory',
  url: 'https://github.com/advisories/GHSA-test-prod-vuln',
  findings: [{ version: '4.1.0', paths: ['packages__catalog>zod'] }],
};

describe('pnpm audit against a local registry', () => {
  let server: Server;
  let registry: string;
  let directory: string;
  const received: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mixtape-audit-'));
    server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ actions: [], advisories: { [ADVISORY.id]: ADVISORY }, muted: [], metadata: { vulnerabilities: { high: 1 }, dependencies: 1 } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  const exceptionsFile = async (name: string, exceptions: unknown[]) => {
    const file = join(directory, name);
    await writeFile(file, JSON.stringify({ exceptions }));
    return file;
  };

  it('fails on an advisory that is not listed, naming it', async () => {
    const outcome = await runAudit({ cwd: root, registry, exceptionsFile: await exceptionsFile('none.json', []) });
    expect(received.some((line) => line.startsWith('POST /-/npm/v1/security/audits'))).toBe(true);
    const { lines, fail } = describeAuditOutcome(outcome);
    expect(fail).toBe(true);
    expect(lines.join('\n')).toMatch(/HIGH GHSA-test-prod-vuln zod@4\.1\.0: Prototype pollution/);
  });

  it('passes when the advisory is listed with a reason, and prints the reason', async () => {
    const file = await exceptionsFile('listed.json', [{ id: 'CVE-2026-0001', module: 'zod', reason: 'only parses trusted config' }]);
    const { lines, fail } = describeAuditOutcome(await runAudit({ cwd: root, registry, exceptionsFile: file }));
    expect(fail).toBe(false);
    expect(lines.join('\n')).toMatch(/accepted GHSA-test-prod-vuln zod \(high\): only parses trusted config/);
  });

  it('is skipped, loudly and without failing, when the registry is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await runAudit({ cwd: root, registry: `http://127.0.0.1:${port}/`, fetchRetries: 0, exceptionsFile: await exceptionsFile('none2.json', []) });
    expect(outcome.kind).toBe('unreachable');
    const { lines, fail } = describeAuditOutcome(outcome);
    expect(fail).toBe(false);
    expect(lines[0]).toMatch(/SKIPPED .* NOT checked/);
  });
});

describe('audit evaluation', () => {
  const advisory = { id: 'GHSA-a', ids: ['1', 'GHSA-a'], module: 'x', severity: 'low', title: 't', url: 'u', versions: ['1.0.0'] };

  it('an expired exception fails again and says so; an unmatched one is reported unused', () => {
    const exceptions = [
      { id: 'GHSA-a', module: 'x', reason: 'r', expires: '2026-01-01' },
      { id: 'GHSA-b', module: 'y', reason: 'r' },
    ];
    const evaluation = evaluateAudit([advisory], exceptions, new Date('2026-06-01'));
    expect(evaluation.fatal).toEqual([advisory]);
    expect(evaluation.expired.map((e) => e.id)).toEqual(['GHSA-a']);
    expect(evaluation.unused.map((e) => e.id)).toEqual(['GHSA-b']);
    expect(describeAuditOutcome({ kind: 'checked', evaluation }).lines.join('\n')).toMatch(/expired on 2026-01-01/);
  });

  it('an exception for the same id on another module does not apply', () => {
    expect(evaluateAudit([advisory], [{ id: 'GHSA-a', module: 'other', reason: 'r' }]).fatal).toHaveLength(1);
  });

  it('rejects an exceptions file with missing reasons, naming entry and field', () => {
    expect(() => parseAuditExceptions('{"exceptions":[{"id":"GHSA-a","module":"x"}]}', 'deploy/audit-exceptions.json')).toThrow(
      'deploy/audit-exceptions.json: exceptions[0].reason: expected a non-empty string',
    );
    expect(() => parseAuditExceptions('{', 'f.json')).toThrow(/f\.json: not valid JSON/);
  });

  it('the committed exceptions file is valid and every entry has a reason', async () => {
    const file = join(root, 'deploy/audit-exceptions.json');
    const text = await readFile(file, 'utf8');
    expect(Array.isArray(parseAuditExceptions(text, file))).toBe(true);
  });

  it('a pnpm failure that is not about the network fails the step', () => {
    const outcome = classifyAuditOutput('{"error":{"code":"ERR_PNPM_AUDIT_NO_LOCKFILE","message":"No pnpm-lock.yaml found"}}', '', []);
    expect(outcome.kind).toBe('error');
    expect(describeAuditOutcome(outcome).fail).toBe(true);
  });
});
