import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './bench-args';

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
    expect(() => parseBenchArgs(defaults, ['--duration', 'ten'])).toThrow('--duration: expected a number, got "ten"');
    expect(() => parseBenchArgs(defaults, ['--connections', '1,,8'])).toThrow('--connections: expected comma-separated numbers, got "1,,8"');
  });

  it('refuses unknown flags', () => {
    expect(() => parseBenchArgs(defaults, ['--durations', '3'])).toThrow(/durations/);
  });
});
