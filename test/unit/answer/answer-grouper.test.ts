import fc from 'fast-check';
import { AnswerGrouper } from '../../../src/answer';
import { votingEquivalent } from '../../../src/answer/answer-grouper';
import { answerForm } from '../../../src/sim';
import { POSITIVE_CASES } from './equivalence-cases';
import { SYMBOLIC_FORMS } from './symbolic-forms';

/** The rule groupAnswers always had, restated naively: first representative that is equivalent. */
function naiveGroups(answers: readonly string[]): number[] {
  const representatives: string[] = [];
  return answers.map((answer) => {
    const found = representatives.findIndex((other) => votingEquivalent(other, answer));
    return found >= 0 ? found : representatives.push(answer) - 1;
  });
}

function groupsOf(grouper: AnswerGrouper, answers: readonly string[]): (number | null)[] {
  return answers.map((answer) => grouper.groupOf(answer));
}

const POOL = [...SYMBOLIC_FORMS, ...POSITIVE_CASES.flatMap(({ left, right }) => [left, right])];

describe('AnswerGrouper', () => {
  it('groups exactly as the naive first-match rule does', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...POOL), { minLength: 1, maxLength: 8 }), (answers) => {
        const grouper = new AnswerGrouper();
        grouper.add(answers);
        expect(groupsOf(grouper, answers)).toEqual(naiveGroups(answers));
        expect(grouper.stats().degradedReason).toBeNull();
      }),
      { numRuns: 15, seed: 1818 },
    );
  });

  it('puts every spelling of one form in one group and different forms apart', () => {
    const forms = Array.from({ length: 24 }, (_, index) => answerForm(index).spellings);
    const grouper = new AnswerGrouper();
    grouper.add(forms.flat());
    const groups = forms.map((spellings) => new Set(groupsOf(grouper, spellings)));
    expect(groups.every((set) => set.size === 1)).toBe(true);
    expect(new Set(groups.map((set) => [...set][0])).size).toBe(forms.length);
  });

  it('keeps numerals with a base apart from bare digits, so no order of samples changes a vote', () => {
    // Grading takes 52_8 = 52 (gold first); voting would make it intransitive (52_8 = 52 = 52_{16}).
    for (const order of [
      ['52_8', '52', '52_{16}'],
      ['52', '52_{16}', '52_8'],
      ['52_{16}', '52_8', '52'],
    ])
      expect(new Set(order.map((answer) => naiveGroups(order)[order.indexOf(answer)])).size).toBe(
        3,
      );
    expect(votingEquivalent('52_8', '52_{8}')).toBe(true);
  });

  it('never compares different plain numbers symbolically', () => {
    const grouper = new AnswerGrouper();
    const answers = Array.from({ length: 100 }, (_, index) => `${index}`).concat([
      '0.5',
      '\\frac12',
    ]);
    grouper.add(answers);
    expect(grouper.groupOf('0.5')).toBe(grouper.groupOf('\\frac12'));
    expect(grouper.stats()).toMatchObject({
      symbolicComparisons: 0,
      plainComparisons: 0,
      distinctAnswers: 102,
    });
  });

  it('gives the same groups incrementally as in one batch, profiling each answer once', () => {
    const answers = SYMBOLIC_FORMS.slice(0, 40);
    const once = new AnswerGrouper();
    once.add(answers);
    const batched = new AnswerGrouper();
    batched.add(answers.slice(0, 17));
    batched.add(answers);
    expect(groupsOf(batched, answers)).toEqual(groupsOf(once, answers));
    // Each distinct answer is profiled (and counted) once, whichever batch brought it.
    expect(batched.stats()).toEqual(once.stats());
    expect(once.stats().distinctAnswers).toBe(new Set(answers).size);
  });

  it('degrades to key equality past its step budget, and says so', () => {
    const answers = ['\\sqrt{8}', '2\\sqrt{2}', '\\sin x', '\\sin(x)', '0.5', '\\frac12'];
    const grouper = new AnswerGrouper({ budgetSteps: 0 });
    grouper.add(answers);
    expect(grouper.stats()).toMatchObject({ degradedReason: 'budget-exhausted', stepsUsed: 0 });
    expect(grouper.stats().skippedComparisons).toBeGreaterThan(0);
    expect(grouper.groupOf('\\sqrt{8}')).not.toBe(grouper.groupOf('2\\sqrt{2}'));
    // Equal keys still share a group.
    expect(grouper.groupOf('0.5')).toBe(grouper.groupOf('\\frac12'));
  });

  it('asks a custom equivalence about every pair and assumes nothing else', () => {
    const asked: string[] = [];
    const grouper = new AnswerGrouper({
      equivalent: (left, right) => {
        asked.push(`${left}|${right}`);
        return false;
      },
    });
    grouper.add(['0.5', '\\frac12', '0.5']);
    expect(asked).toEqual(['0.5|\\frac12']);
    expect(grouper.groupOf('0.5')).not.toBe(grouper.groupOf('\\frac12'));
  });
});
