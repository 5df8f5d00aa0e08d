// The plan language: what a planner (LLM or offline) emits instead of track titles. Every field
// is bounded (counts, string lengths, numeric ranges), so whatever text reaches a planner, the
// only thing that can come out is a small, checkable description of a playlist.
import type { AudioFeature, FeatureRange, SequencingArc } from '@mixtape/language';
import { AUDIO_FEATURES, MAX_TEMPO_BPM, SEQUENCING_ARCS } from '@mixtape/language';
import { z } from 'zod';

/**
 * Bumped whenever the plan's shape changes; part of every cache key and DPO record.
 * 2: features.liveness and features.mode, trackMinutes, unavailable, rationale (issue 18).
 */
export const PLAN_SCHEMA_VERSION = 2 as const;

/** Audio features a plan can constrain (the language package's list); all 0..1 except tempo (BPM). */
export const PLAN_FEATURES = AUDIO_FEATURES;
export type PlanFeature = AudioFeature;
export { SEQUENCING_ARCS, MAX_TEMPO_BPM };
export type { SequencingArc, FeatureRange };
export const MIN_RELEASE_YEAR = 1900;
export const MAX_RELEASE_YEAR = 2100;
export const MAX_TRACK_COUNT = 200;
export const MAX_TARGET_MINUTES = 600;
/** Longest track length a plan can ask for, in minutes. */
export const MAX_TRACK_MINUTES = 60;

// Control characters, angle brackets and braces never belong in a name or a label; refusing them
// keeps markup and template syntax out of anything that is later displayed or logged.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f<>{}`]/;

/** A catalog-facing name (artist, genre, track title): bounded length, single line, no markup. */
const nameString = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .refine((value) => !UNSAFE_CHARACTERS.test(value), 'must be a single line without control characters or <>{}`')
    .refine((value) => value.trim().length > 0, 'must not be blank');

/** A short descriptive label (mood, activity): lowercase-ish words only. */
const labelString = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} '&/-]*$/u, 'expected a short label of letters, digits, spaces, hyphens');

/** `{ min, max }` with both ends inside `bound` and min ≤ max. */
const orderedRange = (bound: z.ZodNumber) =>
  z
    .object({ min: bound, max: bound })
    .strict()
    .refine((range) => range.min <= range.max, 'min must be <= max');

const unitRange = orderedRange(z.number().min(0).max(1));
const tempoRange = orderedRange(z.number().min(0).max(MAX_TEMPO_BPM));
const yearRange = orderedRange(z.number().int().min(MIN_RELEASE_YEAR).max(MAX_RELEASE_YEAR));
const minutesRange = orderedRange(z.number().min(0).max(MAX_TRACK_MINUTES));

/** A short sentence shown to the listener: one line, no markup. */
const sentenceString = z
  .string()
  .min(1)
  .max(160)
  .refine((value) => !UNSAFE_CHARACTERS.test(value), 'must be a single line without control characters or <>{}`');

const includeExclude = (item: z.ZodType<string>, maxItems: number) =>
  z.object({ include: z.array(item).max(maxItems), exclude: z.array(item).max(maxItems) }).strict();

export const SeedTrackSchema = z
  .object({ title: nameString(200), artist: nameString(200).nullable() })
  .strict();
export type SeedTrack = z.infer<typeof SeedTrackSchema>;

export const FeatureRangeSchema = unitRange;

export const PlanFeaturesSchema = z
  .object({
    energy: unitRange.nullable(),
    valence: unitRange.nullable(),
    danceability: unitRange.nullable(),
    acousticness: unitRange.nullable(),
    instrumentalness: unitRange.nullable(),
    speechiness: unitRange.nullable(),
    /** audience presence: ≥ 0.65 live recordings, ≤ 0.3 studio */
    liveness: unitRange.nullable(),
    /** 0 = minor key, 1 = major key: {min: 0, max: 0} for "minor key" */
    mode: unitRange.nullable(),
    tempo: tempoRange.nullable(),
  })
  .strict();
export type PlanFeatures = z.infer<typeof PlanFeaturesSchema>;

/**
 * The plan. Every key is required (absent values are `null` or `[]`) because OpenAI-style strict
 * structured output requires it; `parsePlanOutput` fills omitted keys for laxer servers.
 */
export const PlanSchema = z
  .object({
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    /** short display title the planner suggests; never used as a catalog query */
    title: nameString(80).nullable(),
    /** artist names to seed from; resolved against the catalog, unknown names are dropped */
    seedArtists: z.array(nameString(100)).max(10),
    /** tracks to seed from, by title (and artist); resolved against the catalog */
    seedTracks: z.array(SeedTrackSchema).max(10),
    genres: includeExclude(nameString(60), 20),
    subgenres: includeExclude(nameString(60), 20),
    artists: includeExclude(nameString(100), 20),
    features: PlanFeaturesSchema,
    releaseYear: yearRange.nullable(),
    /** descriptive labels kept for titles and per-track notes */
    moods: z.array(labelString).max(8),
    activities: z.array(labelString).max(8),
    /** 0 = ignore the listener's taste, 1 = stay close to it */
    similarToUser: z.number().min(0).max(1),
    /** 0 = popular hits, 1 = deep cuts */
    discovery: z.number().min(0).max(1),
    trackCount: z.number().int().min(1).max(MAX_TRACK_COUNT),
    /** when set, fulfilment fills this many minutes instead of `trackCount` tracks */
    targetMinutes: z.number().min(1).max(MAX_TARGET_MINUTES).nullable(),
    /** length of each track in minutes ("songs under 3 minutes" → {min: 0, max: 3}) */
    trackMinutes: minutesRange.nullable(),
    arc: z.enum(SEQUENCING_ARCS),
    explicitAllowed: z.boolean(),
    /** names the listener asked for that the catalog does not have; the playlist says so */
    unavailable: z.object({ genres: z.array(nameString(60)).max(10), artists: z.array(nameString(100)).max(10) }).strict(),
    /** why people and occasions became these ranges or years, in the listener's words */
    rationale: z.array(sentenceString).max(5),
  })
  .strict();
