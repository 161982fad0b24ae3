import { MathSyntaxError, parseMath, MAX_MATH_CHARS } from '../../../src/answer/parse-math';

describe('parseMath', () => {
  it('reads numbers, symbols with subscripts and constants', () => {
    expect(parseMath('2.5')).toEqual({
      kind: 'number',
      value: 2.5,
      digits: '2.5',
      isDecimal: true,
    });
    expect(parseMath('k_{1}')).toEqual({ kind: 'symbol', name: 'k_1' });
    expect(parseMath('\\pi')).toEqual({ kind: 'constant', name: 'pi' });
    expect(parseMath('e')).toEqual({ kind: 'constant', name: 'e' });
    expect(parseMath('D')).toEqual({ kind: 'symbol', name: 'D' });
  });

  it('reads implicit products and TeX arguments', () => {
    expect(parseMath('2x')).toEqual({
      kind: 'multiply',
      factors: [
        { kind: 'number', value: 2, digits: '2', isDecimal: false },
        { kind: 'symbol', name: 'x' },
      ],
    });
    expect(parseMath('\\frac{1}{2}').kind).toBe('divide');
    expect(parseMath('2^10')).toEqual({
      kind: 'power',
      base: { kind: 'number', value: 2, digits: '2', isDecimal: false },
      exponent: { kind: 'number', value: 10, digits: '10', isDecimal: false },
    });
  });

  it('reads functions with powers, bases and bare arguments', () => {
    expect(parseMath('\\sin^2 x').kind).toBe('power');
    expect(parseMath('\\log_{2} 8').kind).toBe('divide');
    expect(parseMath('\\sqrt[3]{8}').kind).toBe('power');
    expect(parseMath('5!')).toMatchObject({ kind: 'call', name: 'factorial' });
    expect(parseMath('|x-1|')).toMatchObject({ kind: 'call', name: 'abs' });
  });

  it('throws MathSyntaxError outside the subset, and for inputs over the size bound', () => {
    expect(() => parseMath('\\sum_{k=1}^{10} k')).toThrow(MathSyntaxError);
    expect(() => parseMath('\\frac{1}{')).toThrow(MathSyntaxError);
    expect(() => parseMath('(1,2)')).toThrow(MathSyntaxError);
    expect(() => parseMath('1+'.repeat(MAX_MATH_CHARS))).toThrow(MathSyntaxError);
  });
});
