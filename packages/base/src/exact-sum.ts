// Order-independent floating-point sums (Shewchuk's non-overlapping partials, rounded once at the
// end as Python's math.fsum does): whatever order values are added in — a distributed combiner's,
// or catalog order in one process — the result is the correctly rounded exact sum, bit-equal.

/** Adds x to the partials (kept non-overlapping, increasing magnitude) in place. */
export function addExact(partials: number[], value: number): number[] {
  let x = value;
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const swap = x;
      x = y;
      y = swap;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
  return partials;
}

/** The exact sum the partials represent, correctly rounded to a double. */
export function roundExact(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // half-way case: the rest of the partials decide the rounding direction
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/** The correctly rounded sum of values, independent of their order. */
export function exactSum(values: Iterable<number>): number {
  const partials: number[] = [];
  for (const value of values) addExact(partials, value);
  return roundExact(partials);
}
