// How a number may be written where a person types one — a query parameter (service-kit) or a
// command-line flag (the mixtape CLI), one rule for both so they cannot drift. JavaScript's
// Number() also reads "0x10" as 16, "0b11" as 3, "+5", " 5" as 5 and "1e1" as 10: text that means
// another number than it shows, or a client bug. An integer is decimal digits (a leading minus
// allowed): "5.0" and "1e1" are refused, as a count or id written so is a mistake. A number is
// decimal with an optional fraction and exponent — ".5", "1e-3", "2E5" read as they show.

/** An integer: decimal digits, an optional leading minus. */
export const DECIMAL_INTEGER = /^-?\d+$/;
/** A number: decimal, an optional fraction (".5" too) and exponent ("1e-3"). */
export const DECIMAL_NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Why `text` is not `integer ? an integer : a number` as a person writes one, or undefined when it
 * is: "a fraction" for "2.5" where an integer is asked ("5.0" too: it reads as 5, write "5"),
 * "not decimal" for "0x10", "+5", " 5", "1e1" (integer) and words.
 */
export function numberTextProblem(text: string, integer: boolean): 'a fraction' | 'not decimal' | undefined {
  if ((integer ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(text)) return undefined;
  if (integer && /^-?\d+\.\d+$/.test(text)) return 'a fraction';
  return 'not decimal';
}
