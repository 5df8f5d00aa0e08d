// The planners: the offline planner (default, no network) and an LLM planner over any
// OpenAI-compatible chat server. Both answer with a PlanResult that says which planner
// produced the plan and, when the LLM path gave up, why.
import { createHash } from 'node:crypto';
import type { PlanCache } from './cache';
import { createLruCache } from './cache';
import type { UnresolvedNames } from './canonicalize';
import { canonicalizePlan } from './canonicalize';
import type { ChatClient, ResponseFormat } from './chat-client';
import { ChatError } from './chat-client';
import type { PlanExampleSource } from './examples';
import { selectExamples } from './examples';
import { findUnsafePlanStrings, MAX_PROMPT_CHARACTERS } from './guardrails';
import type { Lexicon, MatchedTermSummary } from '@mixtape/language';
import { silentLogger, type Logger } from '@mixtape/base';
import { planFromPrompt } from './offline-planner';
import type { Plan } from './plan';
import { MAX_TRACK_COUNT, parsePlanOutput, PLAN_JSON_SCHEMA, PLAN_SCHEMA_VERSION } from './plan';
import type { ChatMessage } from './prompts/index';
import { PLAN_TEMPLATE_VERSION, renderPlanRequest, renderRefineRequest, renderRepairRequest, renderSystemPrompt } from './prompts/index';
import { refinePlan } from './refine';

export type PlannerName = 'offline' | 'offline-fallback' | `llm:${string}`;

export interface PlanRequest {
  prompt: string;
  /** the caller's length (e.g. the API's `length`); wins over the prompt */
  trackCount?: number;
  signal?: AbortSignal;
}

export interface RefineRequest {
  plan: Plan;
  instruction: string;
  signal?: AbortSignal;
}

export interface PlanResult {
  plan: Plan;
  planner: PlannerName;
  /** set when planner is "offline-fallback": why the LLM result was not used */
  fallbackReason?: string;
  /** offline planner: the lexicon terms it read */
  matchedTerms?: MatchedTermSummary[];
  /**
   * offline planner (new plans): the prompt's words its lexicon did not read, so a caller with a
   * text model that may know them does not read the prompt again
   */
  unreadWords?: string;
  /** refinements by the offline planner: one line per edit */
  changes?: string[];
  /** LLM planner: names in the model's plan that the catalog does not know (dropped) */
  unresolved?: UnresolvedNames;
  /** LLM planner: served from the response cache */
  cached: boolean;
  /** LLM planner: the invalid first answer was repaired by a second call */
  repaired: boolean;
  /** HTTP calls made (0 for offline and cache hits) */
  llmCalls: number;
  /** LLM planner: how many rated example plans went into the prompt */
  examples?: number;
  templateVersion: string;
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
}

export interface PlanProvider {
  /** "offline" or "llm:<model>" */
  readonly name: string;
  plan(request: PlanRequest): Promise<PlanResult>;
  refine(request: RefineRequest): Promise<PlanResult>;
}

export const OFFLINE_TEMPLATE_VERSION = 'offline.v1';

export interface OfflinePlannerOptions {
  lexicon: Lexicon;
  defaultTrackCount?: number;
}

/** The offline planner as a provider: deterministic, no network. */
export function createOfflinePlanner(options: OfflinePlannerOptions): PlanProvider {
  return {
    name: 'offline',
    async plan(request) {
      return offlinePlan(options, request, 'offline');
    },
    async refine(request) {
      return offlineRefine(options, request, 'offline');
    },
  };
}

function offlinePlan(options: OfflinePlannerOptions, request: PlanRequest, planner: 'offline' | 'offline-fallback', fallbackReason?: string): PlanResult {
  const { plan, matchedTerms, unreadWords } = planFromPrompt(options.lexicon, request.prompt.slice(0, MAX_PROMPT_CHARACTERS), {
    ...(options.defaultTrackCount !== undefined ? { defaultTrackCount: options.defaultTrackCount } : {}),
    ...(request.trackCount !== undefined ? { trackCount: request.trackCount } : {}),
  });
  return { plan, matchedTerms, unreadWords, ...offlineProvenance(planner, fallbackReason) };
}

function offlineRefine(options: OfflinePlannerOptions, request: RefineRequest, planner: 'offline' | 'offline-fallback', fallbackReason?: string): PlanResult {
  const { plan, matchedTerms, changes } = refinePlan(request.plan, request.instruction.slice(0, MAX_PROMPT_CHARACTERS), options.lexicon);
  return { plan, matchedTerms, changes, ...offlineProvenance(planner, fallbackReason) };
}

