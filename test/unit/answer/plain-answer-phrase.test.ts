import { plainAnswerAfterPhrase } from '../../../src/answer/plain-answer-phrase';

describe('plainAnswerAfterPhrase', () => {
  it('takes a short plain answer after the last answer phrase', () => {
    expect(plainAnswerAfterPhrase('The answer is Evelyn.')).toBe('Evelyn');
    expect(plainAnswerAfterPhrase('Answer: (B)')).toBe('(B)');
    expect(plainAnswerAfterPhrase('**Final Answer** north east')).toBe('north east');
  });

  it('ignores prose and texts without a phrase', () => {
    expect(plainAnswerAfterPhrase('The answer is that we should check each step again')).toBeNull();
    expect(plainAnswerAfterPhrase('Evelyn')).toBeNull();
  });
});
