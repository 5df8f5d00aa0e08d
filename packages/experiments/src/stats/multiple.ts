// Corrections for reading several metrics at once.

/**
 * The step-wise frame Holm and Benjamini–Hochberg share: each p-value is scaled by a factor of
 * its rank r (1 = smallest p, m values), the scaled values are made monotone in rank — a running
 * maximum from the smallest p (step-down) or a running minimum from the largest (step-up) — and
 * capped at 1. Tied p-values get the same adjusted value whichever order they are visited in.
 */
function stepwiseAdjust(pValues: readonly number[], direction: 'step-down' | 'step-up', scale: (p: number, rank: number, m: number) => number): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m).fill(1);
  const stepDown = direction === 'step-down';
  let running = stepDown ? 0 : 1;
  for (let index = 0; index < m; index++) {
    const rank = stepDown ? index + 1 : m - index;
    const { p, i } = order[rank - 1]!;
    running = stepDown ? Math.max(running, scale(p, rank, m)) : Math.min(running, scale(p, rank, m));
    adjusted[i] = Math.min(1, running);
  }
  return adjusted;
}

/** Holm–Bonferroni adjusted p-values (step-down; controls the family-wise error rate). */
export function holmAdjust(pValues: readonly number[]): number[] {
  return stepwiseAdjust(pValues, 'step-down', (p, rank, m) => (m - rank + 1) * p);
}

/** Benjamini–Hochberg adjusted p-values (step-up; controls the false discovery rate). */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  return stepwiseAdjust(pValues, 'step-up', (p, rank, m) => (m * p) / rank);
}
