import fc from 'fast-check';
import { nextBatchSize, planProbe, planProbeReuse, TABLE_METHODS } from '../../../src/select';

const SETTINGS = { maxSamples: 4, budgetShare: 0.25, minSamples: 2 };

describe('planProbe', () => {
  it('takes min(4, N/4) samples, none below 2', () => {
    expect([4, 7, 8, 12, 16, 64, 256].map((n) => planProbe(n, SETTINGS).samples)).toEqual([
      0, 0, 2, 3, 4, 4, 4,
    ]);
  });

  it('never takes the whole budget', () => {
    expect(planProbe(2, { maxSamples: 4, budgetShare: 1, minSamples: 1 }).samples).toBe(1);
  });
});

describe('planProbeReuse', () => {
  it('BoN / majority: the probe is the first batch, only N - k more are drawn', () => {
    expect(
      planProbeReuse({ budget: 16, probeSamples: 4, method: 'best_of_n', m: 4 }),
    ).toMatchObject({
      method: 'best_of_n',
      methodBudget: 12,
      probeInVote: 4,
      plannedBudget: 16,
      unspent: 0,
      isSampleBased: true,
      m: 1,
    });
    expect(planProbeReuse({ budget: 64, probeSamples: 4, method: 'majority', m: 4 })).toMatchObject(
      { methodBudget: 60, plannedBudget: 64 },
    );
  });

  it("search: the largest multiple of M in N - k; the search's own paths vote", () => {
    const plan = planProbeReuse({ budget: 16, probeSamples: 4, method: 'beam_search', m: 4 });
    expect(plan).toMatchObject({
      method: 'beam_search',
      methodBudget: 12,
      m: 4,
      probeInVote: 0,
      plannedBudget: 16,
      unspent: 0,
      isSampleBased: false,
    });
    expect(plan.accounting).toMatch(/the search's paths vote \(the probe samples only if/);
    expect(planProbeReuse({ budget: 10, probeSamples: 2, method: 'dvts', m: 4 })).toMatchObject({
      methodBudget: 8,
      unspent: 0,
    });
    expect(planProbeReuse({ budget: 12, probeSamples: 3, method: 'dvts', m: 4 })).toMatchObject({
      methodBudget: 8,
      unspent: 1,
      plannedBudget: 11,
    });
  });

  it('search that no longer fits one beam becomes BoN over what is left', () => {
    expect(
      planProbeReuse({ budget: 6, probeSamples: 3, method: 'beam_search', m: 4 }),
    ).toMatchObject({ method: 'best_of_n', methodBudget: 3, plannedBudget: 6 });
  });

  it('rejects a probe as large as the budget', () => {
    expect(() => planProbeReuse({ budget: 4, probeSamples: 4, method: 'best_of_n', m: 4 })).toThrow(
      RangeError,
    );
  });

  it('never plans more than N and counts every probe sample exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 512 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(...TABLE_METHODS),
        (budget, m, method) => {
          const k = planProbe(budget, SETTINGS).samples;
          const plan = planProbeReuse({ budget, probeSamples: k, method, m });
          expect(plan.plannedBudget).toBeLessThanOrEqual(budget);
          expect(plan.plannedBudget).toBe(k + plan.methodBudget);
          expect(plan.plannedBudget + plan.unspent).toBe(budget);
          expect(plan.probeInVote).toBe(plan.isSampleBased ? k : 0);
          expect(plan.methodBudget).toBeGreaterThan(0);
          if (!plan.isSampleBased) expect(plan.methodBudget % plan.m).toBe(0);
          if (!plan.isSampleBased) expect(plan.unspent).toBeLessThan(plan.m);
        },
      ),
      { seed: 5, numRuns: 500 },
    );
  });
});

describe('nextBatchSize', () => {
  it('doubles the total each round and never passes the budget', () => {
    const sizes: number[] = [];
    let drawn = 4;
    while (drawn < 64) {
      const size = nextBatchSize({ drawn, budget: 64, minBatch: 4, growth: 2 });
      sizes.push(size);
      drawn += size;
    }
    expect(sizes).toEqual([4, 8, 16, 32]);
    expect(nextBatchSize({ drawn: 0, budget: 3, minBatch: 4, growth: 2 })).toBe(3);
    expect(nextBatchSize({ drawn: 40, budget: 50, minBatch: 4, growth: 2 })).toBe(10);
  });
});
