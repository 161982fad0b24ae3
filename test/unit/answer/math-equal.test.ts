import { constantRatio, mathEqual, tryParse } from '../../../src/answer/math-equal';

const options = { floatRounding: 6, strict: true };

describe('mathEqual', () => {
  it('proves identities in free variables at fixed sample points', () => {
    expect(mathEqual('x^2+2x+1', '(x+1)^2', options)).toBe(true);
    expect(mathEqual('\\tan^2(y)+1', '\\sec^2(y)', options)).toBe(true);
    expect(mathEqual('x^2-1', '(x-1)(x+2)', options)).toBe(false);
  });

  it('compares exact values exactly, including big integers', () => {
    expect(mathEqual('\\frac{\\sqrt{2}}{2}', '\\frac{1}{\\sqrt{2}}', options)).toBe(true);
    expect(mathEqual('2^{100}', '2^{99}\\cdot2', options)).toBe(true);
    expect(mathEqual('2^{100}', '2^{100}+1', options)).toBe(false);
    expect(mathEqual('\\pi', '\\frac{355}{113}', options)).toBe(false);
  });

  it('rounds to floatRounding places when a side is a decimal literal', () => {
    expect(mathEqual('\\frac{1}{\\sqrt{2}}', '0.707107', options)).toBe(true);
    expect(mathEqual('\\pi', '3.14', options)).toBe(false);
    expect(mathEqual('\\pi', '3.14', { ...options, floatRounding: 2 })).toBe(true);
  });

  it('matches variables by position when not strict', () => {
    expect(mathEqual('x+1', 'y+1', options)).toBe(false);
    expect(mathEqual('x+1', 'y+1', { ...options, strict: false })).toBe(true);
  });

  it('never equates overflows, and returns false for what it cannot read', () => {
    expect(mathEqual('2^{2^{30}}', '2^{2^{30}}+1', options)).toBe(false);
    expect(mathEqual('\\infty', '\\infty', options)).toBe(true);
    expect(mathEqual('\\frac{1}{', '1', options)).toBe(false);
    expect(mathEqual('\\sum_{k=1}^{10^9} k', '500000000500000000', options)).toBe(false);
  });

  it('gives the same verdicts on every run (no clock, fixed points)', () => {
    const pairs: [string, string][] = [
      ['x^2+2x+1', '(x+1)^2'],
      ['\\sin^2 x+\\cos^2 x', '1'],
      ['e^{i\\pi}', '-1'],
      ['2^{100}', '2^{100}+1'],
    ];
    const run = (): boolean[] => pairs.map(([a, b]) => mathEqual(a, b, options));
    expect(run()).toEqual(run());
    expect(run()).toEqual([true, true, true, false]);
  });
});

describe('constantRatio', () => {
  function ratio(a: string, b: string): number | null {
    const left = tryParse(a);
    const right = tryParse(b);
    return left === null || right === null ? null : constantRatio(left, right);
  }

  it('finds the factor between proportional expressions', () => {
    expect(ratio('2x-y+3', 'y-2x-3')).toBeCloseTo(-1, 12);
    expect(ratio('4x+8', 'x+2')).toBeCloseTo(4, 12);
  });

  it('is null when the ratio varies or is undefined', () => {
    expect(ratio('x^2', 'x')).toBeNull();
    expect(ratio('x', '0')).toBeNull();
  });
});
