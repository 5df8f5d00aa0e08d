import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerFlag, integerListFlag, numberFlag, parseNumber, progressLog, reproducingCommand } from './command-kit';

describe('command kit', () => {
  it('parses checked numbers and names the flag when a value is wrong', () => {
    expect(parseNumber('--seed', '7', Number.isInteger, 'an integer', true)).toBe(7);
    // "7.5" is decimal: the problem is the fraction
    expect(() => parseNumber('--seed', '7.5', Number.isInteger, 'an integer', true)).toThrow('--seed: expected an integer, got "7.5" (no fraction)');
    expect(() => parseNumber('--seed', '-1', (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0', true)).toThrow('--seed: expected an integer ≥ 0, got "-1"');
    // integer-ness is passed, not read from the wording: a whole number flag written "1e1" is refused
    expect(() => numberFlag('--n', Number.isInteger, 'a whole number', true)('1e1')).toThrow('--n: expected a whole number in decimal digits, got "1e1"');
    expect(numberFlag('--rate', (n) => n > 0, 'a number > 0')('1e-3')).toBe(0.001);
    expect(integerListFlag('--k')('10, 50')).toEqual([10, 50]);
    expect(() => integerListFlag('--k')('10,0')).toThrow('--k: expected comma-separated integers ≥ 1, got "10,0"');
    expect(() => integerListFlag('--k')('10,,20')).toThrow('--k: expected comma-separated integers ≥ 1, got "10,,20"');
    expect(() => integerFlag('--top-k')(' ')).toThrow('--top-k: expected an integer ≥ 1 in decimal digits, got " "');
    expect(integerFlag('--top-k')('3')).toBe(3);
    expect(() => integerFlag('--top-k')('0')).toThrow('--top-k: expected an integer ≥ 1, got "0"');
  });

  it('takes numbers written in decimal only: "0x10", "1e1", "+5", " 5" are not 16, 10, 5 (Number() reads them so)', () => {
    for (const text of ['0x10', '1e1', '+5', ' 5', '0b11']) expect(() => integerFlag('--k')(text), text).toThrow(`--k: expected an integer ≥ 1 in decimal digits, got "${text}"`);
    expect(() => integerFlag('--k')('5.0')).toThrow('--k: expected an integer ≥ 1, got "5.0" (no fraction)');
    expect(() => integerListFlag('--k')('10,0x14')).toThrow('--k: expected comma-separated integers ≥ 1, got "10,0x14"');
    const share = numberFlag('--share', (n) => n >= 0 && n < 1, 'a number in [0, 1)');
    expect(share('0.25')).toBe(0.25);
    expect(share('1e-3')).toBe(0.001);
    expect(share('.5')).toBe(0.5);
    for (const text of ['0x0', '+0.5', ' 0.5', 'Infinity']) expect(() => share(text), text).toThrow(`--share: expected a number in [0, 1) in decimal, got "${text}"`);
    expect(() => share('1.5')).toThrow('--share: expected a number in [0, 1), got "1.5"');
  });

  it('parses numeric flags at declaration, so actions get numbers and defaults stay numbers', async () => {
    let seen: unknown;
    const program = new Command().exitOverride();
    program
      .command('run')
      .option('--users <n>', 'at least 1', integerFlag('--users'), 2000)
      .option('--pre-days <n>', 'at least 0', integerFlag('--pre-days', 0), 3)
      .option('--share <f>', 'in [0, 1)', numberFlag('--share', (n) => n >= 0 && n < 1, 'a number in [0, 1)'), 0.2)
      .option('--sizes <list>', 'integers', integerListFlag('--sizes'), [10, 20])
      .action((flags) => {
        seen = flags;
      });
    await program.parseAsync(['run', '--pre-days', '0', '--sizes', '5, 6'], { from: 'user' });
    expect(seen).toEqual({ users: 2000, preDays: 0, share: 0.2, sizes: [5, 6] });
    await expect(program.parseAsync(['run', '--users', '0'], { from: 'user' })).rejects.toThrow('--users: expected an integer ≥ 1, got "0"');
    await expect(program.parseAsync(['run', '--share', '1'], { from: 'user' })).rejects.toThrow('--share: expected a number in [0, 1), got "1"');
    await expect(program.parseAsync(['run', '--sizes', '5,x'], { from: 'user' })).rejects.toThrow('--sizes: expected comma-separated integers ≥ 1, got "5,x"');
  });

  it('writes progress lines unless quiet', () => {
    const lines: string[] = [];
    const io = { stdout: () => {}, stderr: (text: string) => lines.push(text) };
    progressLog(false, io)('one');
    progressLog(true, io)('two');
    expect(lines).toEqual(['one\n']);
  });

  it('rebuilds the command line from the options given, in declaration order', async () => {
    let line = '';
    const program = new Command().exitOverride();
    program
      .command('run')
      .requiredOption('--files <paths...>', 'inputs')
      .option('--key <k>', 'resolved when absent')
      .option('--depth <n>', 'with a default', '3')
      .option('--final', 'a switch')
      .option('--name <base>', 'not part of the result')
      .option('--unset <x>', 'never given')
      .action((_flags, command: Command) => {
        line = reproducingCommand('tool run', command, { values: { key: 'k1' }, omit: ['--name'] });
      });
    await program.parseAsync(['run', '--files', 'a', 'b', '--final', '--name', 'x'], { from: 'user' });
    expect(line).toBe('tool run --files a b --key k1 --depth 3 --final');
  });
});
