import {
  ANSWERS_PER_SLICE,
  createVotingAnswerReader,
  placeVotingAnswers,
  selectAnswer,
  votingAnswers,
} from '../../../src/tts/select-answer';
import { yieldToEventLoop } from '../../../src/util';
import { createLocalGroupingService } from '../../../src/answer';
import type { Candidate, CandidateFinish } from '../../../src/tts/search-types';

function candidate(
  answer: string | null,
  stepScores: number[] | null,
  finish: CandidateFinish = 'answer',
): Candidate {
  const text =
    answer === null ? 'I am not sure.' : `Work.\n\nSo the answer is $\\boxed{${answer}}$.`;
  return { text, steps: text.split('\n\n'), stepScores, finish, completionTokens: 10 };
}

const exact = (left: string, right: string): boolean => left === right;

describe('selectAnswer', () => {
  const pool = [
    candidate('1', [0.9, 0.2]),
    candidate('2', [0.5, 0.95]),
    candidate('1', [0.9, 0.3]),
    candidate('3', [0.6, 0.6]),
  ];

  it('majority: the most frequent answer, represented by its best-scored member', () => {
    const result = selectAnswer(pool, { aggregation: 'last', vote: 'majority', equivalent: exact });
    expect(result).toMatchObject({
      answer: '1',
      winnerIndex: 2,
      effectiveVote: 'majority',
      fellBackToMajority: false,
    });
    expect(result.table[0]).toEqual({ answer: '1', count: 2, scoreSum: 0.5, maxScore: 0.3 });
  });

  it('prm_max: the answer of the single best path under the chosen aggregation', () => {
    expect(
      selectAnswer(pool, { aggregation: 'last', vote: 'prm_max', equivalent: exact }).answer,
    ).toBe('2');
    expect(
      selectAnswer(pool, { aggregation: 'min', vote: 'prm_max', equivalent: exact }).answer,
    ).toBe('3');
  });

  it('prm_vote: the answer with the largest score sum', () => {
    const result = selectAnswer(pool, { aggregation: 'avg', vote: 'prm_vote', equivalent: exact });
    expect(result.answer).toBe('1');
    expect(result.table.map((row) => row.answer)).toEqual(['1', '2', '3']);
    expect(result.table[0]?.scoreSum).toBeCloseTo(1.15, 12);
    expect(result.scores).toEqual(
      [0.55, 0.725, 0.6, 0.6].map((value) => expect.closeTo(value, 12)),
    );
  });

  it('breaks majority ties by score sum, then first appearance, deterministically', () => {
    const tied = [
      candidate('a', [0.2]),
      candidate('b', [0.9]),
      candidate('a', [0.2]),
      candidate('b', [0.1]),
    ];
    expect(
      selectAnswer(tied, { aggregation: 'last', vote: 'majority', equivalent: exact }).answer,
    ).toBe('b');
    const level = [
      candidate('b', [0.5]),
      candidate('a', [0.5]),
      candidate('a', [0.5]),
      candidate('b', [0.5]),
    ];
    expect(
      selectAnswer(level, { aggregation: 'last', vote: 'majority', equivalent: exact }).answer,
    ).toBe('b');
    expect(
      selectAnswer(level, { aggregation: 'last', vote: 'prm_vote', equivalent: exact }).answer,
    ).toBe('b');
    const even = [candidate('a', [0.5]), candidate('b', [0.5])];
    expect(
      selectAnswer(even, { aggregation: 'last', vote: 'prm_max', equivalent: exact }),
    ).toMatchObject({ answer: 'a', winnerIndex: 0 });
  });

  it('treats empty step scores as -1 (paper code), not as missing', () => {
    const result = selectAnswer([candidate('a', []), candidate('b', [0.1])], {
      aggregation: 'last',
      vote: 'prm_max',
      equivalent: exact,
    });
    expect(result).toMatchObject({ answer: 'b', fellBackToMajority: false });
    expect(result.scores).toEqual([-1, 0.1]);
  });

  it('drops candidates without an answer and a truncated one that only has a stray number', () => {
    const truncated: Candidate = {
      text: 'We have 12 apples and then',
      steps: [],
      stepScores: [0.99],
      finish: 'length',
      completionTokens: 10,
    };
    const result = selectAnswer(
      [candidate(null, [0.99], 'eos'), truncated, candidate('7', [0.1])],
      {
        aggregation: 'last',
        vote: 'prm_max',
        equivalent: exact,
      },
    );
    expect(result).toMatchObject({ answer: '7', winnerIndex: 2 });
    expect(result.answers).toEqual([null, null, '7']);
    expect(result.table).toHaveLength(1);
  });

  it('lets a truncated candidate vote when it already boxed an answer', () => {
    const truncated: Candidate = { ...candidate('5', [0.5]), finish: 'length' };
    expect(
      selectAnswer([truncated], { aggregation: 'last', vote: 'majority', equivalent: exact })
        .answer,
    ).toBe('5');
  });

  it('ignores paths that are not complete (depth, unfinished)', () => {
    const result = selectAnswer(
      [candidate('9', [1], 'depth'), candidate('9', [1], 'unfinished'), candidate('4', [0.1])],
      { aggregation: 'last', vote: 'majority', equivalent: exact },
    );
    expect(result).toMatchObject({ answer: '4', winnerIndex: 2 });
    expect(result.answers).toEqual([null, null, '4']);
  });

  it('falls back to majority, flagged, when a complete candidate is unscored', () => {
    const mixed = [candidate('a', [0.99]), candidate('b', null), candidate('b', null)];
    const result = selectAnswer(mixed, { aggregation: 'last', vote: 'prm_max', equivalent: exact });
    expect(result).toMatchObject({
      answer: 'b',
      effectiveVote: 'majority',
      fellBackToMajority: true,
      winnerIndex: 1,
    });
    expect(result.scores).toEqual([0.99, null, null]);
    const majority = selectAnswer(mixed, {
      aggregation: 'last',
      vote: 'majority',
      equivalent: exact,
    });
    expect(majority.fellBackToMajority).toBe(false);
  });

  it('returns the top N distinct answers, then other solutions of the best groups', () => {
    const result = selectAnswer(pool, {
      aggregation: 'last',
      vote: 'prm_vote',
      topN: 5,
      equivalent: exact,
    });
    // Three distinct answers for n=5: the fourth choice is group '1''s other member; there is
    // no fifth candidate.
    expect(result.top).toEqual([
      { answer: '2', candidateIndex: 1, isRepeat: false },
      { answer: '3', candidateIndex: 3, isRepeat: false },
      { answer: '1', candidateIndex: 2, isRepeat: false },
      { answer: '1', candidateIndex: 0, isRepeat: true },
    ]);
    expect(result.top[0]?.candidateIndex).toBe(result.winnerIndex);
    expect(
      selectAnswer(pool, { aggregation: 'last', vote: 'prm_vote', equivalent: exact }).top,
    ).toHaveLength(1);
  });

  it('returns no winner when nothing can vote', () => {
    expect(selectAnswer([], { aggregation: 'last', vote: 'prm_vote' })).toEqual({
      winnerIndex: null,
      answer: null,
      table: [],
      top: [],
      effectiveVote: 'prm_vote',
      fellBackToMajority: false,
      answers: [],
      scores: [],
    });
  });

  it('groups equivalent answers with the answer module by default', () => {
    const result = selectAnswer(
      [candidate('\\frac{1}{2}', [0.4]), candidate('0.5', [0.4]), candidate('3', [0.7])],
      {
        aggregation: 'last',
        vote: 'prm_vote',
      },
    );
    expect(result.table[0]).toMatchObject({ answer: '\\frac{1}{2}', count: 2 });
  });

  it("reads a reasoning model's answer after </think>, never a value boxed while thinking", () => {
    const text = 'Maybe $\\boxed{7}$? No.\n\nRecheck.</think>\n\nThe answer is $\\boxed{8}$.';
    const thinking: Candidate = {
      text,
      steps: text.split('\n\n'),
      stepScores: [0.5, 0.5, 0.5],
      finish: 'eos',
      completionTokens: 10,
    };
    expect(selectAnswer([thinking], { aggregation: 'last', vote: 'majority' }).answer).toBe('8');
  });

  it("votes with the box over a later 'final answer is' phrase, as the paper's parser takes the last box", () => {
    const text = 'We get $\\boxed{12}$ for the area.\n\nThe final answer is $7$.';
    const both: Candidate = {
      text,
      steps: text.split('\n\n'),
      stepScores: [0.5, 0.5],
      finish: 'eos',
      completionTokens: 10,
    };
    expect(votingAnswers([both])).toEqual(['12']);
    // Without a box the phrase still gives the answer.
    expect(votingAnswers([{ ...both, text: 'Work.\n\nThe final answer is $7$.' }])).toEqual(['7']);
  });
});

