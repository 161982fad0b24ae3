import {
  expandPaths,
  ROOT_PATH,
  stepTokenCaps,
  toCandidate,
  type SearchPath,
} from '../../../src/tts/expand-paths';
import { continuation as c } from './fakes';

// Every parent's call capped at 100 tokens (a test with more parents than this lists caps itself).
const LIMITS = { stepMaxTokens: [100, 100, 100], maxTotalTokens: 1000 };
const parent = (text: string, steps: string[], completionTokens = 10): SearchPath => ({
  text,
  steps,
  stepScores: steps.map(() => 0.5),
  completionTokens,
});

describe('expandPaths', () => {
  it('appends each continuation to its parent, in parent then sample order', () => {
    const parents = [parent('a\n\n', ['a']), parent('b\n\n', ['b'])];
    const { children } = expandPaths(
      parents,
      [[c('x\n\n', 'stop-sequence')], [c('y\n\n', 'stop-sequence', 7)]],
      LIMITS,
    );
    expect(
      children.map((child) => [
        child.parentIndex,
        child.sampleIndex,
        child.path.text,
        child.path.steps,
        child.finish,
      ]),
    ).toEqual([
      [0, 0, 'a\n\nx\n\n', ['a', 'x'], null],
      [1, 0, 'b\n\ny\n\n', ['b', 'y'], null],
    ]);
    expect(children[1]?.path.completionTokens).toBe(17);
    expect(children.every((child) => child.needsScore)).toBe(true);
  });

  it('keeps identical steps once per parent, but under different parents both', () => {
    const result = expandPaths(
      [parent('a\n\n', ['a']), parent('b\n\n', ['b'])],
      [[c('x\n\n', 'stop-sequence'), c('x\n\n', 'stop-sequence')], [c('x\n\n', 'stop-sequence')]],
      LIMITS,
    );
    expect(result.children.map((child) => child.path.text)).toEqual(['a\n\nx\n\n', 'b\n\nx\n\n']);
    expect(result.droppedDuplicates).toBe(1);
  });

  it('keeps siblings that differ only in surrounding whitespace once, the first as written (review 26 paper L4)', () => {
    const result = expandPaths(
      [parent('a\n\n', ['a'])],
      [[c(' x\n\n', 'stop-sequence'), c('x\n\n', 'stop-sequence'), c('y\n\n', 'stop-sequence')]],
      LIMITS,
    );
    expect(result.children.map((child) => child.path.text)).toEqual(['a\n\n x\n\n', 'a\n\ny\n\n']);
    expect(result.droppedDuplicates).toBe(1);
  });

  it('keeps a finished step and an open one with the same trimmed text both', () => {
    const result = expandPaths(
      [parent('a\n\n', ['a'])],
      [[c('x', 'eos'), c('x\n\n', 'stop-sequence')]],
      LIMITS,
    );
    expect(result.children.map((child) => [child.path.text, child.finish])).toEqual([
      ['a\n\nx', 'eos'],
      ['a\n\nx\n\n', null],
    ]);
    expect(result.droppedDuplicates).toBe(0);
  });

  it('finishes a step with \\boxed as answer and an EOS without it as eos', () => {
    const { children } = expandPaths(
      [ROOT_PATH],
      [[c('so \\boxed{1}\n\n', 'stop-sequence'), c('so \\boxed{2}', 'eos'), c('done', 'eos')]],
      LIMITS,
    );
    expect(children.map((child) => child.finish)).toEqual(['answer', 'answer', 'eos']);
    expect(children[0]?.path.steps).toEqual(['so \\boxed{1}']);
  });

  it('drops a step cut by the per-step cap but finishes one cut by the solution budget as length', () => {
    const perStep = expandPaths(
      [parent('a\n\n', ['a'], 10)],
      [[c('cut \\boxed{', 'length', 100)]],
      LIMITS,
    );
    expect(perStep.children).toEqual([]);
    expect(perStep.droppedTruncated).toBe(1);

    const atBudget = expandPaths(
      [parent('a\n\n', ['a'], 900)],
      [[c('cut \\boxed{', 'length', 100)]],
      LIMITS,
    );
    expect(atBudget.children.map((child) => [child.finish, child.path.completionTokens])).toEqual([
      ['length', 1000],
    ]);
  });

  it('finishes a complete step that spends the last of the budget as length', () => {
    const { children } = expandPaths(
      [parent('a\n\n', ['a'], 950)],
      [[c('b\n\n', 'stop-sequence', 50)]],
      LIMITS,
    );
    expect(children[0]?.finish).toBe('length');
  });

  it('drops empty steps, except an EOS right after a step, which finishes the parent as it is', () => {
    const after = expandPaths(
      [parent('a\n\n', ['a'])],
      [[c('', 'eos', 1), c('\n\n', 'stop-sequence')]],
      LIMITS,
    );
    expect(after.children).toEqual([
      {
        parentIndex: 0,
        sampleIndex: 0,
        path: { text: 'a\n\n', steps: ['a'], stepScores: [0.5], completionTokens: 11 },
        finish: 'eos',
        needsScore: false,
        endsUnchanged: true,
      },
    ]);
    expect(after.droppedEmpty).toBe(1);

    const atRoot = expandPaths([ROOT_PATH], [[c('', 'eos'), c('  ', 'eos')]], LIMITS);
    expect(atRoot.children).toEqual([]);
    expect(atRoot.droppedEmpty).toBe(2);
  });
});

describe('stepTokenCaps', () => {
  it("is each path's per-step cap, lowered to what is left of its own budget only", () => {
    const options = { maxTokensPerStep: 100, maxTotalTokens: 1000 };
    expect(stepTokenCaps([ROOT_PATH], options)).toEqual([100]);
    // A beam near its budget no longer lowers the others' cap.
    expect(stepTokenCaps([parent('', [], 10), parent('', [], 950)], options)).toEqual([100, 50]);
    expect(stepTokenCaps([parent('', [], 1000)], options)).toEqual([1]);
  });
});

describe('expandPaths with caps per parent', () => {
  it("judges a 'length' step by its own parent's cap", () => {
    // Parent 0 far from its budget, capped per step at 100: its 100-token 'length' step was cut
    // by the step cap (dropped). Parent 1 at 950 of 1000, capped at 50: its 50-token 'length'
    // step spent the solution budget (finished as 'length').
    const result = expandPaths(
      [parent('a\n\n', ['a'], 10), parent('b\n\n', ['b'], 950)],
      [[c('cut', 'length', 100), c('x\n\n', 'stop-sequence', 20)], [c('end', 'length', 50)]],
      { stepMaxTokens: [100, 50], maxTotalTokens: 1000 },
    );
    expect(result.droppedTruncated).toBe(1);
    expect(result.children.map((child) => [child.parentIndex, child.finish])).toEqual([
      [0, null],
      [1, 'length'],
    ]);
  });
});

describe('toCandidate', () => {
  it('copies the path so later changes do not leak into results', () => {
    const path = parent('a\n\n', ['a']);
    const candidate = toCandidate(path, 'depth');
    path.steps.push('b');
    path.stepScores?.push(1);
    expect(candidate).toEqual({
      text: 'a\n\n',
      steps: ['a'],
      stepScores: [0.5],
      finish: 'depth',
      completionTokens: 10,
    });
  });
});
