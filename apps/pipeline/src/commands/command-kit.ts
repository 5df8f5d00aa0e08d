// What the `mixtape` commands share: where their output goes, the number parsers of their flags,
// and the command line that reproduces a run (printed under reports so a figure can be re-made).
import { DECIMAL_INTEGER, DECIMAL_NUMBER, numberTextProblem } from '@mixtape/base';
import type { Command } from 'commander';

/** Where a command writes: the process's streams by default, buffers in tests. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Progress lines to stderr, or nowhere with --quiet. */
export function progressLog(quiet: boolean | undefined, io: CommandIo = processIo): (line: string) => void {
  return (line) => {
    if (!quiet) io.stderr(`${line}\n`);
  };
}

/**
 * How a number may be written on the command line — the rule query parameters follow too
 * (@mixtape/base): JavaScript's Number() also reads "0x10", "+5", " 5" and "1e1"; an integer flag
 * takes decimal digits, a number flag decimal with an optional fraction and exponent (".5", "1e-3").
 */
export const INTEGER_TEXT = DECIMAL_INTEGER;
export const NUMBER_TEXT = DECIMAL_NUMBER;

/**
 * A flag's number, checked: `check` says what is allowed, `expected` how the error names it, `integer`
 * whether it is written as an integer (digits only): "--k 0x10" is refused, not 16; "--seed 7.5" says
 * "(no fraction)".
 */
export function parseNumber(flag: string, value: string, check: (n: number) => boolean, expected: string, integer: boolean): number {
  const problem = numberTextProblem(value, integer);
  const n = problem === undefined ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || !check(n)) {
    const form = problem === 'not decimal' ? (integer ? ' in decimal digits' : ' in decimal') : '';
    throw new Error(`${flag}: expected ${expected}${form}, got "${value}"${problem === 'a fraction' ? ' (no fraction)' : ''}`);
  }
  return n;
}

/** A commander parser for a numeric flag, checked as `parseNumber` does (the action gets a number); `integer`: digits only. */
export function numberFlag(flag: string, check: (n: number) => boolean, expected: string, integer = false): (value: string) => number {
  return (value) => parseNumber(flag, value, check, expected, integer);
}

/** A commander parser for an integer flag of at least `min`. */
export function integerFlag(flag: string, min = 1): (value: string) => number {
  return numberFlag(flag, (n) => Number.isInteger(n) && n >= min, `an integer ≥ ${min}`, true);
}

/** A commander parser for comma-separated integers of at least 1 (cutoffs, seeds, sample sizes); an error quotes the whole list. */
export function integerListFlag(flag: string): (value: string) => number[] {
  const integer = (n: number) => Number.isInteger(n) && n >= 1;
  return (value) => {
    const numbers = value.split(',').map((part) => (INTEGER_TEXT.test(part.trim()) ? Number(part) : Number.NaN));
    if (!numbers.every(integer)) throw new Error(`${flag}: expected comma-separated integers ≥ 1, got "${value}"`);
    return numbers;
  };
}

/**
 * The command line that reproduces a run: `prefix` and every option of `command` that has a
 * value, in the order the command declares them (`values` replaces a flag's value, e.g. with
 * what was resolved from a default; `omit` names flags that do not change the result).
 */
export function reproducingCommand(prefix: string, command: Command, options: { values?: Record<string, unknown>; omit?: readonly string[] } = {}): string {
  const flags = command.opts();
  const parts = [prefix];
  for (const option of command.options) {
    const name = option.attributeName();
    if (!option.long || options.omit?.includes(option.long)) continue;
    const value = options.values && name in options.values ? options.values[name] : flags[name];
    if (value === undefined || value === false) continue;
    if (value === true) parts.push(option.long);
    else parts.push(`${option.long} ${Array.isArray(value) ? value.join(' ') : String(value)}`);
  }
  return parts.join(' ');
}
