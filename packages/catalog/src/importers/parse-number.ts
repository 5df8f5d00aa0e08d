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

const DECIMAL_COMMA = /^-?\d+,(\d+)$/;

/**
 * Parses a numeric field or throws a RowRejection that says what was expected. `decimalComma`:
 * the file separates fields with ";" or tabs, so "0,5" can only be a decimal comma and is read as
 * 0.5 (the locales whose spreadsheets save ";" write decimals so). Elsewhere a comma is refused;
 * the refusal suggests a decimal comma unless the value reads as a thousands separator
 * ("215,000" for an integer).
 */
export function parseNumber(value: string, field: string, rule: NumberRule = {}, decimalComma = false): number {
  const trimmed = value.trim();
  const comma = DECIMAL_COMMA.exec(trimmed);
  const number = trimmed === '' ? Number.NaN : Number(comma && decimalComma ? trimmed.replace(',', '.') : trimmed);
  if (
    !Number.isFinite(number) ||
    (rule.integer && !Number.isInteger(number)) ||
    (rule.min !== undefined && number < rule.min) ||
    (rule.max !== undefined && number > rule.max)
  ) {
    const hint = comma && !decimalComma && (!rule.integer || comma[1]!.length !== 3) ? ' written with a decimal point (this looks like a decimal comma: save the file with "." as the decimal separator)' : '';
    throw new RowRejection(field, `${describeRule(rule)}${hint}`, value);
  }
  return number;
}
