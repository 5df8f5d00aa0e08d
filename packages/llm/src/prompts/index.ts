// Renders the versioned templates into chat messages.
import { encodeUserText } from '../guardrails';
import type { Plan } from '../plan';
import { PLAN_JSON_SCHEMA } from '../plan';
import {
  EXAMPLE_TEMPLATE,
  EXAMPLES_SECTION_TEMPLATE,
  PLAN_SYSTEM_TEMPLATE,
  PLAN_TEMPLATE_VERSION,
  PLAN_USER_TEMPLATE,
  REFINE_USER_TEMPLATE,
  REPAIR_USER_TEMPLATE,
  SCHEMA_SECTION_TEMPLATE,
} from './plan-v3';

export { PLAN_TEMPLATE_VERSION };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SystemPromptOptions {
  genres: readonly string[];
  subgenres: readonly string[];
  /** include the JSON Schema in the prompt (json_object mode, where the server does not enforce it) */
  includeSchema: boolean;
  /** cap on catalog names listed, to bound prompt size on large catalogs */
  maxGenreNames?: number;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => values[key] ?? '');
}

function listNames(names: readonly string[], limit: number): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown}, … (${names.length - limit} more)` : shown;
}

export function renderSystemPrompt(options: SystemPromptOptions): string {
  const limit = options.maxGenreNames ?? 300;
  return fill(PLAN_SYSTEM_TEMPLATE, {
    genres: listNames(options.genres, limit),
    subgenres: listNames(options.subgenres, limit),
    schemaSection: options.includeSchema ? fill(SCHEMA_SECTION_TEMPLATE, { schema: JSON.stringify(PLAN_JSON_SCHEMA) }) : '',
  }).trimEnd();
}

/** A request and the plan a listener rated well for it, already compacted for the prompt. */
export interface RenderedExample {
  prompt: string;
  /** the plan as compact JSON (keys that differ from the empty plan) */
  planJson: string;
}

export function renderPlanRequest(prompt: string, trackCount?: number, examples: readonly RenderedExample[] = []): string {
  return fill(PLAN_USER_TEMPLATE, {
    examples: renderExamples(examples),
    request: encodeUserText(prompt),
    lengthHint: trackCount !== undefined ? ` (trackCount must be ${trackCount})` : '',
  });
}

/** The examples section (empty string without examples); example prompts are user text, encoded like the request. */
export function renderExamples(examples: readonly RenderedExample[]): string {
  if (examples.length === 0) return '';
  const rendered = examples.map((example) => fill(EXAMPLE_TEMPLATE, { request: encodeUserText(example.prompt), plan: example.planJson.replace(/</g, '\\u003c').replace(/>/g, '\\u003e') }));
  return `${fill(EXAMPLES_SECTION_TEMPLATE, { examples: rendered.join('\n') })}\n\n`;
}

export function renderRefineRequest(plan: Plan, instruction: string): string {
  return fill(REFINE_USER_TEMPLATE, { plan: JSON.stringify(plan), request: encodeUserText(instruction) });
}

export function renderRepairRequest(errors: readonly string[]): string {
  return fill(REPAIR_USER_TEMPLATE, { errors: errors.slice(0, 20).map((error) => `- ${error}`).join('\n') });
}
