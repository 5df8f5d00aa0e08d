// Sources without a popularity field derive one from play or playlist counts.

/** 0..100 popularity from counts: log-scaled to the most popular item. */
export function popularityFromCounts(counts: Float64Array | Uint32Array, target: Float32Array): void {
  let max = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > max) max = counts[i]!;
  const scale = Math.log1p(max) || 1;
  for (let i = 0; i < counts.length; i++) target[i] = Math.round((100 * Math.log1p(counts[i]!)) / scale);
}
