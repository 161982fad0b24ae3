import { isEquivalent } from '../../../../src/answer';
import { answerForm, distinctAnswers } from '../../../../src/sim';
import { diversifyBoxedAnswers } from '../../../../src/sim/world/answer-forms';

describe('answer forms', () => {
  it('spells one value several equivalent ways, and different indices differently', () => {
    for (let index = 0; index < 12; index += 1) {
      const [first = '', ...others] = answerForm(index).spellings;
      for (const other of others)
        expect([first, other, isEquivalent(first, other)]).toEqual([first, other, true]);
      const next = answerForm(index + 1).spellings[0] ?? '';
      expect([first, next, isEquivalent(first, next)]).toEqual([first, next, false]);
    }
  });

  it('covers fractions, radicals, intervals, tuples and polynomials', () => {
    const kinds = new Set(Array.from({ length: 12 }, (_, index) => answerForm(index).kind));
    expect([...kinds].sort()).toEqual([
      'fraction',
      'interval',
      'polynomial',
      'radical',
      'radical-fraction',
      'tuple',
    ]);
    expect(new Set(distinctAnswers(256)).size).toBe(256);
  });

  it('rewrites boxed integers so equal values stay equivalent and different ones do not', () => {
    const a = diversifyBoxedAnswers('so $\\boxed{7}$.', 1);
    const b = diversifyBoxedAnswers('thus \\boxed{7}', 2);
    const c = diversifyBoxedAnswers('\\boxed{8}', 1);
    const boxed = (text: string): string => /\\boxed\{(.*)\}/.exec(text)?.[1] ?? '';
    expect(a).not.toContain('boxed{7}');
    expect(isEquivalent(boxed(a), boxed(b))).toBe(true);
    expect(isEquivalent(boxed(a), boxed(c))).toBe(false);
  });

  it('gives every sample its own value in the all-distinct stress mode', () => {
    const answers = Array.from({ length: 32 }, (_, seed) =>
      diversifyBoxedAnswers('\\boxed{7}', seed * 7919, 'all-distinct'),
    );
    expect(new Set(answers).size).toBe(32);
  });
});
