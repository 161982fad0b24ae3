import fc from 'fast-check';
import { aggregateScores } from '../../../src/tts/step-scores';
import type { Aggregation } from '../../../src/tts/search-types';

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const scoreLists = fc.array(probability, { minLength: 1, maxLength: 40 });
const AGGREGATIONS: Aggregation[] = ['min', 'last', 'avg', 'prod'];

describe('aggregateScores', () => {
  it('computes min, last, avg and prod as the paper and search-and-learn do', () => {
    const scores = [0.9, 0.5, 0.8];
    expect(aggregateScores(scores, 'min')).toBe(0.5);
    expect(aggregateScores(scores, 'last')).toBe(0.8);
    expect(aggregateScores(scores, 'avg')).toBeCloseTo(2.2 / 3, 12);
    expect(aggregateScores(scores, 'prod')).toBeCloseTo(0.36, 12);
  });

  it('gives -1 for an empty list, whatever the aggregation (paper code)', () => {
    for (const how of AGGREGATIONS) expect(aggregateScores([], how)).toBe(-1);
  });

  it('returns the only score of a one-step path', () => {
    for (const how of AGGREGATIONS) expect(aggregateScores([0.3], how)).toBeCloseTo(0.3, 12);
  });

  it('keeps min ≤ avg ≤ max', () => {
    fc.assert(
      fc.property(scoreLists, (scores) => {
        const max = Math.max(...scores);
        const avg = aggregateScores(scores, 'avg');
        return aggregateScores(scores, 'min') <= avg + 1e-12 && avg <= max + 1e-12;
      }),
    );
  });

  it('returns one of the scores for last and min', () => {
    fc.assert(
      fc.property(
        scoreLists,
        (scores) =>
          scores.includes(aggregateScores(scores, 'last')) &&
          scores.includes(aggregateScores(scores, 'min')),
      ),
    );
  });

  it('keeps prod ≤ min for scores in [0, 1]', () => {
    fc.assert(
      fc.property(
        scoreLists,
        (scores) => aggregateScores(scores, 'prod') <= aggregateScores(scores, 'min') + 1e-12,
      ),
    );
  });

  it('stays within [0, 1] for scores in [0, 1]', () => {
    fc.assert(
      fc.property(scoreLists, fc.constantFrom(...AGGREGATIONS), (scores, how) => {
        const value = aggregateScores(scores, how);
        return value >= 0 && value <= 1 + 1e-12;
      }),
    );
  });
});
