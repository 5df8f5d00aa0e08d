import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, hashString, murmur3 } from './hash';
import { chiSquareSurvival } from './stats/distributions';

describe('murmur3', () => {
  it('matches the reference MurmurHash3_x86_32 test vectors', () => {
    expect(murmur3(new Uint8Array(0), 0)).toBe(0);
    expect(murmur3(new Uint8Array(0), 1)).toBe(0x514e28b7);
    expect(murmur3(new Uint8Array(0), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3(new Uint8Array(4), 0)).toBe(0x2362f9de);
    expect(hashString('aaaa', 0x9747b28c)).toBe(0x5a97808a);
    expect(hashString('abc', 0)).toBe(0xb3dd93fa);
    expect(hashString('Hello, world!', 0x9747b28c)).toBe(0x24884cba);
    expect(hashString('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
  });

  it('hashes UTF-8 bytes, so ids outside ASCII are stable across platforms', () => {
    expect(hashString('π', 0x9747b28c)).toBe(murmur3(new Uint8Array([0xcf, 0x80]), 0x9747b28c));
  });
});

describe('bucketOf', () => {
  it('pins buckets, so a change of hashing (which would reshuffle every running test) fails here', () => {
    expect([bucketOf('home-ranker', 'user-1'), bucketOf('home-ranker', 'user-2'), bucketOf('search-fusion', 'user-1')]).toEqual([6701, 1602, 7512]);
    expect(bucketOf('home-ranker', 'user-1')).toBe(hashString('home-ranker:user-1') % BUCKETS);
  });

  it('spreads 200,000 users uniformly over 100 bins (chi-square)', () => {
    const bins = new Float64Array(100);
    const users = 200_000;
    for (let u = 0; u < users; u++) bins[Math.floor(bucketOf('uniformity', `user-${u}`) / 100)]!++;
    const expected = users / 100;
    const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquareSurvival(chiSquare, 99)).toBeGreaterThan(0.001);
  });
});
