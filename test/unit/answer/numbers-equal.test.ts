import { numbersEqual } from '../../../src/answer/numbers-equal';
import { parseNumber, type ParsedNumber } from '../../../src/answer/parse-number';

function number(text: string): ParsedNumber {
  const parsed = parseNumber(text);
  if (parsed === null) throw new Error(`not a number: ${text}`);
  return parsed;
}

describe('numbersEqual', () => {
  it('compares exact values exactly', () => {
    expect(numbersEqual(number('0.5'), number('\\frac{1}{2}'))).toBe(true);
    expect(numbersEqual(number('11111111100'), number('11111111101'))).toBe(false);
    expect(numbersEqual(number('\\frac{1}{3}'), number('\\frac{1000001}{3000000}'))).toBe(false);
  });

  it('rounds both sides to 6 places when one is a decimal, as Math-Verify does', () => {
    expect(numbersEqual(number('\\frac{1}{12}'), number('0.0833333333'))).toBe(true);
    expect(numbersEqual(number('\\frac{1}{3}'), number('0.333333'))).toBe(true);
    expect(numbersEqual(number('\\frac{1}{3}'), number('0.333'))).toBe(false);
    expect(numbersEqual(number('0.0000672'), number('0.0000673'))).toBe(true);
  });

  it('takes the number of places as an option', () => {
    expect(numbersEqual(number('0.0000672'), number('0.0000673'), 7)).toBe(false);
    expect(numbersEqual(number('\\frac{1}{3}'), number('0.333'), 3)).toBe(true);
    expect(numbersEqual(number('-\\frac{1}{3}'), number('-0.333'), 3)).toBe(true);
  });
});
