import { generateProblems } from '../../../../src/sim';
import { judgeSteps } from '../../../../src/sim/world/judge-steps';
import { parseSolutionPrefix } from '../../../../src/sim/world/solution-prefix';
import { writeContinuation } from '../../../../src/sim/world/write-continuation';

const problems = generateProblems({ seed: 8, count: 120, difficulty: [0.3, 0.9] });

/** Last-step scores of sampled 1.5B solutions, split by whether the final answer is right. */
function lastScores(quality: number): { correct: number[]; wrong: number[] } {
  const result = { correct: [] as number[], wrong: [] as number[] };
  for (const { problem, answer } of problems) {
    const solution = writeContinuation(parseSolutionPrefix(problem), {
      style: 'plain',
      family: 'qwen2.5',
      paramsB: 1.5,
      sampling: { seed: 1, temperature: 0.7, diversity: 0.7 },
    });
    const steps = solution.split('\n\n');
    const scores = judgeSteps(problem, steps, { seed: 2, quality });
    (solution.includes(`\\boxed{${answer}}`) ? result.correct : result.wrong).push(
      scores[scores.length - 1] ?? NaN,
    );
  }
  return result;
}

const mean = (values: number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describe('judgeSteps', () => {
  it('separates correct from wrong paths perfectly at quality 1', () => {
    const { correct, wrong } = lastScores(1);
    expect(Math.min(...correct)).toBeGreaterThan(Math.max(...wrong));
  });

  it('is informative but noisy at quality 0.5 and uninformative at quality 0', () => {
    const weak = lastScores(0.5);
    expect(mean(weak.correct)).toBeGreaterThan(mean(weak.wrong) + 0.15);
    expect(Math.min(...weak.correct)).toBeLessThan(Math.max(...weak.wrong));
    const blind = lastScores(0);
    expect(Math.abs(mean(blind.correct) - mean(blind.wrong))).toBeLessThan(0.15);
  });

  it('depends on the seed and is deterministic for a given seed and text', () => {
    const steps = ['Some step = 4.', 'Another step = 9.'];
    expect(judgeSteps('Q?', steps, { seed: 1, quality: 0.8 })).toEqual(
      judgeSteps('Q?', steps, { seed: 1, quality: 0.8 }),
    );
    expect(judgeSteps('Q?', steps, { seed: 1, quality: 0.8 })).not.toEqual(
      judgeSteps('Q?', steps, { seed: 2, quality: 0.8 }),
    );
  });
});
