import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { benchArgs, positiveInteger, positiveIntegers, positiveNumber, positiveNumbers } from '../bench/args';
import { benchListeners, seededOrder } from '../bench/sample';

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('the benches’ seeded draws (bench/sample.ts)', () => {
  // Pinned: page-identity compares page bodies of these ids across commits, and bench figures of
  // different sessions are comparable only on the same sample. A change here changes both.
  it('draws the same listener sample as every earlier bench (first ids and a hash of 2,000)', () => {
    const ids = benchListeners({ userCount: 50_000, userId: (index) => `u${index}` }, 2000);
    expect(ids.slice(0, 10)).toEqual(['u28868', 'u22467', 'u36374', 'u42157', 'u47000', 'u19191', 'u28778', 'u40353', 'u30508', 'bench-new-listener-9']);
    expect(ids.filter((id) => id.startsWith('bench-new-listener-'))).toHaveLength(200);
    expect(sha(ids.join('\n'))).toBe('f204366fbf21ff7b');
  });

  it("orders bench:next:http's requests by the same seeded shuffle (a permutation, pinned)", () => {
    expect(Array.from(seededOrder(10, 12345))).toEqual([9, 5, 4, 2, 1, 0, 3, 6, 7, 8]);
    const order = seededOrder(50_000, 54321);
    expect(new Set(order).size).toBe(50_000);
    expect(sha(Array.from(order).join(','))).toBe('5cd17e37fbccbb9a');
    expect(Array.from(seededOrder(0, 1))).toEqual([]);
  });
});

describe('the benches’ command lines (bench/args.ts)', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
  });

  it('drops the `--` pnpm passes through and refuses unknown flags', () => {
    process.argv = ['node', 'bench.ts', '--', '--pages', '200', '--events'];
    expect(benchArgs({ pages: { type: 'string', default: '2000' }, events: { type: 'boolean', default: false } })).toEqual({ pages: '200', events: true });
    process.argv = ['node', 'bench.ts', '--page', '200'];
    expect(() => benchArgs({ pages: { type: 'string' } })).toThrow(/Unknown option '--page'/);
  });

  it('says which flag, what it got and what it expects', () => {
    expect(positiveInteger('--pages', '200')).toBe(200);
    expect(() => positiveInteger('--pages', '0')).toThrow('--pages expects a positive integer (got "0")');
    expect(() => positiveInteger('--limit', '10,20')).toThrow('--limit expects a positive integer (got "10,20")');
    expect(() => positiveInteger('--pages', '')).toThrow(/got ""/);
    expect(positiveIntegers('--concurrency', '1,8,32')).toEqual([1, 8, 32]);
    expect(() => positiveIntegers('--concurrency', '1,x')).toThrow('--concurrency expects positive integers separated by commas (got "1,x")');
    expect(positiveNumber('--duration', '2.5')).toBe(2.5);
    expect(() => positiveNumber('--duration', '-1')).toThrow('--duration expects a number > 0 (got "-1")');
    expect(positiveNumbers('--rate', undefined)).toEqual([]);
    expect(positiveNumbers('--rate', '150,400.5')).toEqual([150, 400.5]);
    expect(() => positiveNumbers('--rate', '0')).toThrow('--rate expects numbers > 0 separated by commas (got "0")');
  });
});
