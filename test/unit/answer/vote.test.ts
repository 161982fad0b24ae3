import fc from 'fast-check';
import { groupAnswers, vote, type VoteCandidate, type VoteMethod } from '../../../src/answer';

const exact = (left: string, right: string): boolean => left === right;

function candidates(...pairs: [string | null, number | null][]): VoteCandidate[] {
  return pairs.map(([answer, score]) => ({ answer, score }));
}

describe('groupAnswers', () => {
  it('groups equivalent answers in order of first appearance, representative first', () => {
    const { groups, groupOf } = groupAnswers(['\\frac12', '3', '0.5', null, '3']);
    expect(groups).toEqual([
      { answer: '\\frac12', members: [0, 2] },
      { answer: '3', members: [1, 4] },
    ]);
    expect(groupOf).toEqual([0, 1, 0, null, 1]);
  });

  it('drops null and blank answers', () => {
    expect(groupAnswers([null, '  ', '']).groups).toEqual([]);
  });

  it('compares each answer with each group representative at most once', () => {
    const calls: [string, string][] = [];
    const spy = (left: string, right: string): boolean => {
      calls.push([left, right]);
      return left === right;
    };
    groupAnswers(['1', '2', '3', '4'], spy);
    expect(calls).toEqual([
      ['1', '2'],
      ['1', '3'],
      ['2', '3'],
      ['1', '4'],
      ['2', '4'],
      ['3', '4'],
    ]);
  });

  it('skips the comparison for repeated identical answers', () => {
    let count = 0;
    groupAnswers(['7', '7', '7'], (left, right) => {
      count += 1;
      return left === right;
    });
    expect(count).toBe(0);
  });

  it('lets a custom equivalence alone decide for different strings', () => {
    expect(groupAnswers(['0.5', '\\frac12'], exact).groups).toHaveLength(2);
  });
});

