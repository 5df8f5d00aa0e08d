// The prompt suites: the prompt benchmark (dev + held-out test) and the first 54-prompt suite.
export { PROMPT_CLASSES } from './types';
export type { PromptClass, PromptCheck, CheckFeature, SuitePrompt, BenchmarkPrompt } from './types';
export { evaluateCheck } from './checks';
export type { CheckResult, CheckSubject } from './checks';
export { runPromptSuite, formatPromptSuiteReport } from './suite';
export type { PromptOutcome, ClassRate, PromptSuiteReport, PromptSuiteOptions, FormatPromptSuiteOptions } from './suite';
export { PROMPT_BENCHMARK_DEV, PROMPT_BENCHMARK_TEST, parseBenchmarkPrompts } from './benchmark';
export { LEGACY_QUALITY_PROMPTS } from './legacy';
export { runRewardCurve, formatRewardCurveReport, HIDDEN_TASTES } from './reward-curve';
export type { HiddenTaste, RewardCurveOptions, RewardCurvePoint, RewardCurveReport } from './reward-curve';
