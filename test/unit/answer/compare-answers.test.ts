import { answersEqual } from '../../../src/answer/compare-answers';
import { normalizeAnswer } from '../../../src/answer/normalize-answer';
import { parseAnswerStructure } from '../../../src/answer/parse-answer-structure';
import { scalarsEqual } from '../../../src/answer/scalars-equal';

function equal(gold: string, predicted: string, allowSetRelationComparison = false): boolean {
  const context = {
    scalars: (x: string, y: string) => scalarsEqual(x, y, { floatRounding: 6, strict: true }),
    allowSetRelationComparison,
  };
  const parse = (text: string) => parseAnswerStructure(normalizeAnswer(text));
  return answersEqual(parse(gold), parse(predicted), context);
}

describe('answersEqual', () => {
  it('unwraps a predicted equation, but not a gold chain', () => {
    expect(equal('101', 'a+2z = 2z+a = 101')).toBe(true);
    expect(equal('a+2z = 2z+a = 101', '101')).toBe(false);
    expect(equal('(3,2)', '(p,q)=(3,2)')).toBe(true);
  });

  it('unwraps a gold assignment against a predicted value', () => {
    expect(equal('k=7', '7')).toBe(true);
    expect(equal('x=1', 'y=1')).toBe(false);
  });

  it('unwraps relations element by element inside lists and sets', () => {
    expect(equal('\\{-5, \\frac{14}{3}\\}', 'x=-5, p=\\frac{14}{3}')).toBe(true);
    expect(equal('(1,2)', 'x=1, y=2')).toBe(true);
  });

  it('compares relations up to a factor, mirrored inequalities included', () => {
    expect(equal('2x+4y-3=0', 'y=-\\frac{1}{2}x+\\frac{3}{4}')).toBe(true);
    expect(equal('x \\le 1', '-x \\ge -1')).toBe(true);
    expect(equal('x < 2', 'x > 2')).toBe(false);
    expect(equal('D = 5', 'D = 7')).toBe(false);
    expect(equal('e = 2', 'e = 3')).toBe(false);
  });

  it('reads a gold inequality as an interval, a predicted one only when allowed', () => {
    expect(equal('0<f(x)<1', '(0,1)')).toBe(true);
    expect(equal('[-2,7]', '-2 \\le x \\le 7')).toBe(false);
    expect(equal('[-2,7]', '-2 \\le x \\le 7', true)).toBe(true);
  });
});