/** What every offline result says about how it was made: no model call, no cache, no repair. */
function offlineProvenance(planner: 'offline' | 'offline-fallback', fallbackReason: string | undefined) {
  return {
    planner,
    ...(fallbackReason !== undefined ? { fallbackReason } : {}),
    cached: false,
    repaired: false,
    llmCalls: 0,
    templateVersion: OFFLINE_TEMPLATE_VERSION,
    schemaVersion: PLAN_SCHEMA_VERSION,
  } as const;
}

export type StructuredOutputMode = 'json_schema' | 'json_object' | 'none';

export interface LlmPlannerOptions {
  client: ChatClient;
  /** catalog names for the prompt, canonicalization of the model's names, and the fallback planner */
  lexicon: Lexicon;
  /**
   * json_schema (default): the server enforces the plan's JSON Schema (OpenAI, vLLM, llama.cpp,
   * recent Ollama/LM Studio). json_object: only "some JSON" is enforced; the schema goes into
   * the prompt. none: no response_format at all, for servers that reject it.
   */
  mode?: StructuredOutputMode;
  /** default 0: plans should be reproducible */
  temperature?: number;
  /** default 1500 */
  maxTokens?: number;
  /** default: an in-memory LRU of 1000 plans */
  cache?: PlanCache<Plan> | null;
  logger?: Logger;
  defaultTrackCount?: number;
  /**
   * Well-rated plans of earlier requests (in-context preference learning): the most similar ones
   * go into the prompt as examples, bounded by `maxExamples` (default 3) and `exampleTokens`
   * (default 600 estimated tokens). A source that fails is logged and skipped.
   */
  examples?: PlanExampleSource;
  maxExamples?: number;
  exampleTokens?: number;
}

const SCHEMA_NAME = 'mixtape_plan';

/**
 * A planner that asks a chat model for a plan, validates it (zod schema + guardrails), repairs it
 * once by sending the errors back, and otherwise falls back to the offline planner. Transport
 * failures (timeouts, 5xx after retries, 401) also fall back; the result says why.
 */