export type Plan = z.infer<typeof PlanSchema>;

export const DEFAULT_TRACK_COUNT = 25;

/** A plan that constrains nothing: the starting point of the offline planner. */
export function createEmptyPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    title: null,
    seedArtists: [],
    seedTracks: [],
    genres: { include: [], exclude: [] },
    subgenres: { include: [], exclude: [] },
    artists: { include: [], exclude: [] },
    features: {
      energy: null,
      valence: null,
      danceability: null,
      acousticness: null,
      instrumentalness: null,
      speechiness: null,
      liveness: null,
      mode: null,
      tempo: null,
    },
    releaseYear: null,
    moods: [],
    activities: [],
    similarToUser: 0.3,
    discovery: 0.3,
    trackCount: DEFAULT_TRACK_COUNT,
    targetMinutes: null,
    trackMinutes: null,
    arc: 'steady',
    explicitAllowed: true,
    unavailable: { genres: [], artists: [] },
    rationale: [],
    ...overrides,
  };
}

/**
 * A stored plan of any schema version brought to the current one (version 1 lacks the keys
 * version 2 added; their empty values mean what version 1 meant). Other values pass unchanged,
 * so validation still reports them.
 */
export function upgradePlan(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as { schemaVersion?: unknown }).schemaVersion !== 1) return value;
  const old = value as Record<string, unknown>;
  const empty = createEmptyPlan();
  const features = typeof old.features === 'object' && old.features !== null ? { ...empty.features, ...(old.features as Record<string, unknown>) } : old.features;
  return { ...empty, ...old, features, schemaVersion: PLAN_SCHEMA_VERSION };
}

/** The plan schema for stored plans: accepts any earlier version and upgrades it. */
export const StoredPlanSchema = z.preprocess(upgradePlan, PlanSchema);

export interface PlanJsonSchemaOptions {
  /**
   * Portable (default): drop string keywords (minLength, maxLength, pattern) and `const`, which
   * some structured-output engines reject (OpenAI strict mode lists neither length keyword;
   * llama.cpp's grammar converter does not take Unicode property escapes). zod still enforces
   * them on the answer, and the repair round trip reports any violation.
   */
  portable?: boolean;
}

/** JSON Schema (draft 2020-12) of the plan, for `response_format: json_schema`. */
export function createPlanJsonSchema(options: PlanJsonSchemaOptions = {}): Record<string, unknown> {
  const schema = z.toJSONSchema(PlanSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  // `$schema` is noise to chat servers; some (older vLLM/outlines) reject unknown top-level keys.
  delete schema.$schema;
  return options.portable === false ? schema : (makePortable(schema) as Record<string, unknown>);
}

const NON_PORTABLE_KEYWORDS = new Set(['minLength', 'maxLength', 'pattern', 'format']);

function makePortable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(makePortable);
  if (typeof node !== 'object' || node === null) return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (NON_PORTABLE_KEYWORDS.has(key)) continue;
    if (key === 'const') result.enum = [value];
    else result[key] = makePortable(value);
  }
  return result;
}

/** The plan's portable JSON Schema, computed once. Treat as read-only. */
export const PLAN_JSON_SCHEMA: Readonly<Record<string, unknown>> = createPlanJsonSchema();

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; errors: string[] };

/** Validates an unknown value as a plan; errors are one line each, "path: message". */
export function validatePlan(value: unknown): PlanValidation {
  const result = PlanSchema.safeParse(value);
  if (result.success) return { ok: true, plan: result.data };
  return { ok: false, errors: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`) };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(plan)';
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[');
}

/**
 * Parses a model's text output into a plan. Accepts a JSON object, optionally wrapped in a
 * ```json fence; fills omitted top-level keys (laxer servers in json_object mode drop them),
 * but never fixes a wrong value — that is what the repair round trip is for.
 */
export function parsePlanOutput(text: string): PlanValidation {
  const stripped = stripCodeFence(text.trim());
  let value: unknown;
  try {
    value = JSON.parse(stripped);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`output is not valid JSON (${reason}); expected a single JSON object`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: ['output must be a JSON object'] };
  }
  const filled: Record<string, unknown> = { ...createEmptyPlan(), ...(value as Record<string, unknown>) };
  const features = (value as Record<string, unknown>).features;
  if (typeof features === 'object' && features !== null && !Array.isArray(features)) {
    filled.features = { ...createEmptyPlan().features, ...(features as Record<string, unknown>) };
  }
  return validatePlan(filled);
}

function stripCodeFence(text: string): string {
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(text);
  return fenced?.[1] ?? text;
}
