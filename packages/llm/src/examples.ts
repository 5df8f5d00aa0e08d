// In-context preference learning for the LLM planner: the best-rated plans of earlier requests
// that resemble this one go into the prompt as examples. Similarity is word overlap after the
// language package's folding (stop and cue words removed, so "sad 90s r&b" and "90s r&b, sad
// please" match); the examples are bounded in number and in (estimated) tokens.
import { foldedWords, REMAINDER_STOPWORDS } from '@mixtape/language';
import type { Plan } from './plan';
import { createEmptyPlan } from './plan';
import type { RenderedExample } from './prompts/index';

/** A request and the plan that answered it, with how listeners rated it (higher is better). */
export interface PlanExample {
  prompt: string;
  plan: Plan;
  /** e.g. likes + saves − dislikes − removals; only examples with a positive rating are used */
  rating: number;
}

/** Where the planner finds examples: an in-memory bank, a store of rated playlists, … */
export interface PlanExampleSource {
  /** candidate examples for a prompt (the planner ranks and bounds them); may be async */
  examplesFor(prompt: string): readonly PlanExample[] | Promise<readonly PlanExample[]>;
}

export interface ExampleSelectionOptions {
  /** at most this many examples (default 3) */
  maxExamples?: number;
  /** at most this many estimated tokens for all examples together (default 600; ≈ 4 characters per token) */
  maxTokens?: number;
  /** word-overlap (Jaccard) below this is not similar (default 0.2) */
  minSimilarity?: number;
}

/** Estimated tokens of a text for budgeting: about four characters per token for English JSON. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The content words of a prompt, folded: what similarity is measured on. */
export function promptWords(prompt: string): Set<string> {
  const words = new Set<string>();
  for (const word of foldedWords(prompt)) if (!REMAINDER_STOPWORDS.has(word)) words.add(word);
  return words;
}

/** Jaccard overlap of two prompts' content words, 0..1. */
export function promptSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Picks the examples for a prompt: positively rated, similar enough, best similarity × rating
 * first, one per distinct prompt, within the example and token budgets. The prompt itself is
 * never its own example (that would just replay an old answer).
 */
export function selectExamples(prompt: string, candidates: readonly PlanExample[], options: ExampleSelectionOptions = {}): RenderedExample[] {
  const maxExamples = options.maxExamples ?? 3;
  const maxTokens = options.maxTokens ?? 600;
  const minSimilarity = options.minSimilarity ?? 0.2;
  const words = promptWords(prompt);
  const own = [...words].sort().join(' ');
  const scored = candidates
    .filter((example) => example.rating > 0)
    .map((example) => {
      const exampleWords = promptWords(example.prompt);
      return { example, key: [...exampleWords].sort().join(' '), similarity: promptSimilarity(words, exampleWords) };
    })
    .filter((entry) => entry.similarity >= minSimilarity && entry.key !== own)
    .sort((a, b) => b.similarity * Math.log1p(b.example.rating) - a.similarity * Math.log1p(a.example.rating) || a.example.prompt.localeCompare(b.example.prompt));
  const chosen: RenderedExample[] = [];
  const seen = new Set<string>();
  let tokens = 0;
  for (const { example, key } of scored) {
    if (chosen.length >= maxExamples) break;
    if (seen.has(key)) continue;
    const planJson = compactPlanJson(example.plan);
    const cost = estimateTokens(example.prompt) + estimateTokens(planJson) + 12;
    if (tokens + cost > maxTokens) continue;
    seen.add(key);
    tokens += cost;
    chosen.push({ prompt: example.prompt, planJson });
  }
  return chosen;
}

/** The plan's keys that differ from the empty plan, as JSON: what the example actually decided. */
export function compactPlanJson(plan: Plan): string {
  const empty = createEmptyPlan() as unknown as Record<string, unknown>;
  const compact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan)) {
    if (key === 'schemaVersion' || key === 'title') continue;
    if (key === 'features') {
      const features = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, range]) => range !== null));
      if (Object.keys(features).length > 0) compact.features = features;
      continue;
    }
    if (JSON.stringify(value) !== JSON.stringify(empty[key])) compact[key] = value;
  }
  return JSON.stringify(compact);
}

/** An in-memory example bank: add rated plans, ask for the candidates of a prompt. */
export interface PlanExampleBank extends PlanExampleSource {
  add(example: PlanExample): void;
  readonly size: number;
}

export function createPlanExampleBank(initial: readonly PlanExample[] = []): PlanExampleBank {
  const examples = [...initial];
  return {
    add(example) {
      examples.push(example);
    },
    get size() {
      return examples.length;
    },
    examplesFor() {
      return examples;
    },
  };
}
