/** Small builders of eval problems and results for the unit tests. */
import { resultKey, type ArmName, type EvalProblem, type EvalResult } from '../../../src/eval';

export function problem(id: string, extra: Partial<EvalProblem> = {}): EvalProblem {
  return {
    id,
    problem: `What is ${id}?`,
    answer: '1',
    level: null,
    subject: null,
    difficulty: null,
    ...extra,
  };
}

export function result(
  arm: ArmName,
  budget: number,
  problemId: string,
  isCorrect: boolean,
  extra: Partial<EvalResult> = {},
): EvalResult {
  return {
    key: resultKey(arm, budget, problemId),
    arm,
    budget,
    problemId,
    model: 'm',
    seed: 1,
    gold: '1',
    predicted: isCorrect ? '1' : '2',
    isCorrect,
    method: arm === 'auto' ? 'beam_search' : arm,
    policyPromptTokens: 10,
    policyCompletionTokens: 100 * budget,
    prmTokens: arm === 'cot' || arm === 'majority' ? 0 : 50 * budget,
    prmCachedTokens: 0,
    goldShare: null,
    flops: {
      policy: 1e9 * budget,
      prm: arm === 'cot' || arm === 'majority' ? 0 : 2e9 * budget,
      total: (arm === 'cot' || arm === 'majority' ? 1e9 : 3e9) * budget,
    },
    latencyMs: 100,
    serverLatencyMs: 90,
    isDegraded: false,
    isSimulated: true,
    error: null,
    finishedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** Results of one cell from a string like "1101" (1 = correct), problems p1, p2, … */
export function cell(
  arm: ArmName,
  budget: number,
  grades: string,
  extra: Partial<EvalResult> = {},
): EvalResult[] {
  return [...grades].map((grade, index) =>
    result(arm, budget, `p${index + 1}`, grade === '1', extra),
  );
}
