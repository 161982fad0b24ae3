import {
  countNodes,
  evaluateMath,
  freeSymbols,
  hasDecimal,
} from '../../../src/answer/evaluate-math';
import { parseMath } from '../../../src/answer/parse-math';

function value(latex: string, values: Record<string, number> = {}): { re: number; im: number } {
  return evaluateMath(parseMath(latex), new Map(Object.entries(values)));
}

describe('evaluateMath', () => {
  it('evaluates real arithmetic and functions', () => {
    expect(value('\\frac{3}{4}+\\sqrt{16}').re).toBeCloseTo(4.75, 12);
    expect(value('\\binom{6}{2}').re).toBe(15);
    expect(value('\\log_{2} 8').re).toBeCloseTo(3, 12);
    expect(value('x^2+1', { x: 3 }).re).toBe(10);
  });

  it('evaluates in complex arithmetic', () => {
    const euler = value('e^{i\\pi}');
    expect(euler.re).toBeCloseTo(-1, 12);
    expect(euler.im).toBeCloseTo(0, 12);
    expect(value('\\sqrt{-4}')).toEqual({ re: 0, im: 2 });
  });

  it('gives NaN for undefined operations and caps factorials', () => {
    expect(value('\\frac{1}{0}').re).toBeNaN();
    expect(value('(-3)!').re).toBeNaN();
    expect(value('1000!').re).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('freeSymbols, countNodes and hasDecimal', () => {
  it('describe an expression', () => {
    const node = parseMath('0.5x+y_{2}\\cdot x');
    expect(freeSymbols(node)).toEqual(['x', 'y_2']);
    expect(countNodes(node)).toBe(7);
    expect(hasDecimal(node)).toBe(true);
    expect(hasDecimal(parseMath('\\frac{1}{2}x'))).toBe(false);
  });
});
