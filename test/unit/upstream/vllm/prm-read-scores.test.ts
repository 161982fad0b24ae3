import {
  configurePrmFamily,
  LabelOutsideTopLogprobsError,
  type PrmFamily,
} from '../../../../src/prm';
import { InvalidUpstreamResponseError } from '../../../../src/errors';
import { readPathScores } from '../../../../src/upstream/vllm/prm-read-scores';
import { extractRaw, loadPrmFixture, type PrmFixture } from '../../prm/prm-fixture';

type Entry = Record<string, { logprob: number; rank: number }> | null;

/**
 * What vLLM answers at `prompt_logprobs: k` for the distributions of a full answer: the entries of
 * rank ≤ k plus the prompt's own token at each position (vllm/v1/sample/sampler.py
 * `gather_logprobs` @3e342658; vllm/v1/engine/logprobs.py `_make_logprob_dict` @dfafe710).
 */
function atTopK(raw: readonly Entry[], sentIds: readonly number[], k: number): Entry[] {
  return raw.map((entry, position) => {
    if (entry === null) return null;
    const kept: Record<string, { logprob: number; rank: number }> = {};
    for (const [id, value] of Object.entries(entry)) {
      if (value.rank <= k || Number(id) === sentIds[position]) kept[id] = value;
    }
    return kept;
  });
}

const CASES: [string, PrmFamily][] = [
  ['rlhflow.json', configurePrmFamily('rlhflow', undefined).family],
  ['math-shepherd-prompt-logprobs.json', configurePrmFamily('math-shepherd', undefined).family],
];

describe('readPathScores over the golden fixtures: a small k reads what k = 20 read', () => {
  describe.each(CASES)('%s', (fileName, family) => {
    const fixture: PrmFixture = loadPrmFixture(fileName);
    const ids = fixture.tokenIds;
    if (ids === null) throw new Error('fixture needs token ids');
    const full = extractRaw(fixture.response, fixture.rawPath) as Entry[];
    const context = {
      stepCount: fixture.steps.length,
      tokenIds: ids.sent,
      scorePositions: ids.scorePositions,
      upstream: 'prm',
    };
    const atFull = family.readScores(full, context);

    it.each([1, 2, 3, 5, 20])('k = %i', async (k) => {
      const asked: (readonly number[])[] = [];
      const result = await readPathScores({
        family,
        raws: [atTopK(full, ids.sent, k)],
        contexts: [context],
        reask: (indices) => {
          asked.push(indices);
          return Promise.resolve({ raws: indices.map(() => full), promptTokens: 7 });
        },
        upstream: 'prm',
      });
      expect(result.scores).toEqual([atFull]);
      fixture.expectedScores.forEach((score, step) =>
        expect(result.scores[0]?.[step]).toBeCloseTo(score, 12),
      );
      // Asked again exactly when a label at a score position ranked below k (and is not the token).
      const { plusTokenId, minusTokenId } = family.readout as {
        plusTokenId: number;
        minusTokenId: number;
      };
      const misses = ids.scorePositions.some((position) =>
        [plusTokenId, minusTokenId].some(
          (id) => (full[position]?.[String(id)]?.rank ?? 0) > k && ids.sent[position] !== id,
        ),
      );
      expect(asked).toEqual(misses ? [[0]] : []);
      expect(result.promptTokens).toBe(misses ? 7 : 0);
    });
  });
});

describe('readPathScores', () => {
  const family = configurePrmFamily('math-shepherd', undefined).family;
  // "<s> a ки \n b ки \n": score positions 3 and 6 (the entry after each ки, id 12902).
  const sent = [1, 100, 12902, 13, 101, 12902, 13];
  const context = { stepCount: 2, tokenIds: sent, upstream: 'prm' };
  const entry = (plus: number | null, minus: number | null): Entry => ({
    '13': { logprob: -5, rank: 3 },
    ...(plus === null ? {} : { '648': { logprob: plus, rank: 1 } }),
    ...(minus === null ? {} : { '387': { logprob: minus, rank: 2 } }),
  });
  const raw = (third: Entry): Entry[] => [null, {}, {}, entry(-0.1, -2.4), {}, {}, third];

  it('asks once for all the paths that missed a label, and only for them, in payload order', async () => {
    const asked: (readonly number[])[] = [];
    const result = await readPathScores({
      family,
      raws: [raw(entry(-0.2, null)), raw(entry(-0.3, -1.5)), raw(entry(null, -0.1))],
      contexts: [context, context, context],
      reask: (indices) => {
        asked.push(indices);
        return Promise.resolve({
          raws: [raw(entry(-0.2, -9)), raw(entry(-8, -0.1))],
          promptTokens: 14,
        });
      },
      upstream: 'prm',
    });
    expect(asked).toEqual([[0, 2]]);
    expect(result.promptTokens).toBe(14);
    const p = (plus: number, minus: number): number =>
      Math.exp(plus) / (Math.exp(plus) + Math.exp(minus));
    expect(result.scores[0]?.[1]).toBeCloseTo(p(-0.2, -9), 12);
    expect(result.scores[1]?.[1]).toBeCloseTo(p(-0.3, -1.5), 12);
    expect(result.scores[2]?.[1]).toBeCloseTo(p(-8, -0.1), 12);
  });

  it('refuses as before when the label is missing at the maximum too', async () => {
    await expect(
      readPathScores({
        family,
        raws: [raw(entry(-0.2, null))],
        contexts: [context],
        reask: () => Promise.resolve({ raws: [raw(entry(-0.2, null))], promptTokens: 7 }),
        upstream: 'prm',
      }),
    ).rejects.toBeInstanceOf(LabelOutsideTopLogprobsError);
  });

  it('does not ask again for any other invalid answer', async () => {
    const reask = jest.fn();
    await expect(
      readPathScores({
        family,
        raws: [[null, {}]],
        contexts: [context],
        reask,
        upstream: 'prm',
      }),
    ).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
    expect(reask).not.toHaveBeenCalled();
  });

  it('refuses an answer again with a different number of results', async () => {
    await expect(
      readPathScores({
        family,
        raws: [raw(entry(-0.2, null))],
        contexts: [context],
        reask: () => Promise.resolve({ raws: [], promptTokens: 0 }),
        upstream: 'prm',
      }),
    ).rejects.toThrow(/expected 1 results, got 0/);
  });
});