describe('createVotingAnswerReader', () => {
  const sample = (text: string, finish: CandidateFinish = 'answer'): Candidate => ({
    text,
    steps: [text],
    stepScores: null,
    finish,
    completionTokens: 1,
  });

  it('reads what votingAnswers reads, batch after batch, each candidate as it is now', () => {
    const first = [sample('So \\boxed{4}.'), sample('no answer here', 'eos')];
    const later = sample('Hence \\boxed{\\frac{1}{2}}.');
    const cut = sample('still going', 'length');
    const read = createVotingAnswerReader();
    expect(read(first)).toEqual(votingAnswers(first));
    const all = [...first, later, cut];
    expect(read(all)).toEqual(votingAnswers(all));
    expect(read(all)).toEqual(['4', null, '\\frac{1}{2}', null]);
  });

  it('reads a candidate again once its text or finish changed', () => {
    const candidate = sample('It is \\boxed{3}.', 'length');
    const read = createVotingAnswerReader();
    expect(read([candidate])).toEqual(['3']);
    candidate.text = 'It is \\boxed{5}.';
    expect(read([candidate])).toEqual(['5']);
    candidate.finish = 'eos';
    candidate.text = 'The answer is 7';
    expect(read([candidate])).toEqual(['7']);
  });

  it('keeps no memo between readers (one per request)', () => {
    const candidate = sample('\\boxed{1}');
    expect(createVotingAnswerReader()([candidate])).toEqual(['1']);
    candidate.text = '\\boxed{2}';
    expect(createVotingAnswerReader()([candidate])).toEqual(['2']);
  });
});

