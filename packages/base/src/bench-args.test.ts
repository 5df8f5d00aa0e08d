import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseBenchArgs, type BenchArgNumericFlag } from './bench-args';

const defaults = { duration: 5, connections: [1, 8, 32], services: 'home,search', bundle: undefined, json: false } as const;

describe('parseBenchArgs', () => {
  it('gives the defaults when no flag is given', () => {
    expect(parseBenchArgs(defaults, [])).toEqual({ duration: 5, connections: [1, 8, 32], services: 'home,search', bundle: undefined, json: false });
  });

  it('reads numbers, comma lists, text and switches, after a leading --', () => {
    const args = parseBenchArgs(defaults, ['--', '--duration', '2.5', '--connections', '4, 16', '--bundle', 'file:///b', '--json']);
    expect(args).toEqual({ duration: 2.5, connections: [4, 16], services: 'home,search', bundle: 'file:///b', json: true });
  });

  it('refuses what is not a number, naming the flag', () => {
    expect(() => parseBenchArgs(defaults, ['--duration', 'ten'])).toThrow('--duration: expected a number in decimal, got "ten"');
    expect(() => parseBenchArgs(defaults, ['--connections', '1,,8'])).toThrow('--connections: expected comma-separated numbers in decimal, got "1,,8"');
  });

  it('refuses unknown flags', () => {
    expect(() => parseBenchArgs(defaults, ['--durations', '3'])).toThrow(/durations/);
  });

  it('checks numeric flags against their rules, naming flag, value and range', () => {
    const counts = { users: 2000, concurrency: [1, 8], duration: 10, check: 0, warmup: 3 } as const;
    const rules = { users: { integer: true, min: 1 }, concurrency: { integer: true, min: 1 }, duration: { above: 0 }, check: { integer: true, min: 0 }, warmup: { min: 0 } };
    const parse = (...argv: string[]) => parseBenchArgs(counts, { argv, rules });
    expect(parse('--', '--users', '3', '--concurrency', '2,4', '--duration', '0.5', '--check', '0', '--warmup', '0')).toEqual({ users: 3, concurrency: [2, 4], duration: 0.5, check: 0, warmup: 0 });
    expect(() => parse('--users', '0')).toThrow('--users: expected an integer ≥ 1, got "0"');
    expect(() => parse('--users', '2.5')).toThrow('--users: expected an integer ≥ 1, got "2.5"');
    expect(() => parse('--concurrency', '1,0')).toThrow('--concurrency: expected comma-separated integers ≥ 1, got "1,0"');
    expect(() => parse('--duration', '0')).toThrow('--duration: expected a number > 0, got "0"');
    expect(() => parse('--check=-1')).toThrow('--check: expected an integer ≥ 0, got "-1"');
    expect(() => parse('--warmup', 'abc')).toThrow('--warmup: expected a number ≥ 0 in decimal, got "abc"');
    expect(() => parse('--warmup=-5')).toThrow('--warmup: expected a number ≥ 0, got "-5"');
    // the repository's decimal rule (number-text.ts), not Number(): these read as 16, 1000, 5, 3 and 0 before
    expect(() => parse('--users', '0x10')).toThrow('--users: expected an integer ≥ 1 in decimal digits, got "0x10"');
    expect(() => parse('--users', '1e3')).toThrow('--users: expected an integer ≥ 1 in decimal digits, got "1e3"');
    expect(() => parse('--users', '+5')).toThrow('--users: expected an integer ≥ 1 in decimal digits, got "+5"');
    expect(() => parse('--users', '0b11')).toThrow('--users: expected an integer ≥ 1 in decimal digits, got "0b11"');
    expect(() => parse('--check', ' ')).toThrow('--check: expected an integer ≥ 0 in decimal digits, got " "');
    expect(() => parse('--users', ' 5')).toThrow('--users: expected an integer ≥ 1 in decimal digits, got " 5"');
    expect(() => parse('--users', '5.0')).toThrow('--users: expected an integer ≥ 1, got "5.0" (no fraction)');
    expect(() => parse('--concurrency', '2,0x4')).toThrow('--concurrency: expected comma-separated integers ≥ 1 in decimal digits, got "2,0x4"');
    expect(() => parse('--warmup', '0x10')).toThrow('--warmup: expected a number ≥ 0 in decimal, got "0x10"');
    expect(() => parse('--warmup', '')).toThrow('--warmup: expected a number ≥ 0 in decimal, got ""');
    // a number flag reads decimal fractions and exponents as they show
    expect(parse('--duration', '.5', '--warmup', '1e-3')).toMatchObject({ duration: 0.5, warmup: 0.001 });
    // the rules bind only the flags they name
    expect(parseBenchArgs({ seed: 7 }, { argv: ['--seed=-3'] })).toEqual({ seed: -3 });
    expect(() => parseBenchArgs({ seed: 7 }, { argv: ['--seed', ' '] })).toThrow('--seed: expected a number in decimal, got " "');
  });

  it('takes rules for numeric flags only: a rule on a text flag, a switch or an undeclared flag is refused, in the types and at run time', () => {
    // before, such a rule type-checked and was silently ignored (home.bench's text flag 'cache-mib': '256' was never range-checked)
    expectTypeOf<BenchArgNumericFlag<typeof defaults>>().toEqualTypeOf<'duration' | 'connections'>();
    const count = { integer: true, min: 1 };
    expect(parseBenchArgs(defaults, { argv: ['--connections', '2'], rules: { duration: { above: 0 }, connections: count } }).connections).toEqual([2]);
    // @ts-expect-error a text flag takes no rule
    expect(() => parseBenchArgs(defaults, { argv: [], rules: { services: count } })).toThrow(
      'parseBenchArgs: a rule for --services, whose default "home,search" makes it a text flag; rules bound numeric flags only (give it a number default)',
    );
    // @ts-expect-error an optional text flag neither
    expect(() => parseBenchArgs(defaults, { argv: [], rules: { bundle: count } })).toThrow('parseBenchArgs: a rule for --bundle, whose default undefined makes it a text flag;');
    // @ts-expect-error nor a switch
    expect(() => parseBenchArgs(defaults, { argv: [], rules: { json: count } })).toThrow('parseBenchArgs: a rule for --json, whose default false makes it a switch;');
    // @ts-expect-error nor a flag that is not declared
    expect(() => parseBenchArgs(defaults, { argv: [], rules: { durations: count } })).toThrow('parseBenchArgs: a rule for --durations, which is not a declared flag');
  });
});
