/**
 * Pairs from Math-Verify's own regression tests (github.com/huggingface/Math-Verify at 5d148cf,
 * v0.8.0; file and line of each case's tuple), run the way its `compare_strings` helper runs
 * them: extract both sides with boxes first (`boxed_match_priority=0`), then compare gold with
 * prediction. Each was a disagreement before the rule it pins down (docs/answers.md).
 */
import { extractAnswer, isEquivalent } from '../../../src/answer';

function verdict(gold: string, predicted: string): boolean {
  const g = extractAnswer(gold, { boxedPriority: 0 });
  const p = extractAnswer(predicted, { boxedPriority: 0 });
  return g !== null && p !== null && isEquivalent(g, p);
}

const CASES: ReadonlyArray<{ where: string; gold: string; predicted: string; equal: boolean }> = [
  // ASCII relations are relations (latex2sympy2_extended PS.g4: LTE, GTE, UNEQUAL).
  {
    where: 'test_all.py:336',
    gold: '$x >= 5$',
    predicted: 'Therefore $x \\geq 5$ is the solution.',
    equal: true,
  },
  {
    where: 'test_all.py:346',
    gold: '$x \\leq 2$',
    predicted: 'Thus $x <= 2$ is our answer.',
    equal: true,
  },
  {
    where: 'test_all.py:356',
    gold: '$x != 3$',
    predicted: 'We find that $x \\neq 3$.',
    equal: true,
  },
  {
    where: 'test_all.py:372',
    gold: '$x \\neq 5$',
    predicted: 'The solution is $x != 5$',
    equal: true,
  },
  { where: 'test_all.py:441', gold: '$x <= 1$', predicted: '$-x >= -1$', equal: true },
  // An assignment's left side may be any expression of symbols alone.
  {
    where: 'test_numina_cases.py:49',
    gold: '$\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}$',
    predicted: '$\\frac{1}{\\sqrt{6}}$',
    equal: true,
  },
  { where: 'test_open_thoughts.py:114', gold: '$$|AB|=1$$', predicted: '$$1$$', equal: true },
  // A comma list is a set: a repeated member does not count.
  {
    where: 'test_numina_cases.py:9',
    gold: '$(37,3,3,13),(17,3,3,7),(3,37,3,13),(3,17,3,7),(3,3,2,3)$',
    predicted:
      '$\\boxed{(3, 37, 3, 13), (3, 17, 3, 7), (3, 3, 2, 3), (3,17,3,7), (17,3,3,7), (37,3,3,13)}$',
    equal: true,
  },
  // `;` between groups of several items: a set of tuples.
  {
    where: 'test_numina_cases.py:54',
    gold: '$p=5,q=2;p=7,q=2$',
    predicted: '$(5,2),(7,2)$',
    equal: true,
  },
  // An inequality on |z| is the union of intervals sympy's as_set solves it to.
  {
    where: 'test_numina_cases.py:24',
    gold: '$1\\leq|z|\\leq \\frac{3}{2}$',
    predicted: '$z \\in \\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right]$',
    equal: true,
  },
  // An open interval against a two-element set: item by item in written order.
  { where: 'test_all.py:754', gold: '$(1,3)$', predicted: '${1,3}$', equal: true },
  { where: 'test_all.py:753', gold: '$(3,1)$', predicted: '${1,3}$', equal: false },
];

describe("Math-Verify's regression cases", () => {
  it.each(CASES)('$where', ({ gold, predicted, equal }) => {
    expect(verdict(gold, predicted)).toBe(equal);
  });

  it('turns boxes off at a negative box priority (test_configs.py:17)', () => {
    expect(extractAnswer('\\boxed{1}', { boxedPriority: 50 })).toBe('1');
    expect(extractAnswer('\\boxed{1}', { boxedPriority: -1 })).toBeNull();
  });
});
