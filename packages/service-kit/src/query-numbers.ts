// Numbers in a query string: written in decimal, or refused. JavaScript's Number()
// (and so zod's z.coerce.number()) reads "0x10" as 16, "1e1" as 10, "+5", " 5" and "5.0" as 5 —
// a client sending those has a bug or a different idea of the parameter, and a 400 saying so beats
// serving 16 results. One rule for every service: parseInput applies it to each query field its
// schema reads as a coerced number (alone or in a union), and `integerQueryParameter` to services
// that parse the string themselves.
import { DECIMAL_INTEGER, DECIMAL_NUMBER, numberTextProblem } from '@mixtape/base';
import { z, type ZodType } from 'zod';

// the one rule the mixtape CLI's flags follow too (@mixtape/base number-text): an integer is
// decimal digits, a number decimal with an optional fraction and exponent (".5", "1e-3")
export { DECIMAL_INTEGER, DECIMAL_NUMBER };

export interface NumberForm {
  integer: boolean;
  min?: number;
  max?: number;
}

/** "an integer from 1 to 100", "an integer ≥ 0", "a number". */
export function describeNumberForm({ integer, min, max }: NumberForm): string {
  const kind = integer ? 'an integer' : 'a number';
  // .int() bounds a number by the safe integers: not a bound a person set
  const low = min !== undefined && Math.abs(min) < Number.MAX_SAFE_INTEGER ? min : undefined;
  const high = max !== undefined && Math.abs(max) < Number.MAX_SAFE_INTEGER ? max : undefined;
  if (low !== undefined && high !== undefined) return `${kind} from ${low} to ${high}`;
  if (low !== undefined) return `${kind} ≥ ${low}`;
  if (high !== undefined) return `${kind} ≤ ${high}`;
  return kind;
}

/**
 * The message for a number not written as the rule asks; when the text means a number of the right
 * form, how to write it ("0x10" → write "16"). A fraction for an integer says so: "2.5" is decimal.
 */
export function notDecimalMessage(form: NumberForm, sent: string): string {
  const meant = Number(sent);
  if (form.integer && numberTextProblem(sent, true) === 'a fraction')
    return Number.isSafeInteger(meant) ? `expected ${describeNumberForm(form)} without a fraction, got ${JSON.stringify(sent)} (write "${meant}")` : `expected ${describeNumberForm(form)}, got ${JSON.stringify(sent)} (no fraction)`;
  const hint = sent.trim() !== '' && (form.integer ? Number.isSafeInteger(meant) : Number.isFinite(meant)) ? ` (write "${meant}")` : '';
  return `expected ${describeNumberForm(form)} in plain decimal digits, got ${JSON.stringify(sent)}${hint}`;
}

interface ZodInternals {
  _zod: { def: { type: string; coerce?: boolean; innerType?: ZodType; in?: ZodType; options?: ZodType[]; shape?: Record<string, ZodType> } };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

/** The coerced-number form a field reads (through optional/default/nullable wrappers, or as a union option), if any. */
function coercedNumberForm(schema: ZodType): NumberForm | undefined {
  let current = schema as unknown as ZodInternals;
  for (let depth = 0; depth < 10; depth++) {
    const def = current._zod.def;
    if (def.type === 'number') {
      return def.coerce ? { integer: current.isInt === true, min: current.minValue ?? undefined, max: current.maxValue ?? undefined } : undefined;
    }
    if (def.type === 'union') {
      for (const option of def.options ?? []) {
        const form = coercedNumberForm(option);
        if (form) return form;
      }
      return undefined;
    }
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return undefined;
    current = inner as unknown as ZodInternals;
  }
  return undefined;
}

/**
 * Issues for query fields the schema coerces to numbers whose text is read as a number by
 * JavaScript but is not written in decimal digits ("0x10", "1e1", "+5", " 5", "5.0" for an integer).
 * Text that is no number at all ("abc") and empty values are left to the schema.
 */
export function decimalQueryIssues(schema: ZodType, query: unknown, where = 'query'): { path: string; message: string }[] {
  const shape = (schema as unknown as ZodInternals)._zod.def.shape;
  if (!shape || query === null || typeof query !== 'object') return [];
  const issues: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    const field = shape[name];
    if (!field || typeof value !== 'string' || value === '') continue;
    const form = coercedNumberForm(field);
    if (!form || !Number.isFinite(Number(value))) continue;
    if (!(form.integer ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(value)) issues.push({ path: `${where}.${name}`, message: notDecimalMessage(form, value) });
  }
  return issues;
}

/**
 * A query parameter parsed from its string: absent or empty → `fallback`; else decimal digits
 * within [min, max], or an issue saying what was expected and what was sent.
 */
export function integerQueryParameter(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return fallback;
      if (!DECIMAL_INTEGER.test(value)) {
        context.addIssue({ code: 'custom', message: notDecimalMessage({ integer: true, min, max }, value) });
        return z.NEVER;
      }
      const number = Number(value);
      if (number < min || number > max) {
        context.addIssue({ code: 'custom', message: `expected ${describeNumberForm({ integer: true, min, max })}, got ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      return number;
    });
}
