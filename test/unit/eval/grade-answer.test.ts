import { goldAnswerOf, gradeAnswer } from '../../../src/eval';

describe('goldAnswerOf', () => {
  it('takes a bare gold answer as is and the last box of a solution', () => {
    expect(goldAnswerOf(' \\frac{1}{2} ')).toBe('\\frac{1}{2}');
    expect(goldAnswerOf('so $x = \\boxed{7}$.')).toBe('7');
  });
});

describe('gradeAnswer', () => {
  it('grades the last boxed answer by mathematical equivalence', () => {
    expect(gradeAnswer('Step 1 ...\n\nSo the answer is $\\boxed{0.5}$.', '\\frac{1}{2}')).toEqual({
      predicted: '0.5',
      isCorrect: true,
    });
    expect(
      gradeAnswer(
        '\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}',
        '\\left( 3, \\frac{\\pi}{2} \\right)',
      ).isCorrect,
    ).toBe(true);
  });
  it('falls back to the last number, as the Qwen2.5-Math grader does', () => {
    expect(gradeAnswer('... so 42 apples are left', '42')).toEqual({
      predicted: '42',
      isCorrect: true,
    });
  });
  it('is wrong for a different answer or none', () => {
    expect(gradeAnswer('\\boxed{41}', '42')).toEqual({ predicted: '41', isCorrect: false });
    expect(gradeAnswer('I do not know.', '42')).toEqual({ predicted: null, isCorrect: false });
  });
});
