import { evaluateExact, MAX_BITS, rationalsEqual } from '../../../src/answer/exact-math';
import { parseMath } from '../../../src/answer/parse-math';

function exact(latex: string): ReturnType<typeof evaluateExact> {
  return evaluateExact(parseMath(latex));
}

describe('evaluateExact', () => {
  it('tells big integers apart that doubles cannot', () => {
    const a = exact('2^{100}');
    const b = exact('2^{100}+1');
    expect(a === null || b === null ? null : rationalsEqual(a, b)).toBe(false);
    expect(exact('2^{99}\\cdot 2')).toEqual(a);
  });

  it('reduces fractions and reads decimals exactly', () => {
    expect(exact('\\frac{6}{4}')).toEqual({ numerator: 3n, denominator: 2n });
    expect(exact('0.25')).toEqual({ numerator: 1n, denominator: 4n });
    expect(exact('\\binom{60}{30}')).toEqual({ numerator: 118264581564861424n, denominator: 1n });
  });

  it('returns null for irrationals, symbols and values beyond the bit bound', () => {
    expect(exact('\\sqrt{2}')).toBeNull();
    expect(exact('x+1')).toBeNull();
    expect(exact(`2^{${MAX_BITS + 1}}`)).toBeNull();
    expect(exact('2^{2^{30}}')).toBeNull();
  });
});
