import {
  classifyPolicySize,
  classifyPrm,
  lookupStrategy,
  needsDifficulty,
  parseStrategyTable,
  thresholdsFor,
  type DifficultyBin,
  type PrmFamilyName,
} from '../../../src/select';
import { loadDefaultTable, MINIMAL_TABLE } from './strategy-table-fixture';

const table = loadDefaultTable();
const BINS: DifficultyBin[] = ['easy', 'medium', 'hard'];

function look(
  paramsB: number,
  prmFamily: PrmFamilyName | null,
  difficulty: DifficultyBin | null,
  budget = 16,
  policyFamily: 'qwen2.5' | 'deepseek-r1-distill' | 'llama-3' = 'qwen2.5',
) {
  return lookupStrategy(table, {
    policyParamsB: paramsB,
    policyFamily,
    prmFamily,
    difficulty,
    budget,
  });
}

describe('lookupStrategy (config/strategy.yaml = the paper)', () => {
  // docs/paper-findings.md#which-method-wins: items 1-3, the size x difficulty table and the authors' table.
  const expectedWithStrongPrm: Record<string, Record<DifficultyBin, string>> = {
    '1.5': { easy: 'best_of_n', medium: 'beam_search', hard: 'beam_search' },
    '7': { easy: 'dvts', medium: 'dvts', hard: 'beam_search' },
    '72': { easy: 'best_of_n', medium: 'best_of_n', hard: 'best_of_n' },
  };

  for (const prmFamily of ['qwen2.5-math-prm', 'skywork-o1'] as const) {
    for (const [size, byBin] of Object.entries(expectedWithStrongPrm)) {
      it.each(BINS)(`${size}B policy, ${prmFamily} (strong), %s → the paper's method`, (bin) => {
        const found = look(Number(size), prmFamily, bin);
        expect(found.method).toBe(byBin[bin]);
        expect(found.prmClass).toBe('strong');
        if (found.method === 'beam_search' || found.method === 'dvts') expect(found.m).toBe(4);
        expect(found.vote).toBe('prm_vote');
        expect(found.aggregation).toBe('last');
      });
    }
  }

  for (const prmFamily of ['math-shepherd', 'rlhflow'] as const) {
    it.each([1.5, 7, 72])(
      `%sB policy with ${prmFamily} (weak) → BoN + PRM-Vote at every difficulty`,
      (size) => {
        for (const bin of BINS) {
          const found = look(size, prmFamily, bin);
          expect([found.method, found.vote, found.prmClass]).toEqual([
            'best_of_n',
            'prm_vote',
            'weak',
          ]);
        }
      },
    );
  }

  it.each([1.5, 7, 72])('%sB policy with an outcome scorer → BoN at every difficulty', (size) => {
    for (const bin of BINS)
      expect(look(size, 'outcome', bin)).toMatchObject({
        method: 'best_of_n',
        prmClass: 'outcome',
      });
  });

  it.each([1.5, 7, 72])('%sB policy without a PRM → majority vote', (size) => {
    for (const bin of BINS)
      expect(look(size, null, bin)).toMatchObject({
        method: 'majority',
        vote: 'majority',
        prmClass: 'none',
      });
  });

  it.each([1.5, 7, 32])(
    'R1-distill %sB → BoN + majority (the majority method), whatever the PRM and difficulty',
    (size) => {
      for (const prm of ['qwen2.5-math-prm', 'math-shepherd', null] as const) {
        for (const bin of BINS) {
          const found = look(size, prm, bin, 16, 'deepseek-r1-distill');
          expect([found.method, found.vote]).toEqual(['majority', 'majority']);
          expect(found.reason).toMatch(/compute-optimal-tts #4/);
        }
      }
    },
  );

  it('uses BoN below N = M = 4, where search cannot run', () => {
    expect(look(1.5, 'qwen2.5-math-prm', 'hard', 3).method).toBe('best_of_n');
    expect(look(1.5, 'qwen2.5-math-prm', 'hard', 4).method).toBe('beam_search');
  });

  it('uses the table default bin (medium) without an estimate', () => {
    const found = look(1.5, 'qwen2.5-math-prm', null);
    expect(found.difficulty).toBe('medium');
    expect(found.method).toBe('beam_search');
    expect(found.reason).toMatch(/difficulty unknown/);
  });

  it('explains the choice: size class, PRM class, bin, budget, row and source', () => {
    const found = look(1.5, 'qwen2.5-math-prm', 'hard', 64);
    expect(found.reason).toMatch(
      /^beam_search \(M=4\): 1\.5B policy is 'small' \(< 7B\), PRM qwen2\.5-math-prm is 'strong', difficulty 'hard', budget 64; table 'paper-default' row \d+ \(size small, PRM strong, difficulty medium\/hard\); source: docs\/paper-findings\.md#which-method-wins item 3/,
    );
  });

  it('puts 32B in mid and 72B in large; sizes on the boundary go up', () => {
    expect(classifyPolicySize(table, 6.9)).toBe('small');
    expect(classifyPolicySize(table, 7)).toBe('mid');
    expect(classifyPolicySize(table, 32.5)).toBe('mid');
    expect(classifyPolicySize(table, 72)).toBe('large');
  });
});

describe('classifyPrm', () => {
  it('maps families by the table and an unlisted family to weak', () => {
    const minimal = parseStrategyTable(MINIMAL_TABLE);
    expect(classifyPrm(minimal, 'qwen2.5-math-prm')).toBe('strong');
    expect(classifyPrm(minimal, 'skywork-o1')).toBe('weak');
    expect(classifyPrm(minimal, null)).toBe('none');
  });
});

describe('needsDifficulty', () => {
  it('is true only where the paper switches method by difficulty', () => {
    const context = (
      paramsB: number,
      prmFamily: PrmFamilyName | null,
      policyFamily: 'qwen2.5' | 'deepseek-r1-distill' = 'qwen2.5',
    ) => ({ policyParamsB: paramsB, policyFamily, prmFamily, budget: 16 });
    expect(needsDifficulty(table, context(1.5, 'qwen2.5-math-prm'))).toBe(true);
    expect(needsDifficulty(table, context(7, 'skywork-o1'))).toBe(true);
    expect(needsDifficulty(table, context(72, 'qwen2.5-math-prm'))).toBe(false);
    expect(needsDifficulty(table, context(1.5, 'math-shepherd'))).toBe(false);
    expect(needsDifficulty(table, context(1.5, null))).toBe(false);
    expect(needsDifficulty(table, context(1.5, 'qwen2.5-math-prm', 'deepseek-r1-distill'))).toBe(
      false,
    );
  });

  it('is false when per-bin rows choose the same thing (a calibrated table with one winner)', () => {
    const sameMethod = parseStrategyTable(`
version: 1
name: one-winner
size_classes: [{ name: any }]
prm_classes: { strong: [qwen2.5-math-prm] }
difficulty_thresholds: { easy_min_mean_final_score: 0.7, easy_min_agreement: 0.75, hard_max_mean_final_score: 0.35, hard_below_agreement: 0.4, hard_min_invalid_share: 0.5 }
rows:
  - { difficulty: easy, budget_max: 8, method: best_of_n, source: a }
  - { difficulty: [medium, hard], budget_max: 8, method: beam_search, m: 4, source: b }
  - { difficulty: easy, method: beam_search, m: 4, source: c }
  - { difficulty: [medium, hard], method: beam_search, m: 4, source: d }
`);
    const context = (budget: number) => ({
      policyParamsB: 1.5,
      policyFamily: 'qwen2.5' as const,
      prmFamily: 'qwen2.5-math-prm' as const,
      budget,
    });
    expect(needsDifficulty(sameMethod, context(4))).toBe(true);
    expect(needsDifficulty(sameMethod, context(16))).toBe(false);
  });
});

describe('thresholdsFor', () => {
  it("prefers the model's calibrated thresholds", () => {
    const custom = {
      easyMinMeanFinalScore: 0.8,
      easyMinAgreement: 1,
      hardMaxMeanFinalScore: 0.2,
      hardBelowAgreement: 0.3,
      hardMinInvalidShare: 0.75,
    };
    const withModel = { ...table, thresholdsByModel: { 'qwen-1.5b': custom } };
    expect(thresholdsFor(withModel, 'qwen-1.5b')).toEqual(custom);
    expect(thresholdsFor(withModel, 'other')).toEqual(table.difficultyThresholds);
    expect(thresholdsFor(withModel, null)).toEqual(table.difficultyThresholds);
  });
});
