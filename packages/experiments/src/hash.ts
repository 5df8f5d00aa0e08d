// Deterministic bucketing: MurmurHash3 (x86, 32-bit) over the UTF-8 bytes of "salt:unit". The
// same user and salt land in the same bucket on every replica, language and restart; different
// salts give independent buckets (tested with chi-square in hash.test.ts and assign.test.ts).

/** Buckets per hash space: assignment granularity is 0.01 % of traffic. */
export const BUCKETS = 10_000;

const encoder = new TextEncoder();

/** MurmurHash3_x86_32 of `bytes` with `seed`; an unsigned 32-bit integer. */
export function murmur3(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i << 2;
    let k = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks << 2;
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= bytes[tail + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[tail]!;
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  return fmix32(h ^ length);
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

let scratch = new Uint8Array(256);

/** MurmurHash3 of a string's UTF-8 bytes (encoded into a reused buffer: no allocation per call). */
export function hashString(text: string, seed = 0): number {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return murmur3(scratch, seed, written);
}

/**
 * The bucket (0 ≤ b < `buckets`) of `unit` (a user id) under `salt`. 2³² is not a multiple of
 * 10,000, so the lowest 7,296 buckets are 1 in 430,000 likelier — far below what a test can see.
 */
export function bucketOf(salt: string, unit: string, buckets = BUCKETS): number {
  return hashString(`${salt}:${unit}`) % buckets;
}
