// Suites that may skip on a developer machine but must run in CI (real data in ../shared,
// redis-server, Chromium…). One guard for all of them, so a skip is never silent:
//   - in CI (CI set and not "false"/"0") a missing requirement throws, failing the test file;
//   - elsewhere the suite is skipped with a warning;
// and both lines carry MUST_RUN_IN_CI, which .ci/run looks for: a guarded suite that did not
// run fails CI even if the guard could not tell it was in CI.

/** The marker .ci/run searches the test output for. */
export const MUST_RUN_IN_CI = '[must run in CI]';

/** @param {NodeJS.ProcessEnv} [env] */
export function isCI(env = process.env) {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * Whether to skip a suite that must run in CI: false when its requirement is available; true
 * (with a warning) on a developer machine without it; throws in CI.
 * @param {{ suite: string; needs: string; available: boolean; fix: string; detail?: string }} requirement
 * @returns {boolean}
 */
export function skipUnlessAvailable({ suite, needs, available, fix, detail }) {
  if (available) return false;
  const message = `${MUST_RUN_IN_CI} ${suite}: needs ${needs}${detail ? ` (${detail})` : ''}; ${fix}`;
  if (isCI()) throw new Error(`${message}. CI=${process.env.CI}: this suite may not be skipped in CI.`);
  console.warn(`${message}. Skipped on this machine; CI fails without it.`);
  return true;
}
