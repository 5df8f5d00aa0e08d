// Flags of bench and tooling scripts, declared by their defaults: every bench had its own
// parseArgs block of string options followed by a Number() per flag and its own (or no) check.
import { parseArgs } from 'node:util';
import { numberTextProblem } from './number-text';

/** A flag's default: its type decides how the flag is read. */
export type BenchArgDefault = number | readonly number[] | string | boolean | undefined;

/**
 * A numeric flag's range (a number or each number of a list): `integer` refuses a fraction, `min`
 * is the least value allowed, `above` a value it must exceed — `{ integer: true, min: 1 }` is a
 * count, `{ above: 0 }` seconds or a rate, `{ min: 0 }` a duration that may be none.
 */
export interface BenchArgRule {
  integer?: boolean;
  min?: number;
  above?: number;
}

/** `parseBenchArgs`'s second argument when more than the arguments is given. */
export interface BenchArgOptions<S> {
  /** default: this process's arguments after the script */
  argv?: readonly string[];
  /** ranges of numeric flags (and of every number of a list flag); a text flag or a switch takes none */
  rules?: BenchArgRules<S>;
}

/** The flags of `S` a rule may bound: those whose default is a number or a list of numbers. */
export type BenchArgNumericFlag<S> = { [K in keyof S]: S[K] extends number | readonly number[] ? K : never }[keyof S];

/**
 * `rules` keyed by numeric flags only: a rule on a text flag or a switch (which would never be checked)
 * does not type-check, and `parseBenchArgs` refuses it at run time too (a caller in plain JS, a cast).
 */
export type BenchArgRules<S> = { [K in BenchArgNumericFlag<S>]?: BenchArgRule };

/** What `parseBenchArgs` returns for each declared flag. */
export type BenchArgValues<S extends Record<string, BenchArgDefault>> = {
  -readonly [K in keyof S]: S[K] extends number
    ? number
    : S[K] extends readonly number[]
      ? number[]
      : S[K] extends boolean
        ? boolean
        : S[K] extends string
          ? string
          : string | undefined;
};

/**
 * Reads `--name value` flags declared by their defaults: a number is a numeric flag, an array
 * of numbers a comma-separated list, a string a text flag, a boolean a switch and `undefined`
 * an optional text flag. Numbers are decimal text, finite (number-text.ts: "0x10", "+5", " " are
 * refused; an integer rule refuses "1e3" too); unknown flags are refused (node:util parseArgs, strict). A leading `--` (as `pnpm run x -- --flag` passes it) is skipped. `rules` bound numeric
 * flags (`--users: expected an integer ≥ 1, got "0"`); defaults are not checked. A rule on a text flag, a switch or
 * an undeclared flag is a TypeError when the parser is called (and a type error before that).
 */
export function parseBenchArgs<const S extends Record<string, BenchArgDefault>>(
  defaults: S,
  argvOrOptions: readonly string[] | BenchArgOptions<S> = {},
): BenchArgValues<S> {
  const { argv = process.argv.slice(2), rules: declared = {} } = isArgv(argvOrOptions) ? { argv: argvOrOptions } : argvOrOptions;
  const rules: Partial<Record<string, BenchArgRule>> = declared;
  for (const name of Object.keys(rules)) {
    const fallback = (defaults as Record<string, BenchArgDefault>)[name];
    if (!Object.hasOwn(defaults, name)) throw new TypeError(`parseBenchArgs: a rule for --${name}, which is not a declared flag`);
    if (typeof fallback !== 'number' && !Array.isArray(fallback)) {
      throw new TypeError(
        `parseBenchArgs: a rule for --${name}, whose default ${JSON.stringify(fallback) ?? 'undefined'} makes it a ${typeof fallback === 'boolean' ? 'switch' : 'text flag'}; rules bound numeric flags only (give it a number default)`,
      );
    }
  }
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, value] of Object.entries(defaults)) options[name] = { type: typeof value === 'boolean' ? 'boolean' : 'string' };
  const { values } = parseArgs({ args: argv[0] === '--' ? argv.slice(1) : [...argv], options });
  const result: Record<string, unknown> = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    const given = values[name];
    if (given === undefined) result[name] = Array.isArray(fallback) ? [...(fallback as readonly number[])] : fallback;
    else if (typeof fallback === 'number') result[name] = readNumber(name, given as string, rules[name]);
    else if (Array.isArray(fallback)) result[name] = (given as string).split(',').map((part) => readNumber(name, part.trim(), rules[name], given as string));
    else result[name] = given;
  }
  return result as BenchArgValues<S>;
}

function isArgv<S>(value: readonly string[] | BenchArgOptions<S>): value is readonly string[] {
  return Array.isArray(value);
}

// The repository's one rule for typed numbers (number-text.ts): Number() alone reads "0x10" as 16,
// "1e3" as 1000, "+5" as 5 and " " as 0 — a whitespace --check would silently turn the check off.
function readNumber(name: string, text: string, rule: BenchArgRule = {}, whole = text): number {
  const integer = rule.integer === true;
  const problem = numberTextProblem(text, integer);
  const value = problem === undefined ? Number(text) : Number.NaN;
  const inRange = (!integer || Number.isInteger(value)) && (rule.min === undefined || value >= rule.min) && (rule.above === undefined || value > rule.above);
  if (!Number.isFinite(value) || !inRange) {
    const form = problem === 'not decimal' ? (integer ? ' in decimal digits' : ' in decimal') : '';
    throw new Error(`--${name}: expected ${expected(rule, whole !== text)}${form}, got "${whole}"${problem === 'a fraction' ? ' (no fraction)' : ''}`);
  }
  return value;
}

/** "a number", "an integer ≥ 1", "comma-separated numbers > 0", … */
function expected(rule: BenchArgRule, list: boolean): string {
  const kind = rule.integer === true ? (list ? 'integers' : 'an integer') : list ? 'numbers' : 'a number';
  const bounds = [rule.min === undefined ? '' : `≥ ${rule.min}`, rule.above === undefined ? '' : `> ${rule.above}`].filter(Boolean).join(' and ');
  return `${list ? 'comma-separated ' : ''}${kind}${bounds ? ` ${bounds}` : ''}`;
}
