// Sources without a popularity field derive one from play or playlist counts, and say so in
// their details (`popularityFrom`): a model trained on part of such a log must not read that
// popularity, which counts the held-out part too.

/** 0..100 popularity from counts: log-scaled to the most popular item. */
export function popularityFromCounts(counts: Float64Array | Uint32Array, target: Float32Array): void {
  let max = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > max) max = counts[i]!;
  const scale = Math.log1p(max) || 1;
  for (let i = 0; i < counts.length; i++) target[i] = Math.round((100 * Math.log1p(counts[i]!)) / scale);
}

/** The details key an importer sets when it counted popularity from the dataset's own interactions. */
export const POPULARITY_FROM_INTERACTIONS = { popularityFrom: 'interactions' } as const;

/** Importers that counted popularity from their interactions before they said so in the details (older snapshots). */
const COUNTING_SOURCES = new Set(['mpd', 'lastfm-hetrec', 'lastfm-scrobbles', 'sasrec']);

/**
 * Whether a dataset's track popularity was counted from its own interactions (details.popularityFrom,
 * or for snapshots written before importers said so, the importers known to count it). Such a
 * popularity includes every event of the dataset — a held-out part too.
 */
export function popularityCountedFromInteractions(metadata: { source: string; details?: Record<string, unknown> }): boolean {
  const from = metadata.details?.popularityFrom;
  if (from !== undefined) return from === 'interactions';
  return COUNTING_SOURCES.has(metadata.source);
}
