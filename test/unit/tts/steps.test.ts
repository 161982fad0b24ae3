import { containsAnswer, splitSteps, STEP_SEPARATOR, stepOf } from '../../../src/tts/steps';

describe('splitSteps', () => {
  it('splits on blank lines without keeping the separators', () => {
    expect(splitSteps('a\n\nb\n\nc')).toEqual(['a', 'b', 'c']);
  });

  it('drops empty and whitespace-only pieces', () => {
    expect(splitSteps('\n\na\n\n\n\n  \n\nb\n\n')).toEqual(['a', 'b']);
    expect(splitSteps('')).toEqual([]);
  });

  it('keeps single newlines inside a step', () => {
    expect(splitSteps('line 1\nline 2\n\nnext')).toEqual(['line 1\nline 2', 'next']);
  });

  it('agrees with step-wise generation: prefix + continuation splits into the steps so far', () => {
    const continuations = ['Step 1\n\n', 'Step 2\n\n', 'so \\boxed{3}'];
    expect(splitSteps(continuations.join(''))).toEqual(continuations.map(stepOf));
  });
});

describe('stepOf', () => {
  it('removes the trailing separator a stop string leaves', () => {
    expect(stepOf(`Step 1${STEP_SEPARATOR}`)).toBe('Step 1');
  });

  it('leaves a step ended by EOS or truncation unchanged', () => {
    expect(stepOf('final \\boxed{1}')).toBe('final \\boxed{1}');
    expect(stepOf('cut mid')).toBe('cut mid');
  });
});

describe('containsAnswer', () => {
  it('is true when the step contains \\boxed', () => {
    expect(containsAnswer('so the answer is $\\boxed{12}$.')).toBe(true);
    expect(containsAnswer('so the answer is 12.')).toBe(false);
  });
});
