// Guardrails on both sides of the model. In: the user's text is wrapped as inert data (JSON
// string inside delimiters, angle brackets escaped) and length-limited. Out: beyond the plan
// schema's bounds, strings that look like instructions, code or links are refused, so a model
// that echoes an injection gets one repair round trip and then the offline planner.
import type { Plan } from './plan';

/** Longest user text sent to a model; longer text is cut (the service should 400 before this). */
export const MAX_PROMPT_CHARACTERS = 1000;

/** Encodes user text so it cannot close its delimiters or pass for markup. */
export function encodeUserText(text: string): string {
  return JSON.stringify(text.slice(0, MAX_PROMPT_CHARACTERS))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e');
}

const SUSPICIOUS_PATTERNS: readonly [RegExp, string][] = [
  [/https?:\/\/|www\./i, 'contains a link'],
  [/\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|rules|prompts?|above|previous)\b/i, 'contains an instruction to the model'],
  [/\bsystem\s+prompt\b|\bjailbreak\b|\bdeveloper\s+mode\b/i, 'refers to the model prompt'],
  [/\b(drop|delete|truncate)\s+(table|from|database)\b|\bselect\s+\*|;\s*--/i, 'contains a database command'],
  [/\brm\s+-rf\b|\bcurl\s|\bwget\s|\$\(|&&|\|\|/i, 'contains a shell command'],
];

/** Returns one line per unsafe string in the plan ("title: contains a link"); empty when safe. */
export function findUnsafePlanStrings(plan: Plan): string[] {
  const problems: string[] = [];
  const check = (path: string, value: string | null) => {
    if (value === null) return;
    for (const [pattern, reason] of SUSPICIOUS_PATTERNS) {
      if (pattern.test(value)) {
        problems.push(`${path}: ${reason} (${JSON.stringify(value.slice(0, 60))})`);
        return;
      }
    }
  };
  check('title', plan.title);
  plan.seedArtists.forEach((value, index) => check(`seedArtists[${index}]`, value));
  plan.seedTracks.forEach((value, index) => {
    check(`seedTracks[${index}].title`, value.title);
    check(`seedTracks[${index}].artist`, value.artist);
  });
  for (const group of ['genres', 'subgenres', 'artists'] as const) {
    plan[group].include.forEach((value, index) => check(`${group}.include[${index}]`, value));
    plan[group].exclude.forEach((value, index) => check(`${group}.exclude[${index}]`, value));
  }
  plan.moods.forEach((value, index) => check(`moods[${index}]`, value));
  plan.unavailable.genres.forEach((value, index) => check(`unavailable.genres[${index}]`, value));
  plan.unavailable.artists.forEach((value, index) => check(`unavailable.artists[${index}]`, value));
  plan.rationale.forEach((value, index) => check(`rationale[${index}]`, value));
  plan.activities.forEach((value, index) => check(`activities[${index}]`, value));
  return problems;
}
