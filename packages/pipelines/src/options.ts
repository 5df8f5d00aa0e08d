// What the aggregations compute, shared by the single-process path and the Beam pipeline: both
// read these options and write them into the output manifest, and the reader refuses to compare
// or consume outputs made with different settings.

export interface AggregationOptions {
  /** a gap longer than this between two positive events starts a new session (default 30 min, as item2vec's corpus) */
  sessionGapMs: number;
  /** sessions shorter than this are dropped (default 2: a single item teaches item2vec nothing) */
  minSessionLength: number;
  /** co-occurrence window: tracks at most this many positions apart in one session count as a pair (default 5) */
  window: number;
  /** neighbours kept per track, by co-occurrence count (default 50) */
  topK: number;
  /** only a user's most recent this-many session tokens generate pairs (default 1,000): one heavy listener cannot dominate the counts, and pair generation stays O(events × window) */
  maxPairTokensPerUser: number;
  /** the Home ranker's labels: share of each listener's events (temporal split) or (listener, track) pairs (random split) held out (default 0.2, the ranker's) */
  holdoutFraction: number;
  /** seed of the random split's per-(listener, track) hash (default 1, the build's default --seed; the build passes its --seed) */
  holdoutSeed: number;
}

export const DEFAULT_AGGREGATION_OPTIONS: Readonly<AggregationOptions> = Object.freeze({
  sessionGapMs: 30 * 60_000,
  minSessionLength: 2,
  window: 5,
  topK: 50,
  maxPairTokensPerUser: 1_000,
  holdoutFraction: 0.2,
  holdoutSeed: 1,
});

/** Defaults filled in and every value checked (a clear error names the option and the expectation). */
export function resolveAggregationOptions(options: Partial<AggregationOptions> = {}): AggregationOptions {
  const resolved = { ...DEFAULT_AGGREGATION_OPTIONS };
  for (const name of Object.keys(DEFAULT_AGGREGATION_OPTIONS) as (keyof AggregationOptions)[]) if (options[name] !== undefined) resolved[name] = options[name];
  const rules: Record<Exclude<keyof AggregationOptions, 'holdoutFraction'>, number> = { sessionGapMs: 0, minSessionLength: 1, window: 1, topK: 1, maxPairTokensPerUser: 2, holdoutSeed: 0 };
  for (const [name, min] of Object.entries(rules) as [keyof AggregationOptions, number][]) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min) throw new RangeError(`aggregation option ${name}: expected an integer ≥ ${min}, got ${String(value)}`);
  }
  const fraction = resolved.holdoutFraction;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) throw new RangeError(`aggregation option holdoutFraction: expected a number in (0, 1), got ${String(fraction)}`);
  return resolved;
}

/** Event type codes in @mixtape/catalog's order (INTERACTION_TYPES); skips are the only non-positive type. */
export const EVENT_TYPES = ['play', 'skip', 'complete', 'save', 'playlist_add'] as const;
export const SKIP_CODE = 1;
/** The codes the ranker's labels read (play and skip count listening time; save and playlist_add are saves). */
export const LABEL_TYPE_CODES = Object.freeze({ play: 0, skip: 1, complete: 2, save: 3, playlistAdd: 4 });
