import { InvalidUpstreamResponseError } from '../../../src/errors';
import {
  createMathShepherdFamily,
  getPrmFamily,
  outcome,
  preparePrmTokens,
  qwenMathPrm,
  skyworkO1,
} from '../../../src/prm';

describe('preparePrmTokens', () => {
  const options = { maxTokens: 100, upstream: 'prm' };

  it('records placeholder positions before the swap and hands them to readScores', () => {
    const input = skyworkO1.render('Q', ['a', 'b']);
    const tokenized = [151643, 11, 198, 21, 151652, 22, 151652];
    const prepared = preparePrmTokens(skyworkO1, input, tokenized, options);
    expect(prepared).toEqual({
      ids: [151643, 11, 198, 21, 198, 22, 198],
      scorePositions: [4, 6],
      droppedTokens: 0,
      droppedSteps: 0,
    });
    const values = [0, 0, 0, 0, 0, 0, 0];
    expect(
      skyworkO1.readScores(values, {
        stepCount: 2,
        tokenIds: prepared.ids,
        scorePositions: prepared.scorePositions,
        upstream: 'prm',
      }),
    ).toEqual([0.5, 0.5]);
  });

  it('cuts from the left and reports steps whose marker was cut', () => {
    const input = qwenMathPrm.render('Q', ['a', 'b', 'c']);
    const tokenized = [1, 2, 3, 151651, 4, 151651, 5, 151651, 6];
    const prepared = preparePrmTokens(qwenMathPrm, input, tokenized, { ...options, maxTokens: 4 });
    expect(prepared.ids).toEqual([151651, 5, 151651, 6]);
    expect(prepared.scorePositions).toEqual([0, 2]);
    expect(prepared.droppedSteps).toBe(1);
  });

  it("keeps the BOS when it cuts: the family's own (Skywork) or the tokenizer's (add_special_tokens)", () => {
    const input = skyworkO1.render('Q', ['a', 'b']);
    const tokenized = [151643, 11, 12, 198, 21, 151652, 22, 151652];
    const prepared = preparePrmTokens(skyworkO1, input, tokenized, { ...options, maxTokens: 5 });
    expect(prepared.ids).toEqual([151643, 21, 198, 22, 198]);
    // The cut reached into what led to step 'a' (its question): 'a' is not read, 'b' is.
    expect(prepared.scorePositions).toEqual([4]);
    expect(prepared.droppedSteps).toBe(1);
    expect(prepared.droppedTokens).toBe(3);
    const added = { ...qwenMathPrm.render('Q', ['a', 'b']), addSpecialTokens: true };
    expect(
      preparePrmTokens(qwenMathPrm, added, [1, 2, 3, 151651, 4, 151651], {
        ...options,
        maxTokens: 4,
      }).ids,
    ).toEqual([1, 151651, 4, 151651]);
    // A family without a BOS is cut plainly from the left.
    expect(
      preparePrmTokens(qwenMathPrm, qwenMathPrm.render('Q', ['a']), [1, 2, 151651], {
        ...options,
        maxTokens: 2,
      }).ids,
    ).toEqual([2, 151651]);
  });

  it('refuses a tokenization whose marker count differs from the steps', () => {
    const input = qwenMathPrm.render('Q', ['a', 'b']);
    expect(() => preparePrmTokens(qwenMathPrm, input, [1, 151651, 2], options)).toThrow(
      InvalidUpstreamResponseError,
    );
  });

  it('accepts a sequence scorer, which has no per-step markers', () => {
    const input = outcome.render('Q', ['a', 'b']);
    const prepared = preparePrmTokens(outcome, input, [151644, 9, 151645, 198], options);
    expect(prepared.droppedSteps).toBe(0);
    expect(prepared.ids).toEqual([151644, 9, 151645, 198]);
  });

  // Review 25 (F2, F3): a cut that reaches into the first step it leaves. Ids are made up: the
  // markers' ids are the families' own (math-shepherd.ts, rlhflow.ts).
  it("does not read the first step a cut reaches into: Math-Shepherd's tag cut from under its position", () => {
    const shepherd = createMathShepherdFamily({ readout: 'prompt-logprobs' });
    const input = shepherd.render('Q', ['a', 'b']);
    // BOS, question, 'a', ки, '\n', 'b', ки, '\n': the cut keeps the '\n' after step a's tag.
    const ids = [1, 1001, 1002, 12902, 13, 1003, 12902, 13];
    const prepared = preparePrmTokens(shepherd, input, ids, { ...options, maxTokens: 5 });
    expect(prepared.ids).toEqual([1, 13, 1003, 12902, 13]);
    expect(prepared.scorePositions).toEqual([4]);
    expect(prepared.droppedSteps).toBe(1);
    const entry = { '648': { logprob: -0.5 }, '387': { logprob: -1 } };
    const raw = [null, entry, entry, entry, entry];
    const scores = shepherd.readScores(raw, {
      stepCount: 2 - prepared.droppedSteps,
      tokenIds: prepared.ids,
      scorePositions: prepared.scorePositions,
      upstream: 'prm',
    });
    expect(scores).toHaveLength(1);
  });

  it("does not read RLHFlow's first assistant '+' when the cut leaves it right after the BOS", () => {
    const rlhflow = getPrmFamily('rlhflow');
    const input = rlhflow.render('Q', ['a', 'b']);
    const ids = [
      128000, 128006, 882, 128007, 271, 2001, 128009, 128006, 78191, 128007, 271, 10, 128009,
      128006, 882, 128007, 271, 2002, 128009, 128006, 78191, 128007, 271, 10, 128009,
    ];
    const prepared = preparePrmTokens(rlhflow, input, ids, {
      ...options,
      maxTokens: ids.length - 10,
    });
    expect(prepared.ids.slice(0, 2)).toEqual([128000, 10]);
    // Only the second step's '+' is read, in its whole turn.
    expect(prepared.scorePositions).toHaveLength(1);
    expect(prepared.ids[prepared.scorePositions[0] as number]).toBe(10);
    expect(prepared.scorePositions[0]).toBeGreaterThan(5);
    expect(prepared.droppedSteps).toBe(1);
  });
});
