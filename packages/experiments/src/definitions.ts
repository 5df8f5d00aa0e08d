// Experiment definitions: the file format (zod), parsing from JSON or YAML text with messages
// that name the field, and the cross-checks one schema cannot express (unique keys, layers
// declared, no overlapping allocations inside a layer, no two layers touching one parameter).
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { METRIC_NAMES } from './metrics';

const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,79}$/;
const key = z.string().regex(KEY_PATTERN, 'expected lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (at most 80)');
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const percent = z.number().min(0).max(100);
const datetime = z.iso.datetime({ offset: true, message: 'expected an ISO-8601 date-time with a zone, e.g. 2026-11-02T00:00:00Z' });

const OPERATORS = ['equals', 'notEquals', 'in', 'notIn', 'gte', 'lte', 'exists'] as const;

export const TargetingConditionSchema = z
  .object({
    attribute: z.string().min(1).max(100),
    equals: scalar.optional(),
    notEquals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    notIn: z.array(scalar).min(1).optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
  })
  .strict()
  .superRefine((condition, context) => {
    const used = OPERATORS.filter((operator) => condition[operator] !== undefined);
    if (used.length !== 1) {
      context.addIssue({ code: 'custom', message: `a condition needs exactly one operator of ${OPERATORS.join(', ')} (got ${used.length === 0 ? 'none' : used.join(', ')})` });
    }
  });
export type TargetingCondition = z.infer<typeof TargetingConditionSchema>;

