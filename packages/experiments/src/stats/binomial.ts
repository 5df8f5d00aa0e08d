// Exact two-sided binomial test with p = 1/2 (the sign test).
import { logGamma } from './distributions';

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** P(|X − n/2| ≥ |k − n/2|) for X ~ Binomial(n, 1/2): the exact two-sided sign-test p-value. */
export function binomialTwoSided(k: number, n: number): number {
  if (n === 0) return 1;
  const low = Math.min(k, n - k);
  // Σ_{i ≤ low} C(n, i) / 2ⁿ, summed in log space from the largest term down
  const logHalf = n * Math.log(0.5);
  let tail = 0;
  for (let i = low; i >= 0; i--) {
    const term = Math.exp(logChoose(n, i) + logHalf);
    tail += term;
    if (term < tail * 1e-17) break;
  }
  return Math.min(1, 2 * tail);
}
