import { UpstreamError } from '../../../../src/errors';
import { configurePrmFamily } from '../../../../src/prm';
import { createPrmVerifier } from '../../../../src/upstream';
import { createSeededRandom, takeUpstreamCallsFrom } from '../../../../src/util';
import { createFakeUpstreamClient, type FakeCall } from '../fake-upstream-client';
import { uncachedVerifier, withPrmSim } from './with-prm-sim';

const WORDS = [
  'we',
  'add',
  '17',
  'times',
  '23',
  'so',
  'the',
  'total',
  'is',
  '391',
  'then',
  'minus',
];

/** Seeded paths of 1-8 steps of 3-20 words. */
function seededPaths(seed: number, count: number): string[][] {
  const random = createSeededRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + pick(8) }, () =>
      Array.from({ length: 3 + pick(18) }, () => WORDS[pick(WORDS.length)]).join(' '),
    ),
  );
}

describe.each(['rlhflow', 'math-shepherd'] as const)(
  '%s against the simulator: scores read at k = 2 equal those at k = 20',
  (name) => {
    it.each([11, 12, 13])('seed %i, 16 paths, one upstream call', async (seed) => {
      const setup = { seed, paramsB: 8, quality: 0.7, maxModelLen: 8192 };
      await withPrmSim(
        name,
        async (client, model) => {
          const { verifier, family } = uncachedVerifier(name, client, model, {
            maxInputTokens: 8192,
          });
          const question = `What is ${seed} * 23 - 5?`;
          const paths = seededPaths(seed, 16);
          const result = await verifier.score(question, paths);
          expect(result.calls).toBe(1);
          // The old readout: the same texts at prompt_logprobs 20, read by the family.
          const inputs = paths.map((steps) => family.render(question, steps));
          const old = (await client.postJson('/v1/completions', {
            model,
            prompt: inputs.map((input) => input.text),
            max_tokens: 1,
            temperature: 0,
            prompt_logprobs: 20,
            add_special_tokens: inputs[0]?.addSpecialTokens,
            return_token_ids: true,
          })) as { choices: { prompt_logprobs: unknown; prompt_token_ids: number[] }[] };
          const expected = old.choices.map((choice, i) =>
            family.readScores(choice.prompt_logprobs, {
              stepCount: paths[i]?.length ?? 0,
              tokenIds: choice.prompt_token_ids,
              upstream: 'prm',
            }),
          );
          expect(result.scores).toEqual(expected);
        },
        setup,
      );
    });
  },
);

describe('createPrmVerifier with a label outside the first top k', () => {
  const { family } = configurePrmFamily('math-shepherd', undefined);
  // "<s> a ки \n b ки \n": score positions 3 and 6 (the entry after each ки, id 12902).
  const ids = [1, 100, 12902, 13, 101, 12902, 13];
  const entry = (withMinus: boolean): Record<string, { logprob: number; rank: number }> => ({
    '13': { logprob: -6, rank: 3 },
    '648': { logprob: -0.1, rank: 1 },
    ...(withMinus ? { '387': { logprob: -2.5, rank: 2 } } : {}),
  });
  /** Path "b" misses "-" at its second step unless asked with k = 20. */
  function answer(call: FakeCall): unknown {
    const body = call.body as { prompt: string[]; prompt_logprobs: number };
    return {
      choices: body.prompt.map((prompt, index) => ({
        index,
        text: '',
        finish_reason: 'length',
        prompt_token_ids: ids,
        prompt_logprobs: [
          null,
          {},
          {},
          entry(true),
          {},
          {},
          entry(body.prompt_logprobs >= 20 || !prompt.includes('b')),
        ],
      })),
      usage: { prompt_tokens: 7 * body.prompt.length },
    };
  }

  it('asks k = 2 first, then k = 20 for the missing path only: two calls, both counted', async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = answer;
    const verifier = createPrmVerifier({
      client,
      servedName: 'm',
      family,
      maxInputTokens: 4096,
      cache: null,
    });
    const result = await verifier.score('Q', [
      ['a', 'a2'],
      ['b', 'b2'],
    ]);
    const bodies = client.calls.map(
      (call) => call.body as { prompt: string[]; prompt_logprobs: number },
    );
    expect(bodies.map((body) => body.prompt_logprobs)).toEqual([2, 20]);
    expect(bodies[1]?.prompt).toEqual([bodies[0]?.prompt[1]]);
    expect(result.calls).toBe(2);
    expect(result.promptTokens).toBe(21);
    expect(result.scores[1]).toEqual(result.scores[0]);
  });

  it('a failed score carries the calls it made on its error', async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    const failure = new UpstreamError('down', { upstream: 'prm', status: 503 });
    client.handler = (call) => {
      if ((call.body as { prompt_logprobs: number }).prompt_logprobs >= 20) throw failure;
      return answer(call);
    };
    const verifier = createPrmVerifier({
      client,
      servedName: 'm',
      family,
      maxInputTokens: 4096,
      cache: null,
    });
    await expect(verifier.score('Q', [['b', 'b2']])).rejects.toBe(failure);
    expect(takeUpstreamCallsFrom(failure, {})).toBe(2);
  });
});
