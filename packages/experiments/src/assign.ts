// Assignment: a pure function of (definitions, user, surface, time). Three independent hashes
// per experiment — layer bucket (mutual exclusion), traffic bucket (ramp-up) and variant bucket —
// so raising `traffic` only adds users, and a user's variant never depends on the ramp.
import { BUCKETS, bucketOf } from './hash';
import type { ExperimentConfig, ExperimentDefinition, TargetingCondition } from './definitions';

export type AttributeValue = string | number | boolean;
export type UserAttributes = Readonly<Record<string, AttributeValue | undefined>>;

export interface AssignmentRequest {
  userId: string;
  /** the service asking: only experiments on this surface are assigned (all surfaces when omitted) */
  surface?: string;
  /** attributes for targeting (country, platform, known…); `userId` is always available */
  attributes?: UserAttributes;
  /** epoch ms (default Date.now()) */
  now?: number;
}

export interface AssignedVariant {
  /** experiment key */
  key: string;
  /** variant key */
  variant: string;
  params: Readonly<Record<string, unknown>>;
  layer?: string;
}

export interface Assignment {
  userId: string;
  /** the user is in the global holdout: no experiment applies */
  holdout: boolean;
  /** assigned experiments (the holdout pseudo-experiment first when a holdout is configured) */
  variants: AssignedVariant[];
}

export type AssignmentStatus = 'assigned' | 'holdout' | 'inactive' | 'other-surface' | 'not-targeted' | 'outside-allocation' | 'not-ramped';

export interface AssignmentExplanation {
  key: string;
  status: AssignmentStatus;
  variant?: string;
  /** the failing targeting condition, as text */
  reason?: string;
  /** the user's buckets (0 ≤ b < 10,000) */
  buckets: { layer: number; traffic: number; variant: number };
}

/** Hashing salts of one experiment. */
export function experimentSalts(experiment: ExperimentDefinition, config: Pick<ExperimentConfig, 'layers'>): { layer: string; traffic: string; variant: string } {
  const salt = experiment.salt ?? experiment.key;
  const layer = experiment.layer === undefined ? undefined : config.layers.find((candidate) => candidate.key === experiment.layer);
  return {
    layer: layer ? (layer.salt ?? `layer:${layer.key}`) : `experiment:${salt}`,
    traffic: `${salt}:traffic`,
    variant: `${salt}:variant`,
  };
}

/** The variant a variant bucket falls in: cumulative weights scaled to the bucket space. */
export function variantForBucket(experiment: Pick<ExperimentDefinition, 'variants'>, bucket: number): string {
  const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
  let upper = 0;
  for (const variant of experiment.variants) {
    upper += (variant.weight / total) * BUCKETS;
    if (bucket < upper) return variant.key;
  }
  return experiment.variants.filter((variant) => variant.weight > 0).at(-1)!.key;
}

export function matchesCondition(condition: TargetingCondition, attributes: UserAttributes): boolean {
  const value = attributes[condition.attribute];
  if (condition.exists !== undefined) return (value !== undefined) === condition.exists;
  if (value === undefined) return false;
  if (condition.equals !== undefined) return value === condition.equals;
  if (condition.notEquals !== undefined) return value !== condition.notEquals;
  if (condition.in !== undefined) return condition.in.includes(value);
  if (condition.notIn !== undefined) return !condition.notIn.includes(value);
  if (condition.gte !== undefined) return typeof value === 'number' && value >= condition.gte;
  if (condition.lte !== undefined) return typeof value === 'number' && value <= condition.lte;
  return false;
}

function describeCondition(condition: TargetingCondition): string {
  const [operator, operand] = Object.entries(condition).find(([name]) => name !== 'attribute')!;
  return `${condition.attribute} ${operator} ${JSON.stringify(operand)}`;
}

/** Whether the user is in the global holdout. */
export function isHeldOut(config: Pick<ExperimentConfig, 'holdout'>, userId: string): boolean {
  const holdout = config.holdout;
  return holdout !== undefined && bucketOf(holdout.salt, userId) < holdout.percent * (BUCKETS / 100);
}

