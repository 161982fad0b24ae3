import { expandPaths, ROOT_PATH } from '../../../src/tts/expand-paths';
import { bestValue, rankChildren, scoreChildren } from '../../../src/tts/score-children';
import { createSearchRun } from '../../../src/tts/search-run';
import { continuation as c, prepareRun, tableScorer } from './fakes';

function children() {
  return expandPaths(
    [ROOT_PATH],
    [[c('a\n\n', 'stop-sequence'), c('b\n\n', 'stop-sequence'), c('c\n\n', 'stop-sequence')]],
    { stepMaxTokens: [100], maxTotalTokens: 1000 },
  ).children;
}

describe('scoreChildren', () => {
  it('scores every new child in one verifier call and stores the scores', async () => {
    const run = prepareRun({ scorer: tableScorer({ a: 0.1, b: 0.9, c: 0.5 }) });
    const list = children();
    await scoreChildren(createSearchRun(run.options, run.deps), list);
    expect(run.verifier.calls.map((call) => call.paths)).toEqual([[['a'], ['b'], ['c']]]);
    expect(list.map((child) => child.path.stepScores)).toEqual([[0.1], [0.9], [0.5]]);
  });

  it('makes no call when no child needs scores', async () => {
    const run = prepareRun();
    await scoreChildren(createSearchRun(run.options, run.deps), []);
    expect(run.verifier.calls).toHaveLength(0);
  });
});

describe('rankChildren', () => {
  it('orders by aggregated score, ties in generation order', () => {
    const list = children();
    list.forEach((child, i) => (child.path.stepScores = [[0.5, 0.9, 0.5][i] ?? 0]));
    expect(rankChildren(list, 'last').map((child) => child.path.text)).toEqual([
      'b\n\n',
      'a\n\n',
      'c\n\n',
    ]);
    expect(bestValue(list, 'last')).toBe(0.9);
    expect(bestValue([], 'last')).toBeNull();
  });

  it("ranks a parent the model ended right after its last step at 0, below a sibling's step (the reference's 0.0)", () => {
    const parent = { text: 'A\n\n', steps: ['A'], stepScores: [0.8], completionTokens: 10 };
    const list = expandPaths(
      [parent],
      [[c('', 'eos'), c('so \\boxed{1}', 'eos'), c('then \\boxed{2}', 'eos')]],
      { stepMaxTokens: [100], maxTotalTokens: 1000 },
    ).children;
    list.forEach((child) => {
      if (child.needsScore) child.path.stepScores = [0.8, 0.5];
    });
    expect(list.map((child) => child.endsUnchanged)).toEqual([true, false, false]);
    expect(rankChildren(list, 'last').map((child) => child.path.text)).toEqual([
      'A\n\nso \\boxed{1}',
      'A\n\nthen \\boxed{2}',
      'A\n\n',
    ]);
    expect(bestValue(list.slice(0, 1), 'last')).toBe(0);
  });
});
