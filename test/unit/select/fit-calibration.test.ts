import {
  budgetRanges,
  computeProbeSignals,
  fitCalibration,
  fitThresholds,
  parseStrategyTable,
  stringifyStrategyTable,
  type CalibrationOutcome,
  type CalibrationProblem,
  type DifficultyBin,
  type FitCalibrationOptions,
  type ProbeSample,
  type ProbeSignals,
  type TableMethod,
} from '../../../src/select';
import { createSeededRandom } from '../../../src/util';
import { loadDefaultTable } from './strategy-table-fixture';

const base = loadDefaultTable();
const OPTIONS: FitCalibrationOptions = {
  base: { name: 'calibrated-test', sizeClasses: base.sizeClasses, prmClasses: base.prmClasses, probe: base.probe, unknownDifficulty: base.unknownDifficulty },
  rowSettings: { m: 4, aggregation: 'last', vote: 'prm_vote' },
  about: { dataset: 'synthetic', date: '2025-01-01', model: 'toy-1.5b', prm: 'toy-prm' },
  seed: 9,
};

// The planted world: what the probe looks like in each bin, and how often each method is right.
const PASS_AT_1: Record<DifficultyBin, number> = { easy: 0.8, medium: 0.3, hard: 0.04 };
const ACCURACY: Record<DifficultyBin, Record<TableMethod, number>> = {
  easy: { majority: 0.9, best_of_n: 1, beam_search: 0.8, dvts: 0.8 },
  medium: { majority: 0.4, best_of_n: 0.4, beam_search: 0.8, dvts: 0.5 },
  hard: { majority: 0.1, best_of_n: 0.1, beam_search: 0.5, dvts: 0.2 },
};
const TOKENS: Record<TableMethod, number> = { majority: 100, best_of_n: 100, beam_search: 300, dvts: 250 };

function probeFor(bin: DifficultyBin, random: () => number): ProbeSample[] {
  const jitter = (): number => (random() - 0.5) * 0.1;
  const scored = (answer: string | null, final: number): ProbeSample => ({ answer, stepScores: [0.9, Math.min(1, Math.max(0, final + jitter()))] });
  if (bin === 'easy') return [scored('1', 0.9), scored('1', 0.88), scored('1', 0.92), scored('1', 0.85)];
  if (bin === 'medium') return [scored('1', 0.55), scored('1', 0.5), scored('2', 0.6), scored('3', 0.5)];
  return [scored('1', 0.2), scored('2', 0.15), scored('3', 0.25), scored(null, 0.1)];
}

function syntheticProblems(perBin: number, budgets: number[], seed: number): CalibrationProblem[] {
  const random = createSeededRandom(seed);
  return (['easy', 'medium', 'hard'] as const).flatMap((bin) =>
    Array.from({ length: perBin }, (_, i) => {
      const outcomes: CalibrationOutcome[] = budgets.flatMap((budget) =>
        (['majority', 'best_of_n', 'beam_search', 'dvts'] as const).map((method) => ({
          method,
          budget,
          // Deterministic: the first accuracy * 10 of every 10 problems are right.
          isCorrect: i % 10 < Math.round(ACCURACY[bin][method] * 10),
          policyTokens: TOKENS[method] * budget,
        })),
      );
      return { id: `${bin}-${i}`, passAt1: PASS_AT_1[bin], probe: probeFor(bin, random), outcomes };
    }),
  );
}

describe('fitThresholds', () => {
  it('recovers planted score thresholds', () => {
    const random = createSeededRandom(3);
    const signals: ProbeSignals[] = [];
    const oracle: DifficultyBin[] = [];
    for (let i = 0; i < 200; i++) {
      const score = random();
      signals.push(computeProbeSignals([{ answer: '1', stepScores: [score] }, { answer: '1', stepScores: [score] }]));
      oracle.push(score >= 0.6 ? 'easy' : score <= 0.25 ? 'hard' : 'medium');
    }
    const { thresholds, agreement } = fitThresholds(signals, oracle);
    expect(agreement).toBeGreaterThanOrEqual(0.97);
    expect(thresholds.easyMinMeanFinalScore).toBeCloseTo(0.6, 1);
    expect(thresholds.hardMaxMeanFinalScore).toBeCloseTo(0.25, 1);
  });

  it('falls back to agreement alone when the probe has no PRM scores', () => {
    const signals = [['1', '1', '1', '1'], ['1', '1', '2', '3'], ['1', '2', '3', '4']].map((answers) => computeProbeSignals(answers.map((answer) => ({ answer, stepScores: null }))));
    const { thresholds, agreement } = fitThresholds(signals, ['easy', 'medium', 'hard']);
    expect(agreement).toBe(1);
    expect(thresholds.easyMinMeanFinalScore).toBe(0);
  });
});

