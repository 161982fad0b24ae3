import { createSkyworkO1Family, skyworkO1 } from '../../../src/prm';
import { runFamilyConformance } from './family-conformance';
import { loadPrmFixture } from './prm-fixture';

runFamilyConformance(skyworkO1, loadPrmFixture('skywork-o1.json'));

describe('skyworkO1', () => {
  const ids = [151643, 3001, 198, 3002, 198];

  it('replaces newlines inside a step by spaces so "\\n" only ends steps', () => {
    expect(skyworkO1.render('Q\nline 2', ['a\nb', 'c']).text).toBe(
      '<|endoftext|>Q\nline 2\na b<|vision_start|>c<|vision_start|>',
    );
  });

  it('requires the placeholder positions, since a swapped step token looks like any newline', () => {
    expect(() =>
      skyworkO1.readScores([0, 0, 0, 0, 1], { stepCount: 1, tokenIds: ids, upstream: 'prm' }),
    ).toThrow(/scorePositions/);
  });

  it('applies the sigmoid to value-head logits, flat or one-element rows', () => {
    const context = { stepCount: 2, tokenIds: ids, scorePositions: [2, 4], upstream: 'prm' };
    expect(skyworkO1.readScores([0, 0, 0, 0, 0], context)).toEqual([0.5, 0.5]);
    expect(skyworkO1.readScores([[9], [9], [0], [9], [0]], context)).toEqual([0.5, 0.5]);
  });

  it('takes values as given when the server already returns probabilities', () => {
    const family = createSkyworkO1Family({ valueKind: 'probability' });
    const context = { stepCount: 2, tokenIds: ids, scorePositions: [2, 4], upstream: 'prm' };
    expect(family.readScores([0, 0, 0.25, 0, 0.75], context)).toEqual([0.25, 0.75]);
    expect(() => family.readScores([0, 0, 2.5, 0, 0.75], context)).toThrow(/not a probability/);
  });

  it('lets the BOS text be configured', () => {
    const family = createSkyworkO1Family({ bosText: '<s>', bosTokenId: 1 });
    expect(family.render('Q', ['a']).text).toBe('<s>Q\na<|vision_start|>');
    expect(family.specialTokens).toContainEqual(expect.objectContaining({ text: '<s>', id: 1 }));
  });
});
