// Numeric fields: parsed strictly, or rejected with what was expected.
import { RowRejection } from './rejects';

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} between ${rule.min} and ${rule.max}`;
  if (rule.min !== undefined) return `${kind} >= ${rule.min}`;
  if (rule.max !== undefined) return `${kind} <= ${rule.max}`;
  return kind;
}

const DECIMAL_COMMA = /^-?\d+,\d+$/;

/** Parses a numeric field or throws a RowRejection that says what was expected. */
export function parseNumber(value: string, field: string, rule: NumberRule = {}): number {
  const trimmed = value.trim();
  const number = trimmed === '' ? Number.NaN : Number(trimmed);
  if (
    !Number.isFinite(number) ||
    (rule.integer && !Number.isInteger(number)) ||
    (rule.min !== undefined && number < rule.min) ||
    (rule.max !== undefined && number > rule.max)
  )
    throw new RowRejection(field, `${describeRule(rule)}${DECIMAL_COMMA.test(trimmed) ? ' written with a decimal point (this looks like a decimal comma: save the file with "." as the decimal separator)' : ''}`, value);
  return number;
}
