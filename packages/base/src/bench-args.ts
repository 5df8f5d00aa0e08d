// Flags of bench and tooling scripts, declared by their defaults: every bench had its own
// parseArgs block of string options followed by a Number() per flag and its own (or no) check.
import { parseArgs } from 'node:util';

/** A flag's default: its type decides how the flag is read. */
export type BenchArgDefault = number | readonly number[] | string | boolean | undefined;

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
 * an optional text flag. Numbers must be finite; unknown flags are refused (node:util parseArgs,
 * strict). A leading `--` (as `pnpm run x -- --flag` passes it) is skipped.
 */
export function parseBenchArgs<const S extends Record<string, BenchArgDefault>>(
  defaults: S,
  argv: readonly string[] = process.argv.slice(2),
): BenchArgValues<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, value] of Object.entries(defaults)) options[name] = { type: typeof value === 'boolean' ? 'boolean' : 'string' };
  const { values } = parseArgs({ args: argv[0] === '--' ? argv.slice(1) : [...argv], options });
  const result: Record<string, unknown> = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    const given = values[name];
    if (given === undefined) result[name] = Array.isArray(fallback) ? [...(fallback as readonly number[])] : fallback;
    else if (typeof fallback === 'number') result[name] = readNumber(name, given as string);
    else if (Array.isArray(fallback)) result[name] = (given as string).split(',').map((part) => readNumber(name, part.trim(), given as string));
    else result[name] = given;
  }
  return result as BenchArgValues<S>;
}

function readNumber(name: string, text: string, whole = text): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new Error(`--${name}: expected ${whole === text ? 'a number' : 'comma-separated numbers'}, got "${whole}"`);
  return value;
}