describe('budgetRanges', () => {
  it('splits at geometric midpoints', () => {
    expect(budgetRanges([16, 4, 64])).toEqual([
      { budget: 4, min: null, max: 8 },
      { budget: 16, min: 9, max: 32 },
      { budget: 64, min: 33, max: null },
    ]);
    expect(budgetRanges([8])).toEqual([{ budget: 8, min: null, max: null }]);
  });
});

describe('fitCalibration', () => {
  const problems = syntheticProblems(20, [4, 16], 1);
  const fit = fitCalibration(problems, OPTIONS);

  it('recovers the planted bins from the probe', () => {
    expect(fit.binAgreement).toBe(1);
    expect(fit.confusion.easy).toEqual({ easy: 20, medium: 0, hard: 0 });
    expect(fit.confusion.hard).toEqual({ easy: 0, medium: 0, hard: 20 });
  });

  it('recovers the planted methods: BoN on easy, beam search on medium and hard', () => {
    for (const budget of [4, 16]) {
      const method = (bin: DifficultyBin) => fit.cells.find((c) => c.budget === budget && c.bin === bin)?.method;
      expect([method('easy'), method('medium'), method('hard')]).toEqual(['best_of_n', 'beam_search', 'beam_search']);
    }
    const easy = fit.cells.find((c) => c.budget === 4 && c.bin === 'easy');
    expect(easy).toMatchObject({ accuracy: 1, problems: 20, fallback: null });
    expect(easy?.alternatives).toEqual({ best_of_n: 1, majority: 0.9, beam_search: 0.8, dvts: 0.8 });
  });

  it('estimates the auto policy by 2-fold cross-validation, beating the best single method here', () => {
    for (const cv of fit.crossValidation) {
      expect(cv.autoAccuracy).toBeCloseTo((1 + 0.8 + 0.5) / 3, 1);
      expect(cv.bestFixedMethod).toBe('beam_search');
      expect(cv.autoAccuracy).toBeGreaterThan(cv.bestFixedAccuracy);
    }
  });

  it('writes a valid table that parses back to itself', () => {
    expect(fit.table.rows).toHaveLength(6);
    expect(fit.table.rows[0]).toMatchObject({ method: 'best_of_n', m: null, vote: 'prm_vote', match: { difficulties: ['easy'], budgetMin: null, budgetMax: 8 } });
    expect(fit.table.rows[1]).toMatchObject({ method: 'beam_search', m: 4 });
    expect(fit.table.calibration).toMatchObject({ problems: 60, budgets: [4, 16], probeSamples: 4, binAgreement: 1, model: 'toy-1.5b' });
    const text = stringifyStrategyTable(fit.table, ['calibrated on synthetic data']);
    expect(text.startsWith('# calibrated on synthetic data\n')).toBe(true);
    expect(text).toMatch(/# best_of_n: 100\.0% on 20 problem\(s\)/);
    expect(parseStrategyTable(text)).toEqual(fit.table);
  });

  it('uses the best single method for a bin with too few problems', () => {
    const fewHard = [...syntheticProblems(20, [4], 2).filter((p) => !p.id.startsWith('hard')), ...syntheticProblems(1, [4], 2).filter((p) => p.id.startsWith('hard'))];
    const result = fitCalibration(fewHard, OPTIONS);
    const hard = result.cells.find((c) => c.bin === 'hard');
    expect(hard).toMatchObject({ fallback: 'too-few-problems', problems: 1 });
    expect(result.table.rows.find((row) => row.match.difficulties?.[0] === 'hard')?.source).toMatch(/best single method/);
  });

  it('keeps the best single method in a bin whose winner is not significantly better (paired sign test)', () => {
    // Medium bin, 10 problems: make DVTS right on all of them, beam search (the best single
    // method) stays right on 8: 2 paired wins, 0 losses. 2 ≥ 0·√2 and 2 < 2·√2.
    const problems = syntheticProblems(10, [4], 4).map((p) =>
      p.id.startsWith('medium') ? { ...p, outcomes: p.outcomes.map((o) => (o.method === 'dvts' ? { ...o, isCorrect: true } : o)) } : p,
    );
    const loose = fitCalibration(problems, { ...OPTIONS, minPairedZ: 0 });
    const strict = fitCalibration(problems, { ...OPTIONS, minPairedZ: 2 });
    const medium = (fit: ReturnType<typeof fitCalibration>) => fit.cells.find((c) => c.bin === 'medium');
    expect(medium(loose)).toMatchObject({ method: 'dvts', fallback: null });
    expect(medium(strict)).toMatchObject({ method: 'beam_search', fallback: 'not-significant' });
    expect(strict.table.rows.find((row) => row.match.difficulties?.[0] === 'medium')?.source).toMatch(/no method beat the best single method/);
  });

  it('drops problems that miss a method × budget measurement', () => {
    const partial = syntheticProblems(5, [4], 3);
    const first = partial[0];
    if (first) first.outcomes = first.outcomes.filter((o) => o.method !== 'dvts');
    expect(fitCalibration(partial, OPTIONS)).toMatchObject({ problems: 14, dropped: 1 });
  });
});
