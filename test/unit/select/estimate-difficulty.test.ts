import {
  binFromPassAt1,
  computeProbeSignals,
  DEFAULT_DIFFICULTY_THRESHOLDS,
  estimateDifficulty,
  type ProbeSample,
} from '../../../src/select';

const sample = (answer: string | null, final: number | null = null): ProbeSample => ({
  answer,
  stepScores: final === null ? null : [0.9, 0.8, final],
});

describe('computeProbeSignals', () => {
  it('measures agreement, entropy, invalid share and the mean final-step score', () => {
    const signals = computeProbeSignals([
      sample('42', 0.9),
      sample('42', 0.7),
      sample('41', 0.2),
      sample(null, 0.4),
    ]);
    expect(signals.samples).toBe(4);
    expect(signals.validAnswers).toBe(3);
    expect(signals.agreement).toBeCloseTo(2 / 3, 12);
    const h = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
    expect(signals.normalizedEntropy).toBeCloseTo(h / Math.log(3), 12);
    expect(signals.invalidShare).toBe(0.25);
    expect(signals.meanFinalScore).toBeCloseTo((0.9 + 0.7 + 0.2 + 0.4) / 4, 12);
  });

  it('groups equivalent answers (\\frac{1}{2} = 0.5)', () => {
    expect(
      computeProbeSignals([sample('\\frac{1}{2}'), sample('0.5'), sample('1/2'), sample('2')])
        .agreement,
    ).toBe(0.75);
  });

  it('has no score without PRM scores, and unit entropy when all answers differ', () => {
    const signals = computeProbeSignals([sample('1'), sample('2'), sample('3'), sample('4')]);
    expect(signals.meanFinalScore).toBeNull();
    expect(signals.normalizedEntropy).toBeCloseTo(1, 12);
  });

  it('ignores samples scored with an empty list', () => {
    expect(
      computeProbeSignals([{ answer: '1', stepScores: [] }, sample('1', 0.6)]).meanFinalScore,
    ).toBeCloseTo(0.6, 12);
  });
});

describe('estimateDifficulty', () => {
  it('easy: agreement ≥ 0.75 and a confident PRM', () => {
    const estimate = estimateDifficulty([
      sample('7', 0.95),
      sample('7', 0.9),
      sample('7', 0.85),
      sample('8', 0.3),
    ]);
    expect(estimate.bin).toBe('easy');
    expect(estimate.thresholds).toEqual(DEFAULT_DIFFICULTY_THRESHOLDS);
    expect(estimate.reason).toMatch(/agreement 0\.75 ≥ 0\.75/);
  });

  it('medium: agreement but an unsure PRM', () => {
    expect(
      estimateDifficulty([sample('7', 0.6), sample('7', 0.5), sample('7', 0.55), sample('8', 0.5)])
        .bin,
    ).toBe('medium');
  });

  it('medium: split answers (0.5) with fair scores', () => {
    expect(
      estimateDifficulty([sample('7', 0.8), sample('7', 0.8), sample('8', 0.8), sample('9', 0.8)])
        .bin,
    ).toBe('medium');
  });

  it('hard: the PRM rejects the final steps', () => {
    const estimate = estimateDifficulty([
      sample('7', 0.3),
      sample('7', 0.2),
      sample('7', 0.35),
      sample('7', 0.3),
    ]);
    expect(estimate.bin).toBe('hard');
    expect(estimate.reason).toMatch(/mean final PRM score 0\.29 ≤ 0\.35/);
  });

  it('hard: every answer different', () => {
    expect(
      estimateDifficulty([sample('1', 0.9), sample('2', 0.9), sample('3', 0.9), sample('4', 0.9)])
        .bin,
    ).toBe('hard');
  });

  it('hard: half the probe without an answer', () => {
    expect(
      estimateDifficulty([sample('1', 0.9), sample('1', 0.9), sample(null, 0.9), sample(null, 0.9)])
        .bin,
    ).toBe('hard');
  });

  it('uses agreement alone without a PRM', () => {
    expect(estimateDifficulty([sample('5'), sample('5'), sample('5'), sample('5')]).bin).toBe(
      'easy',
    );
    expect(estimateDifficulty([sample('5'), sample('5'), sample('6'), sample('7')]).bin).toBe(
      'medium',
    );
  });

  it('applies custom thresholds', () => {
    const probe = [sample('7', 0.6), sample('7', 0.6), sample('7', 0.6), sample('7', 0.6)];
    expect(
      estimateDifficulty(probe, {
        thresholds: { ...DEFAULT_DIFFICULTY_THRESHOLDS, easyMinMeanFinalScore: 0.5 },
      }).bin,
    ).toBe('easy');
  });
});

describe('binFromPassAt1', () => {
  it("uses the paper's absolute bins (easy ≥ 0.5, medium 0.1-0.5, hard < 0.1)", () => {
    expect([1, 0.5, 0.49, 0.1, 0.09, 0].map(binFromPassAt1)).toEqual([
      'easy',
      'easy',
      'medium',
      'medium',
      'hard',
      'hard',
    ]);
  });
});

describe('estimateDifficulty without any answer', () => {
  // Regression: fitted thresholds may disable the hard conditions and allow agreement 0, which
  // called a probe with no answer at all "easy" (agreement 0.00 ≥ 0.00).
  it('calls a probe with no valid answer hard, whatever the thresholds', () => {
    const permissive = {
      easyMinMeanFinalScore: 0,
      easyMinAgreement: 0,
      hardMaxMeanFinalScore: -1,
      hardBelowAgreement: 0,
      hardMinInvalidShare: 2,
    };
    const estimate = estimateDifficulty(
      [sample(null, 0.9), sample(null, 0.9), sample(null, 0.9), sample(null, 0.9)],
      { thresholds: permissive },
    );
    expect(estimate.bin).toBe('hard');
    expect(estimate.reason).toMatch(/no probe sample has an answer/);
  });
});