describe('vote', () => {
  it('majority picks the group with most members, grouping equivalent answers', () => {
    const result = vote(
      candidates(['5', 0.1], ['\\frac{1}{2}', 0.2], ['0.5', 0.3], ['5', 0.9], ['1/2', 0.1]),
      'majority',
    );
    expect(result.winner?.answer).toBe('\\frac{1}{2}');
    expect(result.winner?.count).toBe(3);
    expect(result.winnerIndex).toBe(2);
  });

  it('majority breaks count ties by score sum, then by earliest first appearance', () => {
    expect(
      vote(candidates(['1', 0.2], ['2', 0.9], ['1', 0.2], ['2', 0.1]), 'majority').winner?.answer,
    ).toBe('2');
    expect(
      vote(candidates(['1', 0.5], ['2', 0.5], ['2', 0.5], ['1', 0.5]), 'majority').winner?.answer,
    ).toBe('1');
    expect(vote(candidates(['2', null], ['1', null]), 'majority').winner?.answer).toBe('2');
  });

  it('prm_max picks the group of the single best-scored candidate', () => {
    const result = vote(candidates(['1', 0.5], ['1', 0.6], ['2', 0.95], ['1', 0.7]), 'prm_max');
    expect(result.winner?.answer).toBe('2');
    expect(result.winnerIndex).toBe(2);
  });

  it('prm_max breaks ties by the earliest best candidate', () => {
    const result = vote(candidates(['1', 0.3], ['2', 0.8], ['1', 0.8]), 'prm_max');
    expect(result.winner?.answer).toBe('2');
    expect(result.winnerIndex).toBe(1);
  });

  it('prm_vote picks the largest score sum even with fewer members', () => {
    const result = vote(candidates(['1', 0.1], ['1', 0.1], ['1', 0.1], ['2', 0.9]), 'prm_vote');
    expect(result.winner?.answer).toBe('2');
    expect(result.groups.map((group) => group.scoreSum)).toEqual([
      0.9,
      expect.closeTo(0.3) as number,
    ]);
  });

  it('prm_vote breaks sum ties by count, then by earliest first appearance', () => {
    expect(vote(candidates(['1', 0.5], ['2', 0.25], ['2', 0.25]), 'prm_vote').winner?.answer).toBe(
      '2',
    );
    expect(vote(candidates(['1', 0.5], ['2', 0.5]), 'prm_vote').winner?.answer).toBe('1');
  });

  it('reports the best-scored member of the winning group, the earliest on ties', () => {
    expect(vote(candidates(['1', 0.2], ['1', 0.7], ['1', 0.7]), 'majority').winnerIndex).toBe(1);
  });

  it('returns no winner when every answer is invalid', () => {
    expect(vote(candidates([null, 0.9], ['', 0.8]), 'prm_max')).toEqual({
      winner: null,
      groups: [],
      winnerIndex: null,
    });
    expect(vote([], 'majority')).toEqual({ winner: null, groups: [], winnerIndex: null });
  });

  it('counts a non-finite score as no score (null), below every number', () => {
    const result = vote(candidates(['1', Number.NaN], ['2', -7.5]), 'prm_max');
    expect(result.winner?.answer).toBe('2');
    expect(result.groups[1]?.maxScore).toBeNull();
  });

  it('takes raw reward logits: negative and above 1, with no score as null', () => {
    const input = candidates(['1', -2.5], ['2', 3.25], ['1', -0.5], ['3', null]);
    expect(vote(input, 'prm_max').winner?.answer).toBe('2');
    expect(vote(input, 'prm_max').groups.map((group) => group.maxScore)).toEqual([
      3.25,
      -0.5,
      null,
    ]);
    // Summed raw, two negative logits lose to one positive; squashed, they weigh 0.08 + 0.38.
    expect(vote(input, 'prm_vote').winner?.answer).toBe('2');
    const squashed = vote(candidates(['1', -0.1], ['1', -0.1], ['2', 0.1]), 'prm_vote', {
      squash: 'sigmoid',
    });
    expect(squashed.winner?.answer).toBe('1');
    expect(vote(candidates(['1', -0.1], ['1', -0.1], ['2', 0.1]), 'prm_vote').winner?.answer).toBe(
      '2',
    );
  });

  it('uses a custom equivalence when given', () => {
    const result = vote(
      candidates(['0.5', 0.5], ['\\frac12', 0.5], ['\\frac12', 0.5]),
      'majority',
      { equivalent: exact },
    );
    expect(result.winner?.answer).toBe('\\frac12');
  });

  describe('invariants', () => {
    const methods: VoteMethod[] = ['majority', 'prm_max', 'prm_vote'];
    // Dyadic scores keep every sum exact, so permuting candidates cannot change a tie by rounding.
    const score = fc.constantFrom(null, -2, -1, 0, 0.25, 0.5, 0.75, 1, 3.5);
    const candidate = fc.record({ answer: fc.constantFrom('1', '2', '3', '4', null), score });
    const pool = fc.array(candidate, { maxLength: 12 });

    it('elects one of the input answers and a valid member of its group', () => {
      fc.assert(
        fc.property(pool, fc.constantFrom(...methods), (input, method) => {
          const result = vote(input, method, { equivalent: exact });
          if (result.winner === null) {
            expect(input.every((c) => c.answer === null)).toBe(true);
            return;
          }
          const index = result.winnerIndex ?? -1;
          expect(result.winner.members).toContain(index);
          expect(input[index]?.answer).toBe(result.winner.answer);
          expect(result.groups.reduce((sum, group) => sum + group.count, 0)).toBe(
            input.filter((c) => c.answer !== null).length,
          );
        }),
        { numRuns: 500, seed: 11 },
      );
    });

    it('has no winner exactly when all answers are null', () => {
      fc.assert(
        fc.property(
          fc.array(score, { maxLength: 6 }),
          fc.constantFrom(...methods),
          (scores, method) => {
            expect(
              vote(
                scores.map((s) => ({ answer: null, score: s })),
                method,
              ).winner,
            ).toBeNull();
          },
        ),
        { numRuns: 100, seed: 12 },
      );
    });

    it('elects the winner the documented tie rules name, under any permutation', () => {
      fc.assert(
        fc.property(pool, fc.constantFrom(...methods), fc.integer(), (input, method, seed) => {
          const shuffled = shuffle(input, seed);
          const result = vote(shuffled, method, { equivalent: exact });
          expect(result.winner?.answer ?? null).toBe(expectedWinner(shuffled, method));
        }),
        { numRuns: 500, seed: 13 },
      );
    });

    it('makes prm_vote with equal scores in [0, 1] the same as majority', () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom('1', '2', '3', null), { maxLength: 12 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (answers, shared) => {
            const input = answers.map((answer) => ({ answer, score: shared }));
            const byVote = vote(input, 'prm_vote', { equivalent: exact });
            const byMajority = vote(input, 'majority', { equivalent: exact });
            expect(byVote.groups.map((group) => group.answer)).toEqual(
              byMajority.groups.map((group) => group.answer),
            );
            expect(byVote.winnerIndex).toBe(byMajority.winnerIndex);
          },
        ),
        { numRuns: 300, seed: 14 },
      );
    });

    it('groups equivalent spellings with the default equivalence regardless of order', () => {
      const spelling = fc.constantFrom('\\frac12', '0.5', '1/2', '2', '2.0', '\\sqrt{4}', null);
      fc.assert(
        fc.property(fc.array(spelling, { maxLength: 8 }), (answers) => {
          const { groups } = groupAnswers(answers);
          expect(groups.length).toBeLessThanOrEqual(2);
        }),
        { numRuns: 200, seed: 15 },
      );
    });
  });
});

/** The documented rule, restated over exact-string groups: sort keys, then first appearance. */
function expectedWinner(input: VoteCandidate[], method: VoteMethod): string | null {
  // No score ranks below every number and adds nothing to a sum.
  const rank = (score: number | null): number => (score === null ? Number.MIN_SAFE_INTEGER : score);
  const stats = new Map<
    string,
    { count: number; sum: number; max: number; first: number; best: number }
  >();
  input.forEach(({ answer, score }, index) => {
    if (answer === null) return;
    const entry = stats.get(answer) ?? {
      count: 0,
      sum: 0,
      max: rank(score),
      first: index,
      best: index,
    };
    if (rank(score) > entry.max) {
      entry.max = rank(score);
      entry.best = index;
    }
    entry.count += 1;
    entry.sum += score ?? 0;
    stats.set(answer, entry);
  });
  const ranked = [...stats.entries()].sort(([, a], [, b]) => {
    if (method === 'majority') return b.count - a.count || b.sum - a.sum || a.first - b.first;
    if (method === 'prm_vote') return b.sum - a.sum || b.count - a.count || a.first - b.first;
    return b.max - a.max || a.best - b.best;
  });
  return ranked[0]?.[0] ?? null;
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed >>> 0;
  for (let index = result.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}
