// What a prompt must be before a planner sees it, checked like Search checks a query: no control
// characters (NUL, escape sequences…; tabs and newlines from a text area are fine), and something
// visible left once invisible characters (zero-width, bidi marks, BOM) and whitespace are removed.
import { MAX_PROMPT_CHARACTERS } from '@mixtape/llm';
import { z } from 'zod';

// C0 and C1 controls and DEL, except tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
// Zero-width and formatting characters that render as nothing (inclusive code point ranges).
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180e, 0x180e],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x2064], [0x2066, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff], [0xffa0, 0xffa0],
];
const isInvisible = (codePoint: number) => INVISIBLE_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high);
const VISIBLE = /[\p{L}\p{N}\p{S}]/u;

export type PromptProblem = { message: string };

/** Why `prompt` cannot be planned, or undefined when it can. */
export function promptProblem(prompt: string): PromptProblem | undefined {
  const control = CONTROL_CHARACTER.exec(prompt);
  if (control) {
    const codePoint = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return { message: `contains a control character (U+${codePoint}) at position ${control.index}; send plain text` };
  }
  if (prompt.trim().length === 0) return { message: 'must not be empty' };
  const visible = [...prompt].filter((character) => !isInvisible(character.codePointAt(0)!)).join('');
  if (!VISIBLE.test(visible)) return { message: 'has no letters, digits or symbols once invisible characters (zero-width spaces, direction marks) are removed; describe the playlist in words' };
  return undefined;
}

/** A prompt or refinement instruction in a request body: trimmed, at most MAX_PROMPT_CHARACTERS, plannable. */
export const promptSchema = z
  .string({ error: 'is required: describe the playlist, e.g. "rainy-day 90s trip-hop"' })
  .superRefine((value, context) => {
    const problem = promptProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem.message });
  })
  .transform((value) => value.trim())
  .pipe(z.string().max(MAX_PROMPT_CHARACTERS, `must be at most ${MAX_PROMPT_CHARACTERS} characters`));
