import { type TableMethod } from '../../../src/select';
import {
  buildCalibrationProblems,
  calibrationRecordKey,
  calibrationRecordSchema,
  type CalibrationRecord,
} from '../../../src/calibrate';

function record(
  problemId: string,
  method: TableMethod,
  budget: number,
  overrides: Partial<CalibrationRecord> = {},
): CalibrationRecord {
  return {
    problemId,
    method,
    budget,
    isCorrect: true,
    policyTokens: 100 * budget,
    prmTokens: 0,
    samplesCorrect: 0,
    samplesTotal: 0,
    probe: Array.from({ length: Math.min(4, budget) }, (_, i) => ({
      answer: `${method}-${budget}-${i}`,
      stepScores: [0.5],
    })),
    ...overrides,
  };
}

describe('buildCalibrationProblems', () => {
  const records = [
    record('p1', 'majority', 4, { samplesCorrect: 4, samplesTotal: 4 }),
    record('p1', 'majority', 16, { samplesCorrect: 4, samplesTotal: 16 }),
    record('p1', 'best_of_n', 4, { isCorrect: false }),
    record('p1', 'best_of_n', 16),
    record('p1', 'beam_search', 16),
    record('p2', 'best_of_n', 4),
  ];

  it('takes Pass@1 from the majority samples at the largest budget', () => {
    const { problems } = buildCalibrationProblems(records, { hasPrm: true });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.passAt1).toBe(0.25);
  });

  // Regression: one probe (Best-of-N at the smallest budget) used to bin every budget, so at N=4
  // the bin and the BoN@4 outcome came from the same 4 samples, and N=16 was binned by N=4's run.
  it('takes each budget’s probe from its own Best-of-N run (majority without a PRM)', () => {
    const answers = (hasPrm: boolean) =>
      buildCalibrationProblems(records, { hasPrm }).problems[0]?.probes.map((probe) => ({
        budget: probe.budget,
        answers: probe.samples.map((p) => p.answer),
      }));
    expect(answers(true)).toEqual([
      { budget: 4, answers: ['best_of_n-4-0', 'best_of_n-4-1', 'best_of_n-4-2', 'best_of_n-4-3'] },
      {
        budget: 16,
        answers: ['best_of_n-16-0', 'best_of_n-16-1', 'best_of_n-16-2', 'best_of_n-16-3'],
      },
    ]);
    expect(answers(false)?.map((probe) => probe.budget)).toEqual([4, 16]);
    expect(answers(false)?.[0]?.answers[0]).toBe('majority-4-0');
  });

  it('keeps every method × budget outcome', () => {
    const outcomes = buildCalibrationProblems(records, { hasPrm: true }).problems[0]?.outcomes;
    expect(outcomes).toHaveLength(5);
    expect(outcomes).toContainEqual({
      method: 'best_of_n',
      budget: 4,
      isCorrect: false,
      policyTokens: 400,
    });
  });

  it('skips a problem without majority samples, saying why', () => {
    expect(buildCalibrationProblems(records, { hasPrm: true }).skipped).toEqual([
      { problemId: 'p2', reason: 'no majority-vote samples for Pass@1' },
    ]);
  });
});

describe('calibrationRecordKey / calibrationRecordSchema', () => {
  it('keys by problem, method and budget, and validates records strictly', () => {
    expect(calibrationRecordKey(record('a', 'dvts', 16))).not.toBe(
      calibrationRecordKey(record('a', 'dvts', 64)),
    );
    expect(calibrationRecordSchema.safeParse(record('a', 'dvts', 16)).success).toBe(true);
    expect(
      calibrationRecordSchema.safeParse({ ...record('a', 'dvts', 16), extra: 1 }).success,
    ).toBe(false);
  });
});
