import type { SearchPath } from '../../../src/tts/expand-paths';
import { finishUnguided } from '../../../src/tts/finish-unguided';
import { createSearchRun } from '../../../src/tts/search-run';
import { continuation as c, prepareRun, tableScript } from './fakes';

const path = (text: string, completionTokens: number): SearchPath => ({
  text,
  steps: [text.trim()],
  stepScores: [0.5],
  completionTokens,
});

describe('finishUnguided', () => {
  it('continues every path to EOS in a call of its own, capped by its own remaining budget, unscored', async () => {
    const run = prepareRun({
      options: { maxTotalTokens: 100 },
      script: tableScript({
        'a\n\n': [c('b\n\n\\boxed{1}', 'eos', 5)],
        'x\n\n': [c('y', 'length', 60)],
      }),
    });
    const search = createSearchRun(run.options, run.deps);
    const result = await finishUnguided(search, [
      path('a\n\n', 10),
      path('x\n\n', 40),
      path('z\n\n', 100),
    ]);
    expect(run.policy.calls).toEqual([
      expect.objectContaining({
        prefixes: ['a\n\n'],
        params: expect.objectContaining({ n: 1, stop: [], maxTokens: 90 }),
      }),
      expect.objectContaining({
        prefixes: ['x\n\n'],
        params: expect.objectContaining({ n: 1, stop: [], maxTokens: 60 }),
      }),
    ]);
    expect(result).toEqual([
      {
        text: 'a\n\nb\n\n\\boxed{1}',
        steps: ['a', 'b', '\\boxed{1}'],
        stepScores: null,
        finish: 'answer',
        completionTokens: 15,
      },
      {
        text: 'x\n\ny',
        steps: ['x', 'y'],
        stepScores: null,
        finish: 'length',
        completionTokens: 100,
      },
      { text: 'z\n\n', steps: ['z'], stepScores: null, finish: 'length', completionTokens: 100 },
    ]);
  });

  it('makes no call when no path has budget left', async () => {
    const run = prepareRun({ options: { maxTotalTokens: 10 } });
    const result = await finishUnguided(createSearchRun(run.options, run.deps), [
      path('a\n\n', 10),
    ]);
    expect(run.policy.calls).toHaveLength(0);
    expect(result.map((candidate) => candidate.finish)).toEqual(['length']);
  });
});
