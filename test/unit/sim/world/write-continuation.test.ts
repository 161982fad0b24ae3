import { generateProblems } from '../../../../src/sim';
import { parseSolutionPrefix } from '../../../../src/sim/world/solution-prefix';
import {
  writeContinuation,
  type ContinuationOptions,
} from '../../../../src/sim/world/write-continuation';

const problems = generateProblems({ seed: 31, count: 40 });
const greedy: ContinuationOptions = {
  style: 'plain',
  family: 'qwen2.5',
  paramsB: 1.5,
  sampling: null,
};

function sampled(seed: number): ContinuationOptions {
  return { ...greedy, sampling: { seed, temperature: 0.7, diversity: 0.7 } };
}

describe('writeContinuation', () => {
  it('writes "\\n\\n"-separated steps ending in exactly one \\boxed step', () => {
    for (const { problem } of problems) {
      const steps = writeContinuation(parseSolutionPrefix(problem), greedy).split('\n\n');
      expect(steps.filter((step) => step.includes('\\boxed'))).toHaveLength(1);
      expect(steps[steps.length - 1]).toMatch(/\\boxed\{-?\d+\}/);
    }
  });

  it('completes a step cut off mid-sentence, then goes on', () => {
    const question = problems[0]?.problem ?? '';
    const whole = writeContinuation(parseSolutionPrefix(question), greedy);
    const cut = whole.slice(0, 40);
    const rest = writeContinuation(parseSolutionPrefix(`${question}\n\n${cut}`), greedy);
    expect(cut + rest).toBe(whole);
  });

  it('ends immediately (EOS) after a final answer', () => {
    const question = problems[1]?.problem ?? '';
    const whole = writeContinuation(parseSolutionPrefix(question), greedy);
    expect(writeContinuation(parseSolutionPrefix(`${question}\n\n${whole}`), greedy)).toBe('');
  });

  it('continues after foreign steps', () => {
    const question = problems[2]?.problem ?? '';
    const text = writeContinuation(
      parseSolutionPrefix(`${question}\n\nLet me think about this carefully.\n\n`),
      greedy,
    );
    expect(text).toMatch(/\\boxed\{-?\d+\}/);
  });

  it('gives sampled siblings mostly different wording, with occasional exact duplicates', () => {
    let duplicates = 0;
    let pairs = 0;
    for (const { problem } of problems) {
      const firstSteps = Array.from(
        { length: 8 },
        (_, seed) =>
          writeContinuation(parseSolutionPrefix(problem), sampled(seed)).split('\n\n')[0],
      );
      for (let i = 0; i < firstSteps.length; i++) {
        for (let j = i + 1; j < firstSteps.length; j++) {
          pairs++;
          if (firstSteps[i] === firstSteps[j]) duplicates++;
        }
      }
    }
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates / pairs).toBeLessThan(0.3);
  });

  it('lets a larger policy slip less often than a smaller one', () => {
    const correct = (paramsB: number): number =>
      problems.filter(({ problem, answer }) =>
        writeContinuation(parseSolutionPrefix(problem), { ...greedy, paramsB }).includes(
          `\\boxed{${answer}}`,
        ),
      ).length;
    expect(correct(72)).toBeGreaterThan(correct(0.5));
  });
});
