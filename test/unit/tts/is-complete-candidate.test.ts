import { isCompleteCandidate } from '../../../src/tts/is-complete-candidate';

describe('isCompleteCandidate', () => {
  it('accepts finished solutions: answer, eos, length', () => {
    expect(
      ['answer', 'eos', 'length'].map((finish) =>
        isCompleteCandidate({ finish: finish as 'answer' }),
      ),
    ).toEqual([true, true, true]);
  });

  it('rejects paths cut short by the step limit or the end of the search', () => {
    expect(isCompleteCandidate({ finish: 'depth' })).toBe(false);
    expect(isCompleteCandidate({ finish: 'unfinished' })).toBe(false);
  });
});
