import fc from 'fast-check';
import {
  probabilityLeaderIsMajority,
  shouldStopEarly,
  type EarlyStopRule,
  type VoteState,
} from '../../../src/select';

const BETA: EarlyStopRule = { kind: 'beta', confidence: 0.95, minSamples: 4 };

function state(
  counts: number[],
  drawn: number,
  budget: number,
  overrides: Partial<VoteState> = {},
): VoteState {
  return { counts, drawn, budget, vote: 'majority', ...overrides };
}

describe('probabilityLeaderIsMajority', () => {
  it('matches known Beta posteriors', () => {
    // Beta(9, 1): 1 - 0.5^9.
    expect(probabilityLeaderIsMajority(8, 0)).toBeCloseTo(0.998046875, 12);
    // Beta(4, 3): P(Bin(6, 1/2) ≤ 3) = 42/64.
    expect(probabilityLeaderIsMajority(3, 2)).toBeCloseTo(0.65625, 12);
    expect(probabilityLeaderIsMajority(0, 0)).toBeCloseTo(0.5, 12);
    expect(probabilityLeaderIsMajority(4, 0)).toBeCloseTo(0.96875, 12);
    expect(probabilityLeaderIsMajority(5, 5)).toBeCloseTo(0.5, 12);
  });

  it('grows with the leader count and falls with the others', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (a, b) => {
        expect(probabilityLeaderIsMajority(a + 1, b)).toBeGreaterThanOrEqual(
          probabilityLeaderIsMajority(a, b) - 1e-12,
        );
        expect(probabilityLeaderIsMajority(a, b + 1)).toBeLessThanOrEqual(
          probabilityLeaderIsMajority(a, b) + 1e-12,
        );
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('shouldStopEarly', () => {
  it('beta: stops after 4 unanimous samples (0.969 ≥ 0.95), not after 3', () => {
    expect(shouldStopEarly(state([4], 4, 64), BETA)).toMatchObject({
      shouldStop: true,
      rule: 'beta',
    });
    expect(shouldStopEarly(state([4], 4, 64), BETA).posterior).toBeCloseTo(0.96875, 10);
    expect(shouldStopEarly(state([3], 3, 64), BETA).shouldStop).toBe(false);
  });

  it('beta: counts samples without an answer against the leader', () => {
    // 5 for the leader, 1 invalid: Beta(6, 2) gives 0.9375 < 0.95.
    expect(shouldStopEarly(state([5], 6, 64), BETA).shouldStop).toBe(false);
    expect(shouldStopEarly(state([6, 1], 7, 64), BETA).shouldStop).toBe(true);
  });

  it('supermajority: leader share ≥ s after at least k samples', () => {
    const rule: EarlyStopRule = { kind: 'supermajority', share: 0.75, minSamples: 8 };
    expect(shouldStopEarly(state([6, 2], 8, 64), rule)).toMatchObject({
      shouldStop: true,
      rule: 'supermajority',
    });
    expect(shouldStopEarly(state([5, 3], 8, 64), rule).shouldStop).toBe(false);
    expect(shouldStopEarly(state([4], 4, 64), rule).shouldStop).toBe(false);
  });

  it('decided: stops only when the rest of the budget cannot overturn the leader', () => {
    const rule: EarlyStopRule = { kind: 'decided' };
    expect(shouldStopEarly(state([10, 3], 13, 16), rule)).toMatchObject({
      shouldStop: true,
      rule: 'decided',
    });
    // 9 vs 3 with 4 left: the runner-up could reach 7, a new answer 4: decided.
    expect(shouldStopEarly(state([9, 3], 12, 16), rule).shouldStop).toBe(true);
    // 7 vs 3 with 4 left: a tie at 7 is possible.
    expect(shouldStopEarly(state([7, 3], 12, 16), rule).shouldStop).toBe(false);
  });

  it('decided (PRM-Vote): compares score sums, each new sample adding at most 1', () => {
    const rule: EarlyStopRule = { kind: 'decided' };
    expect(
      shouldStopEarly(state([5, 5], 10, 12, { vote: 'prm_vote', scoreSums: [4.5, 1.2] }), rule)
        .shouldStop,
    ).toBe(true);
    expect(
      shouldStopEarly(state([5, 5], 10, 12, { vote: 'prm_vote', scoreSums: [3.1, 1.2] }), rule)
        .shouldStop,
    ).toBe(false);
    expect(shouldStopEarly(state([10], 10, 12, { vote: 'prm_vote' }), rule).shouldStop).toBe(false);
  });

  it('every rule but none also stops when decided (lossless)', () => {
    const rule: EarlyStopRule = { kind: 'supermajority', share: 0.99, minSamples: 100 };
    expect(shouldStopEarly(state([14, 1], 15, 16), rule)).toMatchObject({
      shouldStop: true,
      rule: 'decided',
    });
    expect(shouldStopEarly(state([14, 1], 15, 16), { kind: 'none' }).shouldStop).toBe(false);
  });

  it('does not apply agreement rules to PRM-Max', () => {
    expect(shouldStopEarly(state([8], 8, 64, { vote: 'prm_max' }), BETA).shouldStop).toBe(false);
  });

  it('stops when the budget is spent, whatever the rule', () => {
    expect(shouldStopEarly(state([1, 1, 1, 1], 4, 4), { kind: 'none' })).toMatchObject({
      shouldStop: true,
    });
  });

  it('beta: is monotone in the leader count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (a, b) => {
        const budget = 1000;
        // b samples that disagree with the leader (here: without an answer), a growing leader.
        const stopsAt = (leader: number): boolean =>
          shouldStopEarly(state([leader], leader + b, budget), { ...BETA, minSamples: 0 })
            .shouldStop;
        if (stopsAt(a)) expect(stopsAt(a + 1)).toBe(true);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
