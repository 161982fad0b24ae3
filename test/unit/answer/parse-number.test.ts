import { formatNumber, parseNumber, toDouble } from '../../../src/answer/parse-number';

function value(text: string): string | null {
  const parsed = parseNumber(text);
  return parsed === null ? null : formatNumber(parsed);
}

describe('parseNumber', () => {
  it('reads integers with leading zeros and signs', () => {
    expect(value('033')).toBe('33');
    expect(value('-5')).toBe('-5');
    expect(value('+7')).toBe('7');
  });

  it('reads decimals exactly, marking a fractional part as approximate', () => {
    expect(value('0.15')).toBe('3/20');
    expect(value('.5')).toBe('1/2');
    expect(parseNumber('0.333')?.isApproximate).toBe(true);
    expect(parseNumber('1000.0')?.isApproximate).toBe(false);
  });

  it('reads scientific notation in text and LaTeX forms', () => {
    expect(value('1.5e3')).toBe('1500');
    expect(value('1.5\\times10^{3}')).toBe('1500');
    expect(value('2\\cdot10^{-4}')).toBe('1/5000');
  });

  it('reads fractions, slashes and mixed numbers, reduced', () => {
    expect(value('\\frac{6}{4}')).toBe('3/2');
    expect(value('-3/4')).toBe('-3/4');
    expect(value('\\frac{-1.5}{2}')).toBe('-3/4');
    expect(value('\\frac{3}{-4}')).toBe('-3/4');
    expect(value('1\\frac{4}{5}')).toBe('9/5');
    expect(value('-1\\frac{1}{2}')).toBe('-3/2');
  });

  it('returns null for non-numbers, zero denominators and oversized exponents', () => {
    expect(value('x')).toBeNull();
    expect(value('\\sqrt{2}')).toBeNull();
    expect(value('1/0')).toBeNull();
    expect(value('1e999')).toBeNull();
    expect(value('1,000')).toBeNull();
  });
});

describe('formatNumber', () => {
  it('prints integers plainly and fractions as p/q', () => {
    expect(formatNumber({ numerator: 4n, denominator: 1n, isApproximate: false })).toBe('4');
    expect(formatNumber({ numerator: -1n, denominator: 3n, isApproximate: false })).toBe('-1/3');
  });
});

describe('toDouble', () => {
  it('converts ordinary fractions', () => {
    expect(toDouble({ numerator: 1n, denominator: 4n, isApproximate: false })).toBe(0.25);
  });

  it('keeps the ratio of two parts that overflow a double separately', () => {
    const huge = 10n ** 400n;
    expect(
      toDouble({ numerator: 3n * huge, denominator: 2n * huge, isApproximate: false }),
    ).toBeCloseTo(1.5);
  });
});
