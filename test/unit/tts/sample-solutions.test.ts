import { sampleSolutions, solutionFinish } from '../../../src/tts/sample-solutions';
import { createSearchRun } from '../../../src/tts/search-run';
import { continuation as c, prepareRun } from './fakes';

describe('sampleSolutions', () => {
  it('draws count whole solutions in one call and splits them into steps', async () => {
    const run = prepareRun({
      options: { maxTotalTokens: 300 },
      script: () => c('a\n\nb \\boxed{2}', 'eos', 7),
    });
    const candidates = await sampleSolutions(createSearchRun(run.options, run.deps), 3, {
      temperature: 0.5,
      topP: 0.9,
    });
    expect(run.policy.calls[0]).toMatchObject({
      prefixes: [''],
      params: { n: 3, stop: [], maxTokens: 300, temperature: 0.5, topP: 0.9 },
    });
    expect(candidates).toHaveLength(3);
    expect(candidates[0]).toEqual({
      text: 'a\n\nb \\boxed{2}',
      steps: ['a', 'b \\boxed{2}'],
      stepScores: null,
      finish: 'answer',
      completionTokens: 7,
    });
  });
});

describe('solutionFinish', () => {
  it('is length when truncated, answer with \\boxed, eos otherwise', () => {
    expect(solutionFinish(c('\\boxed{1}', 'length'))).toBe('length');
    expect(solutionFinish(c('\\boxed{1}', 'eos'))).toBe('answer');
    expect(solutionFinish(c('no box', 'eos'))).toBe('eos');
  });
});
