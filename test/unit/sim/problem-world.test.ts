import {
  describeProblem,
  expectedPassAtOne,
  expectedStepCorrectProbability,
  generateProblems,
  startSimulator,
  type RunningSimulator,
} from '../../../src/sim';
import { list, num, postJson, qwenPrompt, QWEN_SYSTEM, text } from './sim-test-helpers';

describe('describeProblem', () => {
  it('is deterministic and normalises whitespace and the usual instruction', () => {
    const question = 'What is the sum of the first 10 odd numbers?';
    const a = describeProblem(question);
    expect(describeProblem(`  What is the sum of the first 10   odd numbers?\n`)).toEqual(a);
    expect(describeProblem(`${question}\n${QWEN_SYSTEM}`)).toEqual(a);
    expect(a.numSteps).toBeGreaterThanOrEqual(3);
    expect(a.numSteps).toBeLessThanOrEqual(8);
    expect(a.difficulty).toBeGreaterThanOrEqual(0);
    expect(a.difficulty).toBeLessThanOrEqual(1);
    expect(a.answer).toMatch(/^-?\d+$/);
    expect(a.distractors.length).toBeGreaterThanOrEqual(2);
    expect(a.distractors.length).toBeLessThanOrEqual(4);
    expect(new Set([a.answer, ...a.distractors]).size).toBe(a.distractors.length + 1);
  });

  it('maps different questions to different problems', () => {
    const answers = new Set(
      generateProblems({ seed: 1, count: 50 }).map(
        (problem) => describeProblem(problem.problem).answer,
      ),
    );
    expect(answers.size).toBeGreaterThan(35);
  });
});

describe('generateProblems', () => {
  it('is reproducible and respects the difficulty range', () => {
    const a = generateProblems({ seed: 5, count: 20, difficulty: [0.7, 0.9] });
    expect(generateProblems({ seed: 5, count: 20, difficulty: [0.7, 0.9] })).toEqual(a);
    expect(a).toHaveLength(20);
    for (const problem of a) {
      expect(problem.difficulty).toBeGreaterThanOrEqual(0.7);
      expect(problem.difficulty).toBeLessThanOrEqual(0.9);
      expect(describeProblem(problem.problem).answer).toBe(problem.answer);
    }
  });
});

describe('expectedStepCorrectProbability', () => {
  it('grows with model size and falls with difficulty', () => {
    expect(expectedStepCorrectProbability(7, 0.5)).toBeGreaterThan(
      expectedStepCorrectProbability(1.5, 0.5),
    );
    expect(expectedStepCorrectProbability(1.5, 0.2)).toBeGreaterThan(
      expectedStepCorrectProbability(1.5, 0.8),
    );
    expect(expectedStepCorrectProbability(72, 0)).toBeLessThanOrEqual(1);
  });

  it('gives a 1.5B policy a mix of easy, medium and hard problems', () => {
    const bins = { easy: 0, medium: 0, hard: 0 };
    for (const problem of generateProblems({ seed: 2, count: 400 })) {
      const pass = expectedPassAtOne(1.5, problem.difficulty);
      if (pass >= 0.5) bins.easy++;
      else if (pass >= 0.1) bins.medium++;
      else bins.hard++;
    }
    expect(bins.easy / 400).toBeGreaterThan(0.35);
    expect(bins.medium / 400).toBeGreaterThan(0.15);
    expect(bins.hard / 400).toBeGreaterThan(0.1);
  });
});

describe('the simulated world, end to end over HTTP', () => {
  const problems = generateProblems({ seed: 42, count: 200 });
  let small: RunningSimulator;
  let large: RunningSimulator;
  let prm: RunningSimulator;

  beforeAll(async () => {
    small = await startSimulator({
      role: 'policy',
      seed: 3,
      model: { servedName: 'sim-qwen-1.5b', paramsB: 1.5, family: 'qwen2.5' },
    });
    large = await startSimulator({
      role: 'policy',
      seed: 3,
      model: { servedName: 'sim-qwen-72b', paramsB: 72, family: 'qwen2.5' },
    });
    prm = await startSimulator({
      role: 'prm',
      seed: 3,
      // It judges the 1.5B policy's solutions below (the reward profile depends on the writer).
      model: {
        servedName: 'sim-qwen-prm',
        paramsB: 7,
        family: 'qwen2.5-math-prm',
        quality: 0.8,
        judgedPolicy: { family: 'qwen2.5', paramsB: 1.5 },
      },
    });
  });
  afterAll(async () => {
    await Promise.all([small.close(), large.close(), prm.close()]);
  });

  async function greedySolutions(server: RunningSimulator): Promise<string[]> {
    const response = await postJson(`${server.url}/v1/completions`, {
      prompt: problems.map((problem) => qwenPrompt(problem.problem)),
      temperature: 0,
      max_tokens: 4096,
    });
    expect(response.status).toBe(200);
    return list(response.body, 'choices').map((_, index) =>
      text(response.body, 'choices', index, 'text'),
    );
  }

  function finalAnswer(solution: string): string {
    return /\\boxed\{(-?\d+)\}/.exec(solution)?.[1] ?? '';
  }

  it('makes a 1.5B policy right about half the time, a 72B one more often, and the PRM tell them apart', async () => {
    const smallSolutions = await greedySolutions(small);
    const largeSolutions = await greedySolutions(large);
    const smallCorrect = smallSolutions.map(
      (solution, index) => finalAnswer(solution) === problems[index]?.answer,
    );
    const largeAccuracy =
      largeSolutions.filter((solution, index) => finalAnswer(solution) === problems[index]?.answer)
        .length / 200;
    const smallAccuracy = smallCorrect.filter(Boolean).length / 200;
    expect(smallAccuracy).toBeGreaterThan(0.38);
    expect(smallAccuracy).toBeLessThan(0.62);
    expect(largeAccuracy).toBeGreaterThan(smallAccuracy + 0.15);

    const pooled = await postJson(`${prm.url}/pooling`, {
      input: smallSolutions.map((solution, index) =>
        qwenPrompt(
          problems[index]?.problem ?? '',
          `${solution.split('\n\n').join('<extra_0>')}<extra_0><|im_end|>\n`,
        ),
      ),
    });
    expect(pooled.status).toBe(200);
    const lastScores = list(pooled.body, 'data').map((_, index) => {
      const pairs = list(pooled.body, 'data', index, 'data');
      return num(pairs[pairs.length - 1], 1);
    });
    const mean = (values: number[]): number =>
      values.reduce((sum, value) => sum + value, 0) / values.length;
    const correctMean = mean(lastScores.filter((_, index) => smallCorrect[index]));
    const wrongMean = mean(lastScores.filter((_, index) => !smallCorrect[index]));
    expect(correctMean).toBeGreaterThan(wrongMean + 0.4);
  });
});
