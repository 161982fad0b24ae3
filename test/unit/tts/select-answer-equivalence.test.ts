import { vote, VOTE_METHODS } from '../../../src/answer';
import { aggregateScores } from '../../../src/tts/step-scores';
import { selectAnswer } from '../../../src/tts/select-answer';
import type { Aggregation, Candidate, CandidateFinish } from '../../../src/tts/search-types';
import { createSeededRandom } from '../../../src/util/seeded-random';
import { referenceAggregate, referenceSelect, referenceVote } from './closure-free-vote-reference';

// Equivalent forms and near misses, so groups merge, split and tie.
const ANSWERS = ['1', '2', '\\frac{1}{2}', '0.5', '1/2', '3', 'x+1', '1+x', '-0', '0', null];
const FINISHES: CandidateFinish[] = ['answer', 'answer', 'eos', 'length', 'depth'];
const AGGREGATIONS: Aggregation[] = ['min', 'last', 'avg', 'prod'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Scores on a coarse grid (ties are common) or null / empty. */
function stepScores(random: () => number): number[] | null {
  const roll = random();
  if (roll < 0.1) return null;
  if (roll < 0.15) return [];
  return Array.from({ length: 1 + Math.floor(random() * 5) }, () => Math.round(random() * 8) / 8);
}

function candidates(random: () => number): Candidate[] {
  return Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
    const answer = pick(random, ANSWERS);
    const text = answer === null ? 'No idea.' : `Step.\n\nSo the answer is $\\boxed{${answer}}$.`;
    return {
      text,
      steps: text.split('\n\n'),
      stepScores: stepScores(random),
      finish: pick(random, FINISHES),
      completionTokens: 7,
    };
  });
}

describe('closure-free voting matches the callback-based code it replaced (seeded)', () => {
  it('aggregateScores gives bit-identical values', () => {
    const random = createSeededRandom(11);
    for (let trial = 0; trial < 500; trial++) {
      const scores = Array.from({ length: Math.floor(random() * 9) }, () => random() * 2 - 0.5);
      for (const how of AGGREGATIONS)
        expect(Object.is(aggregateScores(scores, how), referenceAggregate(scores, how))).toBe(true);
    }
  });

  it('selectAnswer returns the same result for every vote, aggregation and topN', () => {
    const random = createSeededRandom(23);
    for (let trial = 0; trial < 300; trial++) {
      const pool = candidates(random);
      const aggregation = pick(random, AGGREGATIONS);
      const method = pick(random, VOTE_METHODS);
      const topN = Math.floor(random() * 4);
      expect(selectAnswer(pool, { aggregation, vote: method, topN })).toEqual(
        referenceSelect(pool, aggregation, method, topN),
      );
    }
  });

  it('vote keeps groups, order and winner, with raw and sigmoid weights', () => {
    const random = createSeededRandom(37);
    for (let trial = 0; trial < 300; trial++) {
      const ballots = Array.from({ length: Math.floor(random() * 10) }, () => ({
        answer: pick(random, ANSWERS),
        score: random() < 0.2 ? pick(random, [null, Number.NaN, Infinity]) : random() * 6 - 3,
      }));
      const method = pick(random, VOTE_METHODS);
      const squash = random() < 0.5 ? ('none' as const) : ('sigmoid' as const);
      const actual = vote(ballots, method, { squash });
      const expected = referenceVote(ballots, method, squash);
      expect(actual.groups).toEqual(expected.groups);
      expect(actual.winnerIndex).toBe(expected.winnerIndex);
    }
  });
});