describe('placeVotingAnswers with a pace', () => {
  const many = Array.from({ length: 2 * ANSWERS_PER_SLICE + 3 }, (_, i) =>
    candidate(String(i % 5), [0.5]),
  );

  it('reads the answers in slices with a pause before each, and returns them as without one', async () => {
    const slices: number[] = [];
    const events: string[] = [];
    const read = (candidates: readonly Candidate[]): (string | null)[] => {
      slices.push(candidates.length);
      events.push('read');
      return votingAnswers(candidates);
    };
    const pace = (): Promise<void> => {
      events.push('pace');
      return Promise.resolve();
    };
    const paced = await placeVotingAnswers(many, undefined, read, pace);
    expect(paced).toEqual(await placeVotingAnswers(many, undefined));
    expect(slices).toEqual([ANSWERS_PER_SLICE, ANSWERS_PER_SLICE, 3]);
    expect(events).toEqual(['pace', 'read', 'pace', 'read', 'pace', 'read']);
  });

  it('places every answer, in order, in the session after the last slice', async () => {
    const session = createLocalGroupingService().openSession();
    const placed: (string | null)[][] = [];
    const place = session.place.bind(session);
    session.place = (answers) => {
      placed.push([...answers]);
      return place(answers);
    };
    const paced = await placeVotingAnswers(many, session, votingAnswers, yieldToEventLoop);
    expect(placed).toEqual([paced]);
    expect(paced).toEqual(votingAnswers(many));
  });

  it('does not pause for one slice or less', async () => {
    const pace = jest.fn(() => Promise.resolve());
    await placeVotingAnswers(many.slice(0, ANSWERS_PER_SLICE), undefined, votingAnswers, pace);
    expect(pace).not.toHaveBeenCalled();
  });

  it("lets callbacks queued with setImmediate meanwhile (as I/O is) run between slices, with the server's pace", async () => {
    const order: string[] = [];
    const read = (candidates: readonly Candidate[]): (string | null)[] => {
      order.push('slice');
      // What arrives while a slice is read: served at the next turn, before the next slice.
      setImmediate(() => order.push('other client'));
      return votingAnswers(candidates);
    };
    await placeVotingAnswers(many, undefined, read, yieldToEventLoop);
    expect(order.slice(0, 4)).toEqual(['slice', 'other client', 'slice', 'other client']);
  });
});
