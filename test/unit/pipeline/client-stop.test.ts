import { applyClientStop, cutAtStop } from '../../../src/pipeline/client-stop';
import type { SolveResult } from '../../../src/pipeline/solve-types';

describe('cutAtStop', () => {
  it('cuts before the earliest stop string, whichever of them comes first in the text', () => {
    expect(cutAtStop('Step 1.\nStep 2. \\boxed{4}', ['\n'])).toBe('Step 1.');
    expect(cutAtStop('a END b STOP c', ['STOP', 'END'])).toBe('a ');
    expect(cutAtStop('STOP at once', ['STOP'])).toBe('');
  });

  it('leaves the text alone when no stop occurs, and skips empty strings', () => {
    expect(cutAtStop('no match here', ['###'])).toBeNull();
    expect(cutAtStop('text', [''])).toBeNull();
    expect(cutAtStop('text', [])).toBeNull();
  });
});

describe('applyClientStop', () => {
  function result(texts: string[]): SolveResult {
    return {
      choices: texts.map((text) => ({ text, answer: '4', finishReason: 'length' as const })),
      promptTokens: 10,
      completionTokens: 100,
      answerTokens: 20,
      metadata: { warnings: [] } as unknown as SolveResult['metadata'],
    };
  }

  it('cuts each choice that holds a stop, marks it finished by `stop`, and says how many', () => {
    const solved = result(['one\ntwo', 'no newline']);
    applyClientStop(solved, ['\n']);
    expect(solved.choices.map((choice) => [choice.text, choice.finishReason])).toEqual([
      ['one', 'stop'],
      ['no newline', 'length'],
    ]);
    expect(solved.metadata.warnings).toEqual([
      expect.objectContaining({
        code: 'stop-applied',
        message: expect.stringMatching(/^1 choice/),
      }),
    ]);
  });

  it('adds no warning when nothing was cut', () => {
    const solved = result(['plain']);
    applyClientStop(solved, ['\n']);
    applyClientStop(solved, []);
    expect(solved.choices[0]?.text).toBe('plain');
    expect(solved.metadata.warnings).toEqual([]);
  });
});