// Salts and parsed times per definition object, so a request costs three hashes per experiment.
const prepared = new WeakMap<ExperimentDefinition, { salts: ReturnType<typeof experimentSalts>; start: number; stop: number }>();
function prepare(experiment: ExperimentDefinition, config: ExperimentConfig) {
  let entry = prepared.get(experiment);
  if (!entry) {
    entry = { salts: experimentSalts(experiment, config), start: Date.parse(experiment.start), stop: experiment.stop ? Date.parse(experiment.stop) : Infinity };
    prepared.set(experiment, entry);
  }
  return entry;
}

/** Why the user gets (or does not get) each experiment; `assignVariants` is this, filtered. */
export function explainAssignment(config: ExperimentConfig, request: AssignmentRequest): AssignmentExplanation[] {
  const now = request.now ?? Date.now();
  const attributes: UserAttributes = { ...request.attributes, userId: request.userId };
  const heldOut = isHeldOut(config, request.userId);
  return config.experiments.map((experiment) => {
    const { salts, start, stop } = prepare(experiment, config);
    const buckets = {
      layer: bucketOf(salts.layer, request.userId),
      traffic: bucketOf(salts.traffic, request.userId),
      variant: bucketOf(salts.variant, request.userId),
    };
    const row = (status: AssignmentStatus, extra: Partial<AssignmentExplanation> = {}): AssignmentExplanation => ({ key: experiment.key, status, buckets, ...extra });
    if (request.surface !== undefined && !experiment.surface.includes(request.surface)) return row('other-surface');
    if (!experiment.enabled || now < start || now >= stop) return row('inactive');
    if (heldOut) return row('holdout');
    const failing = experiment.targeting.find((condition) => !matchesCondition(condition, attributes));
    if (failing) return row('not-targeted', { reason: describeCondition(failing) });
    const scale = BUCKETS / 100;
    if (buckets.layer < experiment.allocation.from * scale || buckets.layer >= experiment.allocation.to * scale) return row('outside-allocation');
    if (buckets.traffic >= experiment.traffic * scale) return row('not-ramped');
    return row('assigned', { variant: variantForBucket(experiment, buckets.variant) });
  });
}

/**
 * The user's variants for one surface at one time. Pure and deterministic: every replica, and
 * the offline analysis, computes the same answer from the same definitions.
 */
export function assignVariants(config: ExperimentConfig, request: AssignmentRequest): Assignment {
  const holdout = isHeldOut(config, request.userId);
  const variants: AssignedVariant[] = [];
  if (config.holdout) variants.push({ key: config.holdout.key, variant: holdout ? 'holdout' : 'exposed', params: {} });
  if (!holdout) {
    const byKey = new Map(config.experiments.map((experiment) => [experiment.key, experiment]));
    for (const row of explainAssignment(config, request)) {
      if (row.status !== 'assigned') continue;
      const experiment = byKey.get(row.key)!;
      const variant = experiment.variants.find((candidate) => candidate.key === row.variant)!;
      variants.push({ key: experiment.key, variant: variant.key, params: variant.params, ...(experiment.layer ? { layer: experiment.layer } : {}) });
    }
  }
  return { userId: request.userId, holdout, variants };
}

/** The params of every assigned variant merged into one override (layers guarantee no clashes). */
export function mergedParams(assignment: Assignment): Record<string, unknown> {
  return Object.assign({}, ...assignment.variants.map((variant) => variant.params)) as Record<string, unknown>;
}

/**
 * Parses an attribute header such as `country=SE, platform=ios, premium=true, age=31`: numbers
 * and booleans become typed values. Malformed pairs are reported, not silently dropped.
 */
export function parseAttributes(text: string): { attributes: Record<string, AttributeValue>; problems: string[] } {
  const attributes: Record<string, AttributeValue> = {};
  const problems: string[] = [];
  for (const part of text.split(/[,;]/)) {
    const pair = part.trim();
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const name = equals > 0 ? pair.slice(0, equals).trim() : '';
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) {
      problems.push(`"${pair}": expected name=value with a name of letters, digits, "_", "." or "-"`);
      continue;
    }
    const raw = pair.slice(equals + 1).trim();
    if (raw.length > 200) {
      problems.push(`"${name}": value longer than 200 characters`);
      continue;
    }
    attributes[name] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { attributes, problems };
}

/** What a response shows: `[{ key, variant }]` (params stay server-side). */
export function responseExperiments(assignment: Assignment): { key: string; variant: string }[] {
  return assignment.variants.map(({ key, variant }) => ({ key, variant }));
}
