import { breakdownOf, pairedComparison, summarizeCell } from '../../../src/eval';
import { cell, problem, result } from './eval-fixtures';

const problems = new Map(
  [
    problem('p1', { level: 1, subject: 'Algebra', difficulty: 0.1 }),
    problem('p2', { level: 1, subject: 'Algebra', difficulty: 0.15 }),
    problem('p3', { level: 3, subject: 'Geometry', difficulty: 0.5 }),
    problem('p4', { level: 5, subject: 'Geometry', difficulty: 0.95 }),
  ].map((p) => [p.id, p]),
);

describe('pairedComparison', () => {
  it('counts wins, losses and ties on the problems both arms have, with the exact McNemar p', () => {
    const paired = pairedComparison(cell('best_of_n', 4, '1101'), [
      ...cell('cot', 1, '100'),
      result('cot', 1, 'p9', true),
    ]);
    expect(paired).toEqual({
      pairs: 3,
      wins: 1,
      losses: 0,
      bothCorrect: 1,
      bothWrong: 1,
      pValue: 1,
    });
  });
  it('gives a small p when one arm wins every discordant pair', () => {
    const tts = Array.from({ length: 8 }, (_, i) => result('beam_search', 4, `q${i}`, true));
    const cot = Array.from({ length: 8 }, (_, i) => result('cot', 1, `q${i}`, false));
    const paired = pairedComparison(tts, cot);
    expect(paired).toMatchObject({ wins: 8, losses: 0 });
    expect(paired.pValue).toBeCloseTo(2 / 256, 12);
  });
});

describe('breakdownOf', () => {
  it('groups accuracy by level, difficulty bin and subject, in order', () => {
    const passAtOne = new Map([
      ['p1', 0.5],
      ['p3', 0.2],
      ['p4', 0.05],
    ]);
    const breakdown = breakdownOf(cell('dvts', 4, '1011'), problems, passAtOne);
    expect(breakdown.level.map((g) => [g.group, g.correct, g.problems])).toEqual([
      ['Level 1', 1, 2],
      ['Level 3', 1, 1],
      ['Level 5', 1, 1],
    ]);
    // By the paper's Pass@1 bins, easy first; a problem without an estimate is left out.
    expect(breakdown.difficulty.map((g) => [g.group, g.problems])).toEqual([
      ['easy (Pass@1 ≥ 50%)', 1],
      ['medium (Pass@1 10-50%)', 1],
      ['hard (Pass@1 < 10%)', 1],
    ]);
    expect(breakdown.subject.map((g) => [g.group, g.accuracy])).toEqual([
      ['Algebra', 0.5],
      ['Geometry', 1],
    ]);
    expect(breakdown.level[0]?.ci95?.low).toBeGreaterThan(0);
  });
  it('gives empty lists for fields the dataset lacks', () => {
    const bare = new Map([['p1', problem('p1')]]);
    expect(breakdownOf(cell('cot', 1, '1'), bare)).toEqual({
      level: [],
      difficulty: [],
      subject: [],
    });
  });
});

describe('summarizeCell', () => {
  it('computes accuracy with a Wilson interval, tokens, FLOPs, latency and the comparison with CoT', () => {
    const results = [
      result('best_of_n', 4, 'p1', true, { latencyMs: 100 }),
      result('best_of_n', 4, 'p2', true, { latencyMs: 300 }),
      result('best_of_n', 4, 'p3', false, { latencyMs: 200, isDegraded: true }),
      result('best_of_n', 4, 'p4', false, {
        error: 'HTTP 502: upstream',
        latencyMs: 5,
        flops: null,
        policyCompletionTokens: null,
        prmTokens: null,
      }),
    ];
    const summary = summarizeCell({
      arm: 'best_of_n',
      budget: 4,
      results,
      problems,
      cotResults: cell('cot', 1, '1000'),
    });
    expect(summary).toMatchObject({
      requests: 4,
      correct: 2,
      errors: 1,
      degraded: 1,
      accuracy: 0.5,
      performanceGain: 1,
    });
    expect(summary.ci95?.low).toBeCloseTo(0.15004, 4);
    expect(summary.methods).toEqual([{ method: 'best_of_n', count: 3 }]);
    // Means over the three successful requests only.
    expect(summary.policyCompletionTokens).toEqual({ mean: 400, total: 1200 });
    expect(summary.prmTokens).toEqual({ mean: 200, total: 600 });
    expect(summary.flops.total).toEqual({ mean: 12e9, total: 36e9 });
    expect(summary.latencyMs).toEqual({ p50: 200, p95: 290, mean: 200 });
    expect(summary.vsCot).toMatchObject({
      pairs: 4,
      wins: 1,
      losses: 0,
      bothCorrect: 1,
      bothWrong: 2,
    });
  });
  it('counts an errored request as wrong', () => {
    const summary = summarizeCell({
      arm: 'cot',
      budget: 1,
      results: [result('cot', 1, 'p1', false, { error: 'timed out' })],
      problems,
      cotResults: null,
    });
    expect(summary).toMatchObject({
      requests: 1,
      errors: 1,
      accuracy: 0,
      vsCot: null,
      performanceGain: null,
    });
    expect(summary.latencyMs.p50).toBeNull();
    expect(summary.policyCompletionTokens.mean).toBeNull();
  });
  it('has no comparison for CoT itself and null accuracy for an empty cell', () => {
    const summary = summarizeCell({ arm: 'cot', budget: 1, results: [], problems, cotResults: [] });
    expect(summary).toMatchObject({ requests: 0, accuracy: null, ci95: null, vsCot: null });
  });
});
