import { topAnswers, vote } from '../../../src/answer';

describe('topAnswers', () => {
  const result = vote(
    [
      { answer: '1', score: 0.1 },
      { answer: '2', score: 0.2 },
      { answer: '2', score: 0.3 },
      { answer: '3', score: 0.9 },
    ],
    'majority',
  );

  it('returns the n best distinct answers in vote order', () => {
    expect(topAnswers(result, 2).map((group) => group.answer)).toEqual(['2', '3']);
  });

  it('returns every group when n exceeds their number, and none for n ≤ 0', () => {
    expect(topAnswers(result, 10)).toHaveLength(3);
    expect(topAnswers(result, 0)).toEqual([]);
    expect(topAnswers(result, -1)).toEqual([]);
  });
});
