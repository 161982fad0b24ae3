import {
  isWithinTolerance,
  numbersEqual,
  RELATIVE_TOLERANCE,
} from '../../../src/answer/numbers-equal';
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

  it('lets a rounded decimal match within the relative tolerance', () => {
    expect(numbersEqual(number('\\frac{1}{12}'), number('0.0833333333'))).toBe(true);
    expect(numbersEqual(number('\\frac{1}{3}'), number('0.333'))).toBe(false);
  });

  it('uses a relative bound, so small decimals stay distinct', () => {
    expect(numbersEqual(number('0.0000672'), number('0.0000673'))).toBe(false);
  });
});

describe('isWithinTolerance', () => {
  it('accepts differences up to the relative tolerance', () => {
    expect(isWithinTolerance(1, 1 + RELATIVE_TOLERANCE / 2)).toBe(true);
    expect(isWithinTolerance(1, 1 + RELATIVE_TOLERANCE * 2)).toBe(false);
  });

  it('rejects infinities and NaN', () => {
    expect(isWithinTolerance(Infinity, Infinity)).toBe(false);
    expect(isWithinTolerance(Number.NaN, 1)).toBe(false);
  });
});
