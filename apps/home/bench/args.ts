// The Home benches' command lines, in one place (bench:home, bench:next:http, bench:cpu and the
// page-identity A/B tool): node's parseArgs over this process's arguments, and the checks their
// numeric flags share, each refusing bad input with the flag, what it got and what it expects.
// Imports nothing from the repository: scripts/page-identity.sh copies it into an older checkout.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The flags after the script; `pnpm --filter @mixtape/home bench -- --bundle …` passes its `--` through, which is dropped. Unknown flags are refused. */
export function benchArgs<const T extends OptionsConfig>(options: T) {
  const argv = process.argv.slice(2);
  return parseArgs({ args: argv[0] === '--' ? argv.slice(1) : argv, options, strict: true, allowPositionals: false }).values;
}

/** `--flag N`: an integer ≥ 1. */
export function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!(text.trim() !== '' && Number.isInteger(value) && value > 0)) throw new RangeError(`${flag} expects a positive integer (got "${text}")`);
  return value;
}

/** `--flag N,N,…`: one or more integers ≥ 1. */
export function positiveIntegers(flag: string, text: string): number[] {
  const list = text.split(',').filter(Boolean).map(Number);
  if (list.length === 0 || list.some((n) => !(Number.isInteger(n) && n > 0))) throw new RangeError(`${flag} expects positive integers separated by commas (got "${text}")`);
  return list;
}

/** `--flag X`: a number > 0 (seconds). */
export function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!(text.trim() !== '' && value > 0 && Number.isFinite(value))) throw new RangeError(`${flag} expects a number > 0 (got "${text}")`);
  return value;
}

/** `--flag X,X,…`: one or more numbers > 0 (rates, seconds); an absent flag is an empty list. */
export function positiveNumbers(flag: string, text: string | undefined): number[] {
  if (text === undefined) return [];
  const list = text.split(',').filter(Boolean).map(Number);
  if (list.length === 0 || list.some((n) => !(n > 0 && Number.isFinite(n)))) throw new RangeError(`${flag} expects numbers > 0 separated by commas (got "${text}")`);
  return list;
}
