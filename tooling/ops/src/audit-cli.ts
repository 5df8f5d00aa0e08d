// CI step: `pnpm --filter @mixtape/ops run audit` (called by .ci/run before the tests).
import { join } from 'node:path';
import { describeAuditOutcome, runAudit } from './audit';
import { findWorkspaceRoot } from './workspace';

const root = findWorkspaceRoot();
const registry = process.argv.find((arg) => arg.startsWith('--registry='))?.slice('--registry='.length);
try {
  const outcome = await runAudit({ cwd: root, exceptionsFile: join(root, 'deploy/audit-exceptions.json'), registry });
  const { lines, fail } = describeAuditOutcome(outcome);
  for (const line of lines) console.log(line);
  process.exitCode = fail ? 1 : 0;
} catch (error) {
  console.log(`audit: FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
}
