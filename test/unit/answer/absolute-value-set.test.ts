/**
 * Inequalities on |x| compared with the sets they describe (Math-Verify compares a gold relation
 * with a predicted set through sympy's `as_set`; grader.py `sympy_expr_eq` at 5d148cf).
 */
import { isEquivalent } from '../../../src/answer';

describe('an inequality on an absolute value against a set', () => {
  it.each([
    ['|x|<1', '(-1,1)', true],
    ['|x|\\leq 2', '[-2,2]', true],
    ['|x|<1', '[-1,1]', false],
    ['1 < |x|', '(-\\infty,-1)\\cup(1,\\infty)', true],
    ['|x| \\geq 3', '(-\\infty,-3]\\cup[3,\\infty)', true],
    ['|x| \\geq 3', '(-\\infty,-3)\\cup(3,\\infty)', false],
    ['1\\leq|z|\\leq\\frac{3}{2}', '[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]', true],
    ['1\\leq|z|\\leq\\frac{3}{2}', '[1,\\frac{3}{2}]', false],
    ['0 < |x| < 2', '(-2,0)\\cup(0,2)', true],
    // A lower bound below zero says nothing: the whole interval.
    ['-1 \\leq |x| < 2', '(-2,2)', true],
    // A bound of several terms is negated whole.
    ['|x| < -1+\\sqrt{5}', '(1-\\sqrt{5},-1+\\sqrt{5})', true],
    ['|x| < -1+\\sqrt{5}', '(1+\\sqrt{5},-1+\\sqrt{5})', false],
    // The solution set is not its endpoints.
    ['|x|<2', '\\{-2,2\\}', false],
    ['|x|<2', '-2,2', false],
  ])('%s = %s: %s', (gold, predicted, equal) => {
    expect(isEquivalent(gold, predicted)).toBe(equal);
  });

  it('reads a bound with a variable, or |x| beside another relation, as no set', () => {
    expect(isEquivalent('|x| < a', '(-a,a)')).toBe(false);
    expect(isEquivalent('|x| = 2', '(-2,2)')).toBe(false);
  });

  it('keeps the asymmetry: a predicted relation is read as a set only when asked', () => {
    expect(isEquivalent('(-1,1)', '|x|<1')).toBe(false);
    expect(isEquivalent('(-1,1)', '|x|<1', { allowSetRelationComparison: true })).toBe(true);
  });
});
