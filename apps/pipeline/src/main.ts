#!/usr/bin/env node
// Entry point of the `mixtape` CLI (`pnpm mixtape …` from the repository root).
import { runCli } from './cli';

// `pnpm mixtape` runs at the workspace root; resolve relative paths against where the user typed it.
if (process.env.INIT_CWD && process.env.INIT_CWD !== process.cwd()) process.chdir(process.env.INIT_CWD);

runCli(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mixtape: ${message}\n`);
  if (process.env.MIXTAPE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
