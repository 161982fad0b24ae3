import { InvalidUpstreamResponseError } from '../../../src/errors';
import { createMathShepherdFamily, mathShepherd } from '../../../src/prm';
import { runFamilyConformance } from './family-conformance';
import { loadPrmFixture } from './prm-fixture';

const logprobsFamily = createMathShepherdFamily({ readout: 'prompt-logprobs' });

runFamilyConformance(mathShepherd, loadPrmFixture('math-shepherd.json'));
runFamilyConformance(logprobsFamily, loadPrmFixture('math-shepherd-prompt-logprobs.json'));

describe('mathShepherd', () => {
  it('queries STEP pooling with [+, -] columns, P(+) first', () => {
    expect(mathShepherd.readout).toEqual({ kind: 'pooling-step-pairs', positiveIndex: 0 });
  });

  it('renormalises P(+) over the two labels', () => {
    const [score] = mathShepherd.readScores([[0.3, 0.1]], { stepCount: 1, upstream: 'prm' });
    expect(score).toBeCloseTo(0.75, 12);
  });

  it('removes the step tag from the question and steps so each step has exactly one', () => {
    expect(mathShepherd.render('Is ки a tag?', ['step ки one', 'two']).text).toBe(
      'Is  a tag? step  one ки\ntwo ки\n',
    );
  });

  it('lets the tokenizer add BOS, as the reference tokenizer.encode does', () => {
    expect(mathShepherd.render('q', ['a']).addSpecialTokens).toBe(true);
  });
});

describe('createMathShepherdFamily({ readout: "prompt-logprobs" })', () => {
  const bos = 1;
  const tag = 12902;
  const newline = 13;
  const ids = [bos, 1001, tag, newline];
  const entry = (
    logprobs: Record<string, number>,
  ): Record<string, { logprob: number; rank: number; decoded_token: string }> =>
    Object.fromEntries(
      Object.entries(logprobs).map(([id, logprob], rank) => [
        id,
        { logprob, rank: rank + 1, decoded_token: '?' },
      ]),
    );

  it('reads the entry right after each ки (predicted from the tag)', () => {
    expect(logprobsFamily.locateScorePositions(ids)).toEqual([3]);
    const raw = [
      null,
      entry({ 1001: -1 }),
      entry({ [tag]: -0.1 }),
      entry({ 648: Math.log(0.6), 387: Math.log(0.2) }),
    ];
    const [score] = logprobsFamily.readScores(raw, {
      stepCount: 1,
      tokenIds: ids,
      upstream: 'prm',
    });
    expect(score).toBeCloseTo(0.75, 12);
  });

  it('refuses the response when "-" is outside the returned top-k (never guesses)', () => {
    const raw = [
      null,
      entry({ 1001: -1 }),
      entry({ [tag]: -0.1 }),
      entry({ 648: -0.01, [newline]: -5 }),
    ];
    expect(() =>
      logprobsFamily.readScores(raw, { stepCount: 1, tokenIds: ids, upstream: 'prm' }),
    ).toThrow(/label token 387 is not in the returned prompt_logprobs/);
  });

  it('refuses prompt_logprobs that are not aligned with the prompt tokens', () => {
    const raw = [null, entry({ 1001: -1 })];
    expect(() =>
      logprobsFamily.readScores(raw, { stepCount: 1, tokenIds: ids, upstream: 'prm' }),
    ).toThrow(InvalidUpstreamResponseError);
  });
});
