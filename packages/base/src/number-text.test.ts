import { describe, expect, it } from 'vitest';
import { DECIMAL_INTEGER, DECIMAL_NUMBER, numberTextProblem } from './number-text';

describe('number text', () => {
  it('an integer is decimal digits; a number may have a fraction and an exponent', () => {
    for (const text of ['0', '007', '-12', '4294967295']) expect(DECIMAL_INTEGER.test(text), text).toBe(true);
    for (const text of ['0x10', '1e1', '+5', ' 5', '5.0', '0b11', '', '-']) expect(DECIMAL_INTEGER.test(text), text).toBe(false);
    for (const text of ['0.05', '.5', '-.5', '1e-3', '2E5', '3', '-0.25e+2']) expect(DECIMAL_NUMBER.test(text), text).toBe(true);
    for (const text of ['0x10', '+0.5', ' 0.5', 'Infinity', 'NaN', '1.', '1e', '.', '']) expect(DECIMAL_NUMBER.test(text), text).toBe(false);
  });

  it('names the problem: a fraction where an integer is asked, or not decimal', () => {
    expect(numberTextProblem('2.5', true)).toBe('a fraction');
    expect(numberTextProblem('5.0', true)).toBe('a fraction');
    expect(numberTextProblem('0x10', true)).toBe('not decimal');
    expect(numberTextProblem('1e1', true)).toBe('not decimal');
    expect(numberTextProblem('2.5', false)).toBeUndefined();
    expect(numberTextProblem('12', true)).toBeUndefined();
  });
});