export function createLlmPlanner(options: LlmPlannerOptions): PlanProvider {
  const { client, lexicon } = options;
  const mode = options.mode ?? 'json_schema';
  const logger = options.logger ?? silentLogger;
  const cache = options.cache === undefined ? createLruCache<Plan>({ maxEntries: 1000 }) : options.cache;
  const plannerName: PlannerName = `llm:${client.model}`;
  const systemPrompt = renderSystemPrompt({ genres: lexicon.genreNames, subgenres: lexicon.subgenreNames, includeSchema: mode !== 'json_schema' });
  const responseFormat: ResponseFormat | undefined =
    mode === 'json_schema' ? { type: 'json_schema', name: SCHEMA_NAME, schema: PLAN_JSON_SCHEMA, strict: true } : mode === 'json_object' ? { type: 'json_object' } : undefined;
  const offlineOptions: OfflinePlannerOptions = { lexicon, ...(options.defaultTrackCount !== undefined ? { defaultTrackCount: options.defaultTrackCount } : {}) };

  function cacheKey(kind: 'plan' | 'refine', payload: unknown): string {
    return createHash('sha256')
      .update(JSON.stringify({ kind, model: client.model, mode, schemaVersion: PLAN_SCHEMA_VERSION, template: PLAN_TEMPLATE_VERSION, payload }))
      .digest('hex');
  }

  /** Runs the chat → validate → repair-once loop; returns the plan or the reason it failed. */
  async function askModel(userMessage: string, signal: AbortSignal | undefined, trackCount: number | undefined) {
    const messages: ChatMessage[] = [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: userMessage },
    ];
    let calls = 0;
    for (let round = 0; round < 2; round += 1) {
      const completion = await client.complete({
        messages,
        ...(responseFormat ? { responseFormat } : {}),
        temperature: options.temperature ?? 0,
        maxTokens: options.maxTokens ?? 1500,
        ...(signal ? { signal } : {}),
      });
      calls += completion.attempts;
      const errors = validateOutput(completion.content, trackCount);
      if (errors.plan) {
        return { ok: true as const, plan: errors.plan, calls, repaired: round === 1 };
      }
      logger.warn({ round, errors: errors.problems.slice(0, 5) }, 'model output is not a valid plan');
      if (round === 1) return { ok: false as const, reason: `invalid output after one repair: ${errors.problems.slice(0, 3).join('; ')}`, calls };
      messages.push({ role: 'assistant', content: completion.content.slice(0, 8000) }, { role: 'user', content: renderRepairRequest(errors.problems) });
    }
    throw new Error('unreachable');
  }

  function validateOutput(content: string, trackCount: number | undefined): { plan?: Plan; problems: string[] } {
    const parsed = parsePlanOutput(content);
    if (!parsed.ok) return { problems: parsed.errors };
    const unsafe = findUnsafePlanStrings(parsed.plan);
    if (unsafe.length > 0) return { problems: unsafe };
    if (trackCount !== undefined && parsed.plan.trackCount !== trackCount) {
      // The caller's length is not the model's to change; fix it rather than spend a repair.
      return { plan: { ...parsed.plan, trackCount: Math.min(MAX_TRACK_COUNT, trackCount), targetMinutes: null }, problems: [] };
    }
    return { plan: parsed.plan, problems: [] };
  }

  async function run(
    kind: 'plan' | 'refine',
    payload: unknown,
    userMessage: string,
    signal: AbortSignal | undefined,
    trackCount: number | undefined,
    fallback: (reason: string) => PlanResult,
  ): Promise<PlanResult> {
    const key = cacheKey(kind, payload);
    const base = { templateVersion: PLAN_TEMPLATE_VERSION, schemaVersion: PLAN_SCHEMA_VERSION } as const;
    if (cache) {
      const hit = await cache.get(key);
      if (hit) {
        const { plan, unresolved } = canonicalizePlan(hit, lexicon);
        return { ...base, plan, planner: plannerName, unresolved, cached: true, repaired: false, llmCalls: 0 };
      }
    }
    let outcome: Awaited<ReturnType<typeof askModel>>;
    try {
      outcome = await askModel(userMessage, signal, trackCount);
    } catch (error) {
      if (error instanceof ChatError && error.code === 'ABORTED') throw error;
      const reason = error instanceof ChatError ? `${error.code.toLowerCase()}: ${error.message}` : `unexpected: ${String(error)}`;
      // The full reason (endpoint URL, upstream error body) goes to the log only; callers show
      // `fallbackReason` to listeners, so it names the kind of failure and nothing internal.
      logger.warn({ model: client.model, reason }, 'LLM planner failed; using the offline planner');
      return { ...fallback(publicFailureReason(error)), llmCalls: error instanceof ChatError ? error.attempts : 0 };
    }
    if (!outcome.ok) {
      logger.warn({ model: client.model, reason: outcome.reason }, 'LLM planner output invalid; using the offline planner');
      return { ...fallback(outcome.reason), llmCalls: outcome.calls };
    }
    if (cache) await cache.set(key, outcome.plan);
    const { plan, unresolved } = canonicalizePlan(outcome.plan, lexicon);
    return { ...base, plan, planner: plannerName, unresolved, cached: false, repaired: outcome.repaired, llmCalls: outcome.calls };
  }

  async function examplesFor(prompt: string) {
    if (!options.examples) return [];
    try {
      const candidates = await options.examples.examplesFor(prompt);
      return selectExamples(prompt, candidates, {
        ...(options.maxExamples !== undefined ? { maxExamples: options.maxExamples } : {}),
        ...(options.exampleTokens !== undefined ? { maxTokens: options.exampleTokens } : {}),
      });
    } catch (error) {
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'plan examples unavailable; planning without them');
      return [];
    }
  }

  return {
    name: plannerName,
    async plan(request) {
      const prompt = request.prompt.slice(0, MAX_PROMPT_CHARACTERS);
      const examples = await examplesFor(prompt);
      return run(
        'plan',
        // The examples shape the answer, so they are part of what is cached.
        { prompt, trackCount: request.trackCount ?? null, examples: examples.map((example) => [example.prompt, example.planJson]) },
        renderPlanRequest(prompt, request.trackCount, examples),
        request.signal,
        request.trackCount,
        (reason) => offlinePlan(offlineOptions, request, 'offline-fallback', reason),
      ).then((result) => (examples.length > 0 ? { ...result, examples: examples.length } : result));
    },
    refine(request) {
      const instruction = request.instruction.slice(0, MAX_PROMPT_CHARACTERS);
      return run(
        'refine',
        { plan: request.plan, instruction },
        renderRefineRequest(request.plan, instruction),
        request.signal,
        undefined,
        (reason) => offlineRefine(offlineOptions, request, 'offline-fallback', reason),
      );
    },
  };
}

/** Why the model was not used, in words safe to show anyone: no URLs, hosts or upstream bodies. */
function publicFailureReason(error: unknown): string {
  if (!(error instanceof ChatError)) return 'the planner failed unexpectedly';
  switch (error.code) {
    case 'TIMEOUT':
      return 'timeout: the language model did not answer in time';
    case 'HTTP_ERROR':
      return `http_error: the language model service answered HTTP ${error.status ?? 'error'}${error.attempts > 1 ? ` after ${error.attempts} attempts` : ''}`;
    case 'NETWORK_ERROR':
      return 'network_error: the language model service could not be reached';
    case 'BAD_RESPONSE':
      return 'bad_response: the language model service sent an answer that is not a chat completion';
    case 'REFUSED':
      return 'refused: the model declined the request';
    case 'ABORTED':
      return 'aborted: the request was cancelled';
  }
}