export const VariantSchema = z
  .object({
    key,
    weight: z.number().nonnegative(),
    description: z.string().max(500).optional(),
    /** what the service changes for this variant (validated by the service for its surface) */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type Variant = z.infer<typeof VariantSchema>;

export const GuardrailSchema = z
  .object({
    metric: z.enum(METRIC_NAMES),
    /** relative non-inferiority margin (0.02 = may be at most 2 % worse); 0: must not be significantly worse */
    margin: z.number().min(0).max(1).default(0),
  })
  .strict();

export const AnalysisPlanSchema = z
  .object({
    control: key.optional(),
    primary: z.enum(METRIC_NAMES).default('plays'),
    secondary: z.array(z.enum(METRIC_NAMES)).default([]),
    guardrails: z.array(GuardrailSchema).default([]),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** users (all variants) the test is planned for: the group-sequential information horizon */
    plannedUsers: z.number().int().positive().optional(),
    /** each user's metrics count events in this many days after their first exposure */
    windowDays: z.number().positive().max(365).default(7),
  })
  .strict();
export type AnalysisPlan = z.output<typeof AnalysisPlanSchema>;

export const ExperimentSchema = z
  .object({
    key,
    description: z.string().max(1000).optional(),
    owner: z.string().max(200).optional(),
    /** the service(s) that read this experiment: home, search, playlists */
    surface: z.union([key, z.array(key).min(1)]).transform((value) => (Array.isArray(value) ? value : [value])),
    /** experiments in one layer are mutually exclusive; without a layer an experiment overlaps all others */
    layer: key.optional(),
    /** the share of the layer's buckets this experiment owns, in percent [from, to) */
    allocation: z.object({ from: percent, to: percent }).strict().default({ from: 0, to: 100 }),
    /** ramp-up: the percent of the allocation enrolled; raising it adds users and moves nobody */
    traffic: percent.default(100),
    /** hashing salt (default: the key); a new salt reshuffles everyone */
    salt: z.string().min(1).max(200).optional(),
    start: datetime,
    stop: datetime.optional(),
    /** kill switch: false stops assignment at once */
    enabled: z.boolean().default(true),
    /** every condition must hold for the user's attributes */
    targeting: z.array(TargetingConditionSchema).default([]),
    variants: z.array(VariantSchema).min(2),
    analysis: AnalysisPlanSchema.optional(),
  })
  .strict();
export type ExperimentDefinition = z.output<typeof ExperimentSchema>;

/** A layer groups mutually exclusive experiments; its key, description and salt follow an experiment's rules. */
export const LayerSchema = ExperimentSchema.pick({ key: true, description: true, salt: true });
export type LayerDefinition = z.output<typeof LayerSchema>;

export const HoldoutSchema = z
  .object({
    /** reported as an experiment with variants "holdout" and "exposed" */
    key: key.default('global-holdout'),
    /** percent of all users kept out of every experiment */
    percent: z.number().min(0).max(50),
    salt: z.string().min(1).max(200),
  })
  .strict();

export const ExperimentConfigSchema = z
  .object({
    version: z.literal(1),
    holdout: HoldoutSchema.optional(),
    layers: z.array(LayerSchema).default([]),
    experiments: z.array(ExperimentSchema).default([]),
  })
  .strict();
export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;

/** A definition file or value that does not validate; `issues` lists every problem with its path. */
export class ExperimentConfigError extends Error {
  override name = 'ExperimentConfigError';
  readonly code = 'EXPERIMENT_CONFIG_INVALID';
  constructor(
    readonly where: string,
    readonly issues: readonly string[],
  ) {
    super(`${where}: invalid experiment definitions:\n  - ${issues.join('\n  - ')}`);
  }
}

function pathOf(path: readonly PropertyKey[], config?: unknown): string {
  let text = '';
  let node: unknown = config;
  for (const part of path) {
    if (typeof part === 'number') {
      const item = Array.isArray(node) ? (node[part] as unknown) : undefined;
      const name = item && typeof item === 'object' && typeof (item as { key?: unknown }).key === 'string' ? `"${(item as { key: string }).key}"` : String(part);
      text += `[${name}]`;
      node = item;
    } else {
      text += text ? `.${String(part)}` : String(part);
      node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    }
  }
  return text || '(root)';
}

function windowsOverlap(a: ExperimentDefinition, b: ExperimentDefinition): boolean {
  const aStart = Date.parse(a.start);
  const bStart = Date.parse(b.start);
  const aStop = a.stop ? Date.parse(a.stop) : Infinity;
  const bStop = b.stop ? Date.parse(b.stop) : Infinity;
  return aStart < bStop && bStart < aStop;
}

/** Cross-field rules; returns human-readable problems (empty when fine). */
export function checkExperimentConfig(config: ExperimentConfig): string[] {
  const problems: string[] = [];
  const layers = new Set<string>();
  for (const layer of config.layers) {
    if (layers.has(layer.key)) problems.push(`layers: layer "${layer.key}" is declared twice`);
    layers.add(layer.key);
  }
  const keys = new Set<string>();
  for (const experiment of config.experiments) {
    const at = `experiments["${experiment.key}"]`;
    if (keys.has(experiment.key)) problems.push(`${at}: the key is used by another experiment`);
    keys.add(experiment.key);
    if (config.holdout && experiment.key === config.holdout.key) problems.push(`${at}: the key is the holdout's key`);
    if (experiment.layer !== undefined && !layers.has(experiment.layer)) problems.push(`${at}.layer: "${experiment.layer}" is not declared in layers (declared: ${[...layers].join(', ') || 'none'})`);
    if (!(experiment.allocation.from < experiment.allocation.to)) problems.push(`${at}.allocation: from (${experiment.allocation.from}) must be below to (${experiment.allocation.to})`);
    if (experiment.stop && !(Date.parse(experiment.stop) > Date.parse(experiment.start))) problems.push(`${at}.stop: must be after start (${experiment.start})`);
    const variantKeys = new Set<string>();
    for (const variant of experiment.variants) {
      if (variantKeys.has(variant.key)) problems.push(`${at}.variants: variant "${variant.key}" appears twice`);
      variantKeys.add(variant.key);
    }
    if (!(experiment.variants.reduce((sum, variant) => sum + variant.weight, 0) > 0)) problems.push(`${at}.variants: the weights must add up to more than 0`);
    const plan = experiment.analysis;
    if (plan?.control !== undefined && !variantKeys.has(plan.control)) problems.push(`${at}.analysis.control: "${plan.control}" is not a variant (variants: ${[...variantKeys].join(', ')})`);
  }
  // mutual exclusion: experiments of one layer that run at the same time own disjoint buckets
  for (let i = 0; i < config.experiments.length; i++) {
    for (let j = i + 1; j < config.experiments.length; j++) {
      const a = config.experiments[i]!;
      const b = config.experiments[j]!;
      if (!windowsOverlap(a, b)) continue;
      if (a.layer !== undefined && a.layer === b.layer && a.allocation.from < b.allocation.to && b.allocation.from < a.allocation.to) {
        problems.push(`experiments["${a.key}"] and ["${b.key}"] share layer "${a.layer}" and overlapping allocations [${a.allocation.from}, ${a.allocation.to}) and [${b.allocation.from}, ${b.allocation.to}) while both run`);
      }
      // two experiments in different layers must not steer the same parameter of one surface
      const sameSurface = a.surface.some((surface) => b.surface.includes(surface));
      if (sameSurface && (a.layer === undefined || a.layer !== b.layer)) {
        const paramsOf = (experiment: ExperimentDefinition) => new Set(experiment.variants.flatMap((variant) => Object.keys(variant.params)));
        const bParams = paramsOf(b);
        const shared = [...paramsOf(a)].filter((param) => bParams.has(param));
        if (shared.length > 0) problems.push(`experiments["${a.key}"] and ["${b.key}"] both set ${shared.map((p) => `"${p}"`).join(', ')} on ${a.surface.filter((s) => b.surface.includes(s)).join(', ')} while both run: put them in one layer so no user gets both`);
      }
    }
  }
  return problems;
}

/** Validates a parsed value (schema + cross-checks); throws ExperimentConfigError listing every problem. */
export function validateExperimentConfig(value: unknown, where = 'experiments'): ExperimentConfig {
  const result = ExperimentConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ExperimentConfigError(
      where,
      result.error.issues.map((issue) => `${pathOf(issue.path, value)}: ${issue.message}`),
    );
  }
  const problems = checkExperimentConfig(result.data);
  if (problems.length > 0) throw new ExperimentConfigError(where, problems);
  return result.data;
}

/** Parses definition text: JSON, or YAML (a superset; chosen when the text does not start with "{"). */
export function parseExperimentConfig(text: string, where = 'experiments'): ExperimentConfig {
  let value: unknown;
  const trimmed = text.trimStart();
  try {
    value = trimmed.startsWith('{') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ExperimentConfigError(where, [`not valid ${trimmed.startsWith('{') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (value === null || value === undefined) throw new ExperimentConfigError(where, ['the file is empty (expected { version: 1, experiments: [...] })']);
  return validateExperimentConfig(value, where);
}

/** Whether the experiment assigns users at `now` (enabled and inside [start, stop)). */
export function isExperimentActive(experiment: ExperimentDefinition, now: number): boolean {
  if (!experiment.enabled) return false;
  if (now < Date.parse(experiment.start)) return false;
  return experiment.stop === undefined || now < Date.parse(experiment.stop);
}
