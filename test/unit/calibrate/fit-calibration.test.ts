import {
  binFromSignals,
  computeProbeSignals,
  DEFAULT_DIFFICULTY_THRESHOLDS,
  estimateDifficulty,
  lookupStrategy,
  needsDifficulty,
  parseStrategyTable,
  planProbe,
  stringifyStrategyTable,
  thresholdsFor,
  type DifficultyBin,
  type ProbeSample,
  type ProbeSignals,
  type TableMethod,
} from '../../../src/select';
import {
  budgetRanges,
  defaultThresholdGrid,
  fitCalibration,
  fitThresholds,
  type CalibrationOutcome,
  type CalibrationProblem,
  type FitCalibrationOptions,
  type ThresholdGrid,
} from '../../../src/calibrate';
import { createSeededRandom } from '../../../src/util';
import { loadDefaultTable } from '../select/strategy-table-fixture';

const base = loadDefaultTable();
// A probe from k=2 (N=8), below the bundled table's k=4, so the small budgets here cover both a
// probing budget and the no-probe ones.
const OPTIONS: FitCalibrationOptions = {
  base: {
    name: 'calibrated-test',
    sizeClasses: base.sizeClasses,
    prmClasses: base.prmClasses,
    probe: { ...base.probe, minSamples: 2 },
    unknownDifficulty: base.unknownDifficulty,
  },
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
const TOKENS: Record<TableMethod, number> = {
  majority: 100,
  best_of_n: 100,
  beam_search: 300,
  dvts: 250,
};

function probeFor(bin: DifficultyBin, random: () => number): ProbeSample[] {
  const jitter = (): number => (random() - 0.5) * 0.1;
  const scored = (answer: string | null, final: number): ProbeSample => ({
    answer,
    stepScores: [0.9, Math.min(1, Math.max(0, final + jitter()))],
  });
  if (bin === 'easy')
    return [scored('1', 0.9), scored('1', 0.88), scored('1', 0.92), scored('1', 0.85)];
  if (bin === 'medium')
    return [scored('1', 0.55), scored('1', 0.5), scored('2', 0.6), scored('3', 0.5)];
  return [scored('1', 0.2), scored('2', 0.15), scored('3', 0.25), scored(null, 0.1)];
}

function syntheticProblems(perBin: number, budgets: number[], seed: number): CalibrationProblem[] {
  const random = createSeededRandom(seed);
  return (['easy', 'medium', 'hard'] as const).flatMap((bin) =>
    Array.from({ length: perBin }, (_, i) => {
      // Each budget's probe comes from its own run, as `buildCalibrationProblems` reads it.
      const probes = budgets.map((budget) => ({ budget, samples: probeFor(bin, random) }));
      const outcomes: CalibrationOutcome[] = budgets.flatMap((budget) =>
        (['majority', 'best_of_n', 'beam_search', 'dvts'] as const).map((method) => ({
          method,
          budget,
          // Deterministic: the first accuracy * 10 of every 10 problems are right.
          isCorrect: i % 10 < Math.round(ACCURACY[bin][method] * 10),
          policyTokens: TOKENS[method] * budget,
        })),
      );
      return { id: `${bin}-${i}`, passAt1: PASS_AT_1[bin], probes, outcomes };
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
      signals.push(
        computeProbeSignals([
          { answer: '1', stepScores: [score] },
          { answer: '1', stepScores: [score] },
        ]),
      );
      oracle.push(score >= 0.6 ? 'easy' : score <= 0.25 ? 'hard' : 'medium');
    }
    const { thresholds, agreement } = fitThresholds(signals, oracle);
    expect(agreement).toBeGreaterThanOrEqual(0.97);
    expect(thresholds.easyMinMeanFinalScore).toBeCloseTo(0.6, 1);
    expect(thresholds.hardMaxMeanFinalScore).toBeCloseTo(0.25, 1);
  });

  it('falls back to agreement alone when the probe has no PRM scores', () => {
    const signals = [
      ['1', '1', '1', '1'],
      ['1', '1', '2', '3'],
      ['1', '2', '3', '4'],
    ].map((answers) =>
      computeProbeSignals(answers.map((answer) => ({ answer, stepScores: null }))),
    );
    const { thresholds, agreement } = fitThresholds(signals, ['easy', 'medium', 'hard']);
    expect(agreement).toBe(1);
    expect(thresholds.easyMinMeanFinalScore).toBe(0);
  });

  it('never calls a probe without a valid answer easy, even when the oracle says easy', () => {
    // Half the "easy" problems have an answerless probe: easy_min_agreement 0 would call them easy
    // and score 100%. The fit must leave them hard (as binFromSignals does) and settle for 50%.
    const answerless = computeProbeSignals(
      [null, null, null, null].map((answer) => ({ answer, stepScores: null })),
    );
    const agreeing = computeProbeSignals(
      ['1', '1', '1', '1'].map((answer) => ({ answer, stepScores: null })),
    );
    const signals = [answerless, answerless, answerless, agreeing, agreeing, agreeing];
    const oracle: DifficultyBin[] = ['easy', 'easy', 'easy', 'easy', 'easy', 'easy'];
    expect(defaultThresholdGrid(signals).easyMinAgreement.every((value) => value > 0)).toBe(true);
    const { thresholds, agreement } = fitThresholds(signals, oracle);
    expect(thresholds.easyMinAgreement).toBeGreaterThan(0);
    expect(agreement).toBe(0.5);
    expect(binFromSignals(answerless, thresholds).bin).toBe('hard');
    // A caller's grid with 0 in it is not followed there either.
    const grid: ThresholdGrid = { ...defaultThresholdGrid(signals), easyMinAgreement: [0, 1] };
    expect(fitThresholds(signals, oracle, grid).thresholds.easyMinAgreement).toBe(1);
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

const methodAt = (
  fit: ReturnType<typeof fitCalibration>,
  budget: number,
  bin: DifficultyBin | null,
) => fit.cells.find((c) => c.budget === budget && c.bin === bin)?.method;

describe('fitCalibration', () => {
  const problems = syntheticProblems(20, [4, 16], 1);
  const fit = fitCalibration(problems, OPTIONS);

  it('recovers the planted bins from the probe', () => {
    // Only N=16 probes (k=4); N=4 has no probe, so each problem counts once.
    expect(fit.probeSamples).toEqual({ 4: 0, 16: 4 });
    expect(fit.binAgreement).toBe(1);
    expect(fit.confusion.easy).toEqual({ easy: 20, medium: 0, hard: 0 });
    expect(fit.confusion.hard).toEqual({ easy: 0, medium: 0, hard: 20 });
    expect(fit.oracleBins).toEqual({ easy: 20, medium: 20, hard: 20 });
  });

  it('recovers the planted methods where the probe runs: BoN on easy, beam search on medium and hard', () => {
    expect([
      methodAt(fit, 16, 'easy'),
      methodAt(fit, 16, 'medium'),
      methodAt(fit, 16, 'hard'),
    ]).toEqual(['best_of_n', 'beam_search', 'beam_search']);
    const easy = fit.cells.find((c) => c.budget === 16 && c.bin === 'easy');
    expect(easy).toMatchObject({ accuracy: 1, problems: 20, fallback: null, probeSamples: 4 });
    expect(easy?.alternatives).toEqual({
      best_of_n: 1,
      majority: 0.9,
      beam_search: 0.8,
      dvts: 0.8,
    });
  });

  // Regression: N=4 used to get per-bin rows fitted on a 4-sample probe that a request at N=4
  // never draws (planProbe gives k=0 below N=8), so its CV scored a policy that never runs.
  it('fits one method for every difficulty where the served request has no probe (N=4)', () => {
    expect(fit.cells.filter((c) => c.budget === 4)).toEqual([
      expect.objectContaining({
        bin: null,
        probeSamples: 0,
        method: 'beam_search',
        problems: 60,
        fallback: 'all',
      }),
    ]);
    const cv4 = fit.crossValidation.find((cv) => cv.budget === 4);
    expect(cv4).toMatchObject({ probeSamples: 0, bestFixedMethod: 'beam_search' });
    // Without a probe auto IS the best single method, so the two accuracies are the same.
    expect(cv4?.autoAccuracy).toBe(cv4?.bestFixedAccuracy);
  });

  it('estimates the auto policy by 2-fold cross-validation, beating the best single method where it probes', () => {
    const cv16 = fit.crossValidation.find((cv) => cv.budget === 16);
    expect(cv16).toMatchObject({
      probeSamples: 4,
      bestFixedMethod: 'beam_search',
      foldMethods: ['beam_search', 'beam_search'],
    });
    expect(cv16?.autoAccuracy).toBeCloseTo((1 + 0.8 + 0.5) / 3, 1);
    expect(cv16?.autoAccuracy).toBeGreaterThan(cv16?.bestFixedAccuracy ?? 1);
  });

  it('writes a valid table that parses back to itself', () => {
    expect(fit.table.rows).toHaveLength(4);
    expect(fit.table.rows[0]).toMatchObject({
      method: 'beam_search',
      m: 4,
      match: { difficulties: null, budgetMin: null, budgetMax: 8 },
    });
    expect(fit.table.rows[0]?.source).toMatch(/no probe at N=4/);
    expect(fit.table.rows[1]).toMatchObject({
      method: 'best_of_n',
      m: null,
      vote: 'prm_vote',
      match: { difficulties: ['easy'], budgetMin: 9, budgetMax: null },
    });
    expect(fit.table.rows[2]).toMatchObject({ method: 'beam_search', m: 4 });
    expect(fit.table.calibration).toMatchObject({
      problems: 60,
      budgets: [4, 16],
      probeSamples: 4,
      binAgreement: 1,
      model: 'toy-1.5b',
    });
    const text = stringifyStrategyTable(fit.table, ['calibrated on synthetic data']);
    expect(text.startsWith('# calibrated on synthetic data\n')).toBe(true);
    expect(text).toMatch(/# best_of_n: 100\.0% on 20 problem\(s\)/);
    expect(parseStrategyTable(text)).toEqual(fit.table);
  });

  it('serves from the written table exactly what it scored (planProbe, needsDifficulty, thresholds, lookup)', () => {
    const budgets = [4, 8, 16];
    const world = syntheticProblems(12, budgets, 5);
    const result = fitCalibration(world, OPTIONS);
    const { table } = result;
    for (const budget of budgets) {
      const context = {
        policyParamsB: 1.5,
        policyFamily: 'qwen2.5' as const,
        prmFamily: 'qwen2.5-math-prm' as const,
        budget,
      };
      const k = planProbe(budget, table.probe).samples;
      expect(k).toBe(result.probeSamples[budget]);
      for (const problem of world) {
        // What autoSearch does with this table at this budget.
        const probe = problem.probes.find((p) => p.budget === budget)?.samples.slice(0, k) ?? [];
        const bin =
          k > 0 && needsDifficulty(table, context)
            ? estimateDifficulty(probe, { thresholds: thresholdsFor(table, 'toy-1.5b') }).bin
            : null;
        const served = lookupStrategy(table, { ...context, difficulty: bin }).method;
        // What the fit scored for it.
        const scoredBin =
          k > 0 ? binFromSignals(computeProbeSignals(probe), result.thresholds).bin : null;
        expect(served).toBe(methodAt(result, budget, scoredBin));
      }
    }
  });

  it('bins each budget with the probe size it serves: k=2 at N=8, k=4 at N=16', () => {
    // Every probe starts with two agreeing answers and then splits: the first 2 samples agree
    // fully (easy), all 4 only half (medium). Thresholds are pinned so the bins are predictable.
    const grid: ThresholdGrid = {
      easyMinMeanFinalScore: [0],
      easyMinAgreement: [0.75],
      hardMaxMeanFinalScore: [-1],
      hardBelowAgreement: [0.4],
      hardMinInvalidShare: [2],
    };
    const world = syntheticProblems(5, [8, 16], 6).map((p) => ({
      ...p,
      probes: p.probes.map((probe) => ({
        ...probe,
        samples: ['1', '1', '2', '3'].map((answer) => ({ answer, stepScores: [0.5] })),
      })),
    }));
    const result = fitCalibration(world, { ...OPTIONS, thresholdGrid: grid });
    expect(result.probeSamples).toEqual({ 8: 2, 16: 4 });
    expect(result.cells.find((c) => c.budget === 8 && c.bin === 'easy')).toMatchObject({
      problems: 15,
      probeSamples: 2,
    });
    expect(result.cells.find((c) => c.budget === 16 && c.bin === 'medium')).toMatchObject({
      problems: 15,
      probeSamples: 4,
    });
    // The thresholds are fitted on both budgets' probes together.
    expect(result.confusion.easy).toEqual({ easy: 5, medium: 5, hard: 0 });
    // N=8's range reaches down to 2, where no request probes: one row for every difficulty there.
    expect(result.table.rows[0]).toMatchObject({
      match: { difficulties: null, budgetMin: null, budgetMax: 7 },
    });
    expect(result.table.rows[0]?.source).toMatch(/no probe below N=8/);
    expect(result.table.rows[1]?.match).toMatchObject({
      difficulties: ['easy'],
      budgetMin: 8,
      budgetMax: 11,
    });
    expect(result.probeStartsAt).toBe(8);
  });

  it('writes a table without fitted thresholds when no calibrated budget probes', () => {
    const result = fitCalibration(syntheticProblems(5, [4], 7), OPTIONS);
    expect(result.table.rows).toEqual([
      expect.objectContaining({
        match: expect.objectContaining({ difficulties: null, budgetMin: null, budgetMax: null }),
      }),
    ]);
    expect(result.thresholds).toEqual(DEFAULT_DIFFICULTY_THRESHOLDS);
    expect(result.table.calibration).toMatchObject({ probeSamples: 0, binAgreement: 0 });
    expect(parseStrategyTable(stringifyStrategyTable(result.table))).toEqual(result.table);
  });

  // Regression: the name was the best method on all data while the number was each fold's own
  // best on its held-out half, so the two could describe different methods.
  it('names the single method the folds chose and reports that method’s own accuracy', () => {
    // Two near-equal methods at N=4 (no probe): majority right on 11 of 20, best_of_n on 10.
    const world: CalibrationProblem[] = Array.from({ length: 20 }, (_, i) => ({
      id: `p${i}`,
      passAt1: 0.5,
      probes: [],
      outcomes: [
        { method: 'majority', budget: 4, isCorrect: i < 11, policyTokens: 100 },
        { method: 'best_of_n', budget: 4, isCorrect: i >= 10, policyTokens: 100 },
      ],
    }));
    const allAccuracy: Record<string, number> = { majority: 0.55, best_of_n: 0.5 };
    let disagreements = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const [cv] = fitCalibration(world, { ...OPTIONS, seed }).crossValidation;
      if (!cv) throw new Error('no CV result');
      expect(cv.foldMethods).toContain(cv.bestFixedMethod);
      expect(cv.bestFixedAccuracy).toBe(allAccuracy[cv.bestFixedMethod]);
      if (new Set(cv.foldMethods).size > 1) {
        disagreements += 1;
        // Folds disagree: the better of their two choices on all problems.
        expect(cv.bestFixedMethod).toBe('majority');
      }
    }
    expect(disagreements).toBeGreaterThan(0);
  });

  it('uses the best single method for a bin with too few problems', () => {
    const fewHard = [
      ...syntheticProblems(20, [16], 2).filter((p) => !p.id.startsWith('hard')),
      ...syntheticProblems(1, [16], 2).filter((p) => p.id.startsWith('hard')),
    ];
    const result = fitCalibration(fewHard, OPTIONS);
    const hard = result.cells.find((c) => c.bin === 'hard');
    expect(hard).toMatchObject({ fallback: 'too-few-problems', problems: 1 });
    expect(result.table.rows.find((row) => row.match.difficulties?.[0] === 'hard')?.source).toMatch(
      /best single method/,
    );
  });

  it('keeps the best single method in a bin whose winner is not significantly better (paired sign test)', () => {
    // Medium bin, 10 problems: make DVTS right on all of them, beam search (the best single
    // method) stays right on 8: 2 paired wins, 0 losses. 2 ≥ 0·√2 and 2 < 2·√2.
    const problems = syntheticProblems(10, [16], 4).map((p) =>
      p.id.startsWith('medium')
        ? {
            ...p,
            outcomes: p.outcomes.map((o) => (o.method === 'dvts' ? { ...o, isCorrect: true } : o)),
          }
        : p,
    );
    const loose = fitCalibration(problems, { ...OPTIONS, minPairedZ: 0 });
    const strict = fitCalibration(problems, { ...OPTIONS, minPairedZ: 2 });
    const medium = (fit: ReturnType<typeof fitCalibration>) =>
      fit.cells.find((c) => c.bin === 'medium');
    expect(medium(loose)).toMatchObject({ method: 'dvts', fallback: null });
    expect(medium(strict)).toMatchObject({ method: 'beam_search', fallback: 'not-significant' });
    expect(
      strict.table.rows.find((row) => row.match.difficulties?.[0] === 'medium')?.source,
    ).toMatch(/no method beat the best single method/);
  });

  it('drops problems that miss a method × budget measurement', () => {
    const partial = syntheticProblems(5, [4], 3);
    const first = partial[0];
    if (first) first.outcomes = first.outcomes.filter((o) => o.method !== 'dvts');
    expect(fitCalibration(partial, OPTIONS)).toMatchObject({ problems: 14, dropped: 1 });
  });

  it('drops problems that miss the probe of a budget that probes, not of one that does not', () => {
    const partial = syntheticProblems(5, [4, 16], 3);
    const [first, second] = partial;
    if (first) first.probes = first.probes.filter((p) => p.budget !== 16);
    if (second) second.probes = second.probes.filter((p) => p.budget !== 4);
    expect(fitCalibration(partial, OPTIONS)).toMatchObject({ problems: 14, dropped: 1 });
  });
});
