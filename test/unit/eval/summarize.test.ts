import { summarize, summaryToWire, type RunInfo } from '../../../src/eval';
import { cell, problem } from './eval-fixtures';

const run: RunInfo = {
  dataset: 'demo.jsonl',
  model: 'm',
  target: 'in-process (config/default.yaml)',
  seed: 0,
  concurrency: 4,
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:01:00.000Z',
  isInterrupted: false,
};
const problems = Array.from({ length: 10 }, (_, i) => problem(`p${i + 1}`, { level: (i % 5) + 1 }));

// CoT 30%; majority 40% at 4, 50% at 16; beam search 55% at 4, 80% at 16; best-of-N 45%, 50%.
const results = [
  ...cell('cot', 1, '1110000000'),
  ...cell('majority', 4, '1111000000'),
  ...cell('majority', 16, '1111100000'),
  ...cell('beam_search', 4, '1111110000'),
  ...cell('beam_search', 16, '1111111100'),
  ...cell('best_of_n', 4, '1111000001'),
  ...cell('best_of_n', 16, '1111100000'),
];

describe('summarize', () => {
  const summary = summarize({
    run,
    problems,
    arms: ['cot', 'majority', 'beam_search', 'best_of_n'],
    budgets: [16, 4],
    results,
  });

  it('has one cell per arm and budget, cot once, budgets ascending', () => {
    expect(summary.cells.map((c) => `${c.arm}@${c.budget}`)).toEqual([
      'cot@1',
      'majority@4',
      'majority@16',
      'beam_search@4',
      'beam_search@16',
      'best_of_n@4',
      'best_of_n@16',
    ]);
    expect(summary.budgets).toEqual([4, 16]);
    expect(summary.expectedRequests).toBe(70);
    expect(summary.completedRequests).toBe(70);
    expect(summary.isSimulated).toBe(true);
  });
  it('builds the Table-5 headline from the best TTS cell', () => {
    expect(summary.headline).toMatchObject({
      cotAccuracy: 0.3,
      majority: { budget: 16, accuracy: 0.5 },
      best: { arm: 'beam_search', budget: 16, accuracy: 0.8 },
    });
    expect(summary.headline.performanceGain).toBeCloseTo(5 / 3, 9);
    // Majority (anchored at CoT, N=1) never reaches 80%: a lower bound of 16/16.
    expect(summary.headline.efficiency?.byBudget.armBest).toMatchObject({
      value: 1,
      bound: 'lower',
    });
    // The compute-optimal curve (CoT 30% at 1, 60% at 4) crosses majority's best 50% at N = 2^(4/3).
    expect(summary.headline.efficiency?.byBudget.majorityBest.bound).toBe('exact');
    expect(summary.headline.efficiency?.byBudget.majorityBest.value).toBeCloseTo(
      16 / 2 ** (4 / 3),
      9,
    );
  });
  it('picks the best TTS arm at each budget for the compute-optimal curve', () => {
    expect(summary.computeOptimal.map((p) => [p.budget, p.arm, p.accuracy])).toEqual([
      [4, 'beam_search', 0.6],
      [16, 'beam_search', 0.8],
    ]);
  });
  it("computes each TTS arm's efficiency gain over majority voting, by budget and by FLOPs", () => {
    const bestOfN = summary.efficiency.find((e) => e.arm === 'best_of_n');
    // Best-of-N's best is 50% at N=4; majority reaches 50% at 16: 4×.
    expect(bestOfN?.gains.byBudget.armBest).toMatchObject({ bound: 'exact', value: 4 });
    expect(bestOfN?.gains.byFlops.armBest.value).not.toBeNull();
    expect(summary.efficiency.map((e) => e.arm)).toEqual(['beam_search', 'best_of_n']);
  });
  it('has no efficiency gain without a majority arm', () => {
    const without = summarize({
      run,
      problems,
      arms: ['cot', 'beam_search'],
      budgets: [4],
      results,
    });
    expect(without.efficiency).toEqual([]);
    expect(without.headline.efficiency).toBeNull();
    expect(without.headline.performanceGain).toBeCloseTo(1, 9);
  });
  it('summarises a partial run over what exists', () => {
    const partial = summarize({
      run: { ...run, isInterrupted: true },
      problems,
      arms: ['cot', 'dvts'],
      budgets: [4],
      results: cell('cot', 1, '10'),
    });
    expect(partial.completedRequests).toBe(2);
    expect(partial.cells.find((c) => c.arm === 'dvts')?.accuracy).toBeNull();
    expect(partial.headline.best).toBeNull();
  });
});

describe('summaryToWire', () => {
  it('writes snake_case keys and keeps data-dependent names in values', () => {
    const wire = summaryToWire(
      summarize({ run, problems, arms: ['cot', 'majority'], budgets: [4], results }),
    ) as Record<string, unknown>;
    const text = JSON.stringify(wire);
    expect(wire.format).toBe('tts-proxy-eval-summary/1');
    expect(text).toContain('"completed_requests":20');
    expect(text).toContain('"policy_completion_tokens"');
    expect(text).toContain('"group":"Level 1"');
    expect(text).not.toMatch(/"[a-z]+[A-Z][a-zA-Z]*":/);
  });
});
