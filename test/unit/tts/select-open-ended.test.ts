import { selectOpenEnded, type Candidate } from '../../../src/tts';

function candidate(text: string, stepScores: number[] | null): Candidate {
  return { text, steps: [text], stepScores, finish: 'eos', completionTokens: 10 };
}

describe('selectOpenEnded', () => {
  it('picks the highest aggregated verifier score, not the first candidate', () => {
    const selection = selectOpenEnded(
      [
        candidate('first haiku', [0.2, 0.3]),
        candidate('second haiku', [0.9, 0.8]),
        candidate('third haiku', [0.5, 0.95]),
      ],
      'min',
    );
    expect(selection).toMatchObject({ rule: 'reward', winnerIndex: 1 });
    expect(selection?.rows.map((row) => row.candidateIndex)).toEqual([1, 2, 0]);
    expect(selection?.reason).toContain('Best-of-N by reward');
  });

  it('uses the aggregation it is given', () => {
    const candidates = [candidate('a', [0.5, 0.95]), candidate('b', [0.9, 0.8])];
    expect(selectOpenEnded(candidates, 'last')?.winnerIndex).toBe(0);
    expect(selectOpenEnded(candidates, 'min')?.winnerIndex).toBe(1);
  });

  it('breaks ties toward the earlier candidate', () => {
    expect(
      selectOpenEnded([candidate('a', [0.5]), candidate('b', [0.5])], 'last')?.winnerIndex,
    ).toBe(0);
  });

  it('without scores picks the candidate most similar to the others', () => {
    const selection = selectOpenEnded(
      [
        candidate('purple monkeys dance wildly', null),
        candidate('red leaves fall in autumn wind', null),
        candidate('red leaves fall softly in the autumn', null),
        candidate('leaves fall in autumn', [0.9]),
      ],
      'last',
    );
    expect(selection).toMatchObject({ rule: 'consensus' });
    // Mean word overlap: #1 0.431, #3 0.413, #2 0.399, #0 0 (Jaccard of the word sets).
    expect(selection?.winnerIndex).toBe(1);
    expect(selection?.rows.map((row) => row.candidateIndex)).toEqual([1, 3, 2, 0]);
    expect(selection?.reason).toContain('most similar');
  });

  it('returns null for no candidates', () => {
    expect(selectOpenEnded([], 'last')).toBeNull();
  });
});
