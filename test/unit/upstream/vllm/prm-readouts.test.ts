import { getMaxListeners } from 'node:events';
import { abortOnClientOrDeadline } from '../../../../src/pipeline/solve-chat';
import { configurePrmFamily, defaultPrmReadout, PRM_READOUTS } from '../../../../src/prm';
import type { RunningSimulator, SimVllmVersion } from '../../../../src/sim';
import { createPrmVerifier, type UpstreamClient } from '../../../../src/upstream';
import { uncachedVerifier, withPrmSim } from './with-prm-sim';

const QUESTION = 'What is 17 * 23 - 5?';
const PATH = ['17 * 23 = 391.', '391 - 5 = 386.', 'The answer is \\boxed{386}.'];
const LONG_PATH = Array.from(
  { length: 40 },
  (_, i) => `Step ${i}: 17 * 23 = 391 and 391 - 5 = 386.`,
);

describe('PRM readout per family (configurePrmFamily)', () => {
  it('defaults each family to the readout it was trained to be read with', () => {
    expect({
      qwen: defaultPrmReadout('qwen2.5-math-prm'),
      shepherd: defaultPrmReadout('math-shepherd'),
      rlhflow: defaultPrmReadout('rlhflow'),
      skywork: defaultPrmReadout('skywork-o1'),
    }).toEqual({
      qwen: 'pooling',
      shepherd: 'prompt_logprobs',
      rlhflow: 'prompt_logprobs',
      skywork: 'embeddings',
    });
    expect(configurePrmFamily('math-shepherd', undefined).family.readout.kind).toBe(
      'prompt-logprobs',
    );
  });

  it('refuses STEP pooling on the generative Math-Shepherd, saying why and what to set', () => {
    expect(() => configurePrmFamily('math-shepherd', 'pooling')).toThrow(
      /hidden-state columns.*16545.*readout prompt_logprobs/,
    );
  });

  it.each([
    ['qwen2.5-math-prm', 'prompt_logprobs'],
    ['rlhflow', 'pooling'],
    ['skywork-o1', 'prompt_logprobs'],
  ] as const)('refuses %s with %s', (family, readout) => {
    expect(() => configurePrmFamily(family, readout)).toThrow(/is wrong for/);
  });

  it('accepts every other combination the table allows', () => {
    expect(configurePrmFamily('skywork-o1', 'pooling').readout).toBe('pooling');
    expect(PRM_READOUTS).toEqual(['pooling', 'prompt_logprobs', 'embeddings']);
  });
});

/** This file's PRM simulator (a 7B model, seed 4321), `run` taking the simulator before the model. */
function withSim<T>(
  family: 'math-shepherd' | 'skywork-o1' | 'qwen2.5-math-prm' | 'rlhflow',
  run: (client: UpstreamClient, sim: RunningSimulator, model: string) => Promise<T>,
  vllmVersion?: SimVllmVersion,
): Promise<T> {
  return withPrmSim(family, (client, model, sim) => run(client, sim, model), {
    seed: 4321,
    paramsB: 7,
    quality: 0.85,
    maxModelLen: 4096,
    ...(vllmVersion ? { vllmVersion } : {}),
  });
}

/**
 * The signal's listener limit, 0 meaning none. Node 20's `getMaxListeners` throws on an
 * EventTarget whose limit was set to 0 (it tests the value for truthiness), so 0 is read from that.
 */
function listenerLimit(signal: AbortSignal): number {
  try {
    return getMaxListeners(signal);
  } catch {
    return 0;
  }
}

describe('PRM readouts against the simulator', () => {
  it('Math-Shepherd by default reads P(+)/(P(+)+P(-)) from prompt_logprobs, equal to the judgement of the same server', async () => {
    await withSim('math-shepherd', async (client, sim, model) => {
      const { verifier, family } = uncachedVerifier('math-shepherd', client, model);
      const result = await verifier.score(QUESTION, [PATH]);
      expect(sim.stats().requestsByRoute['POST /v1/completions']).toBe(1);
      expect(sim.stats().requestsByRoute['POST /pooling']).toBeUndefined();
      // The same judgement, read the idealised way (the simulator's STEP pooling of label probabilities).
      const text = family.render(QUESTION, PATH).text;
      const pooled = (await client.postJson('/pooling', { model, input: text })) as {
        data: { data: number[][] }[];
      };
      const expected = pooled.data[0]?.data.map(
        ([plus, minus]) => (plus ?? 0) / ((plus ?? 0) + (minus ?? 1)),
      );
      result.scores[0]?.forEach((score, i) => expect(score).toBeCloseTo(expected?.[i] ?? -1, 4));
    });
  });

  it('Skywork is read on /v1/embeddings (its plugin\u2019s route) with the value-head sigmoid per step', async () => {
    await withSim('skywork-o1', async (client, sim, model) => {
      const { family, readout } = configurePrmFamily('skywork-o1', undefined);
      const verifier = createPrmVerifier({
        client,
        servedName: model,
        family,
        maxInputTokens: 4096,
        cache: null,
        route: readout === 'embeddings' ? 'embeddings' : 'pooling',
      });
      const result = await verifier.score(QUESTION, [PATH]);
      expect(sim.stats().requestsByRoute['POST /v1/embeddings']).toBe(1);
      expect(result.scores[0]).toHaveLength(3);
      result.scores[0]?.forEach((score) => expect(score).toBeGreaterThan(0));
      // One /tokenize (ids for the placeholder swap) + one /v1/embeddings, both counted.
      expect(result.calls).toBe(2);
    });
  });

  it('Skywork on /pooling (a port to a current vLLM) reads the same step scores as on its plugin route, since it asks for the raw values', async () => {
    await withSim('skywork-o1', async (client, _sim, model) => {
      const scoresOn = async (readout: 'embeddings' | 'pooling'): Promise<number[]> => {
        const { family } = configurePrmFamily('skywork-o1', readout);
        const verifier = createPrmVerifier({
          client,
          servedName: model,
          family,
          maxInputTokens: 4096,
          cache: null,
          route: readout,
        });
        return (await verifier.score(QUESTION, [PATH])).scores[0] ?? [];
      };
      const plugin = await scoresOn('embeddings');
      expect(plugin).toHaveLength(3);
      // Without `use_activation: false` the token-classify pooler's own sigmoid would come first
      // and squeeze every score into (0.5, 0.73).
      expect(await scoresOn('pooling')).toEqual(plugin);
    });
  });

  it('Qwen2.5-Math-PRM sends texts without any /tokenize, and counts and cuts only after the PRM rejects a length', async () => {
    await withSim('qwen2.5-math-prm', async (client, sim, model) => {
      const { verifier } = uncachedVerifier('qwen2.5-math-prm', client, model, {
        maxInputTokens: 300,
      });
      const short = await verifier.score(QUESTION, [PATH, PATH.slice(0, 2)]);
      expect(short.calls).toBe(1);
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBeUndefined();
      sim.resetStats();
      // The simulator's context is 4096; a 300-token budget is ours: the long path fits the server.
      const long = await verifier.score(QUESTION, [LONG_PATH]);
      expect(long.calls).toBe(1);
      expect(long.truncatedPaths).toEqual([]);
    });
  });
});

describe('prompt ids for the prompt-logprobs readout (no per-path /tokenize)', () => {
  const PATHS = [PATH, PATH.slice(0, 2), ['17 * 23 = 381.', 'The answer is \\boxed{376}.']];

  it('Math-Shepherd reads its positions from return_token_ids: one upstream call for the whole batch', async () => {
    await withSim('math-shepherd', async (client, sim, model) => {
      const { verifier, family } = uncachedVerifier('math-shepherd', client, model);
      const result = await verifier.score(QUESTION, PATHS);
      expect(result.calls).toBe(1);
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBeUndefined();
      expect(sim.stats().requestsByRoute['POST /v1/completions']).toBe(1);
      expect(result.scores.map((scores) => scores.length)).toEqual([3, 2, 2]);
      // The same scores as the ids-first flow of a server without return_token_ids.
      const old = await withSim(
        'math-shepherd',
        async (oldClient, oldSim, oldModel) => {
          const before = createPrmVerifier({
            client: oldClient,
            servedName: oldModel,
            family,
            maxInputTokens: 4096,
            cache: null,
            returnTokenIds: false,
          });
          const scored = await before.score(QUESTION, PATHS);
          expect(oldSim.stats().requestsByRoute['POST /tokenize']).toBe(PATHS.length);
          return scored;
        },
        '0.10.1',
      );
      expect(old.calls).toBe(1 + PATHS.length);
      result.scores.forEach((scores, i) =>
        scores.forEach((score, j) => expect(score).toBeCloseTo(old.scores[i]?.[j] ?? -1, 9)),
      );
    });
  });

  it('a server before 0.10.2 ignores return_token_ids: one /tokenize per path after the call, counted, and the field is not sent again', async () => {
    await withSim(
      'math-shepherd',
      async (client, sim, model) => {
        const { verifier } = uncachedVerifier('math-shepherd', client, model);
        const first = await verifier.score(QUESTION, PATHS);
        expect(first.calls).toBe(1 + PATHS.length);
        expect(sim.stats().requestsByRoute['POST /tokenize']).toBe(PATHS.length);
        sim.resetStats();
        // Learned: ids first from now on, as the ids-first flow always did (same call count).
        const second = await verifier.score('What is 2 + 2?', [['2 + 2 = 4.']]);
        expect(second.calls).toBe(2);
        expect(second.scores[0]).toHaveLength(1);
      },
      '0.10.1',
    );
  });

  it('a server before 0.10.2, many paths on one search signal: the per-path /tokenize calls stay under the signal listener limit (no MaxListenersExceededWarning)', async () => {
    const abort = abortOnClientOrDeadline(undefined, 30_000);
    // Count the signal's abort listeners as undici adds and removes them (one per call in flight).
    let listening = 0;
    let peak = 0;
    const add = abort.signal.addEventListener.bind(abort.signal);
    const remove = abort.signal.removeEventListener.bind(abort.signal);
    abort.signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      listening += 1;
      peak = Math.max(peak, listening);
      add(...args);
    };
    abort.signal.removeEventListener = (
      ...args: Parameters<AbortSignal['removeEventListener']>
    ) => {
      listening -= 1;
      remove(...args);
    };
    try {
      await withSim(
        'math-shepherd',
        async (client, _sim, model) => {
          const { verifier } = uncachedVerifier('math-shepherd', client, model);
          const paths = Array.from({ length: 40 }, (_, i) => [`Step ${i}: 2 + ${i} = ${2 + i}.`]);
          const result = await verifier.score(QUESTION, paths, abort.signal);
          expect(result.calls).toBe(1 + paths.length);
        },
        '0.10.1',
      );
      // Node warns past its default of 10 listeners; this fan-out goes past it by design.
      expect(peak).toBeGreaterThan(10);
      expect(listenerLimit(abort.signal) === 0 || listenerLimit(abort.signal) >= peak).toBe(true);
    } finally {
      abort.dispose();
    }
  });

  it('RLHFlow sends its texts as text and reads positions from return_token_ids: one call, the ids /tokenize gives', async () => {
    await withSim('rlhflow', async (client, sim, model) => {
      const { verifier, family } = uncachedVerifier('rlhflow', client, model, {
        maxInputTokens: 8192,
      });
      const result = await verifier.score(QUESTION, PATHS);
      expect(result.calls).toBe(1);
      expect(sim.stats().requestsByRoute).toEqual({ 'POST /v1/completions': 1 });
      expect(result.scores.map((scores) => scores.length)).toEqual([3, 2, 2]);
      // The same ids the ids-first flow would have sent (the server's own tokenization).
      const text = family.render(QUESTION, PATHS[0] ?? []).text;
      const returned = (await client.postJson('/v1/completions', {
        model,
        prompt: [text],
        max_tokens: 1,
        return_token_ids: true,
        add_special_tokens: false,
      })) as { choices: { prompt_token_ids: number[] }[] };
      const tokenized = (await client.postJson('/tokenize', {
        model,
        prompt: text,
        add_special_tokens: false,
      })) as { tokens: number[] };
      expect(returned.choices[0]?.prompt_token_ids).toEqual(tokenized.tokens);
    });
  });

  it('RLHFlow on a server before 0.10.2: one joined /tokenize for the whole batch after the call, same scores', async () => {
    const current = await withSim('rlhflow', (client, _sim, model) =>
      createPrmVerifier({
        client,
        servedName: model,
        family: configurePrmFamily('rlhflow', undefined).family,
        maxInputTokens: 8192,
        cache: null,
      }).score(QUESTION, PATHS),
    );
    await withSim(
      'rlhflow',
      async (client, sim, model) => {
        const { verifier } = uncachedVerifier('rlhflow', client, model, {
          maxInputTokens: 8192,
        });
        const result = await verifier.score(QUESTION, PATHS);
        expect(result.calls).toBe(2);
        expect(sim.stats().requestsByRoute['POST /tokenize']).toBe(1);
        expect(result.scores).toEqual(current.scores);
      },
      '0.10.1',
    );
  });

  it('Skywork tokenizes the whole batch in one joined /tokenize, giving the per-path ids and scores', async () => {
    await withSim('skywork-o1', async (client, sim, model) => {
      const { family } = configurePrmFamily('skywork-o1', undefined);
      const make = (joinTokenize: boolean): ReturnType<typeof createPrmVerifier> =>
        createPrmVerifier({
          client,
          servedName: model,
          family,
          maxInputTokens: 4096,
          cache: null,
          route: 'embeddings',
          joinTokenize,
        });
      const joined = await make(true).score(QUESTION, PATHS);
      expect(joined.calls).toBe(2);
      expect(sim.stats().requestsByRoute).toEqual({
        'POST /tokenize': 1,
        'POST /v1/embeddings': 1,
      });
      sim.resetStats();
      const alone = await make(false).score(QUESTION, PATHS);
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBe(PATHS.length);
      expect(alone.calls).toBe(1 + PATHS.length);
      expect(joined.scores).toEqual(alone.scores);
    });
  });

  it('a path too long for the PRM is still counted, cut and retried once after the length error, all as ids (vLLM takes no mixed prompt list)', async () => {
    await withSim('math-shepherd', async (client, sim, model) => {
      const { verifier } = uncachedVerifier('math-shepherd', client, model, {
        maxInputTokens: 4000,
      });
      const huge = Array.from({ length: 400 }, (_, i) => `Step ${i}: 17 * 23 = 391, and so on.`);
      const result = await verifier.score(QUESTION, [PATH, huge]);
      // Rejected call; /tokenize for the long text, then for it re-rendered without its earliest
      // steps, then for the short one, because a prompt list is all texts or all ids (a mixed
      // list was a 400 before); the retry.
      expect(result.calls).toBe(5);
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBe(3);
      expect(result.truncatedPaths).toEqual([1]);
      expect(result.scores[0]).toHaveLength(3);
      expect(result.scores[1]).toHaveLength(400);
    });
  });

  it('cuts a prompt-logprobs path to one token under max_input_tokens = max_model_len: the call generates one token', async () => {
    // vLLM refuses prompt + max_tokens beyond max_model_len (serving_engine.py
    // `_validate_input`); the simulator enforces it, so a cut to exactly 4096 was refused again.
    await withSim('math-shepherd', async (client, _sim, model) => {
      const { verifier } = uncachedVerifier('math-shepherd', client, model, {
        maxInputTokens: 4096,
      });
      const huge = Array.from({ length: 400 }, (_, i) => `Step ${i}: 17 * 23 = 391, and so on.`);
      const result = await verifier.score(QUESTION, [PATH, huge]);
      expect(result.truncatedPaths).toEqual([1]);
      expect(result.scores[1]).toHaveLength(400);
    });
  });
});

describe('a path longer than the PRM context is fitted inside the family format (review 25, F1-F3)', () => {
  /** The client, recording the prompt or input of each scoring call. */
  function recording(client: UpstreamClient, sent: unknown[]): UpstreamClient {
    return {
      ...client,
      postJson: (path, body, signal) => {
        if (path !== '/tokenize') sent.push(body);
        return client.postJson(path, body, signal);
      },
    };
  }

  /** The text the sim detokenizes `ids` to. */
  async function textOf(client: UpstreamClient, model: string, ids: unknown): Promise<string> {
    const answer = (await client.postJson('/detokenize', { model, tokens: ids })) as {
      prompt: string;
    };
    return answer.prompt;
  }

  const steps = Array.from({ length: 300 }, (_, i) => `Step ${i}: 17 * 23 = 391, and so on.`);

  it('Qwen2.5-Math-PRM: the earliest steps are dropped whole; the system turn and the question stay', async () => {
    await withSim('qwen2.5-math-prm', async (client, _sim, model) => {
      const sent: unknown[] = [];
      const { verifier } = uncachedVerifier('qwen2.5-math-prm', recording(client, sent), model, {
        maxInputTokens: 4096,
      });
      const result = await verifier.score(QUESTION, [steps]);
      expect(result.truncatedPaths).toEqual([0]);
      expect(result.scores[0]).toHaveLength(300);
      const last = sent[sent.length - 1] as { input: number[][] };
      const text = await textOf(client, model, last.input[0]);
      expect(text.startsWith('<|im_start|>system\n')).toBe(true);
      expect(text).toContain(`<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`);
      // Whole steps after the header: the first kept step starts the answer.
      expect(text).toMatch(/<\|im_start\|>assistant\nStep \d+: 17/);
      expect(text).not.toContain('Step 0:');
      expect(text.endsWith('Step 299: 17 * 23 = 391, and so on.<extra_0><|im_end|>\n')).toBe(true);
      // The dropped steps stand at the mean of the scored ones.
      const scores = result.scores[0] ?? [];
      const dropped = scores.findIndex((score) => score !== scores[0]);
      expect(dropped).toBeGreaterThan(0);
      const kept = scores.slice(dropped);
      const mean = kept.reduce((sum, score) => sum + score, 0) / kept.length;
      expect(scores[0]).toBeCloseTo(mean, 12);
    });
  });

  it('Math-Shepherd by prompt logprobs: whole steps after the question, every kept step read at its own tag', async () => {
    await withSim('math-shepherd', async (client, _sim, model) => {
      const sent: unknown[] = [];
      const { verifier } = uncachedVerifier('math-shepherd', recording(client, sent), model, {
        maxInputTokens: 4000,
      });
      const result = await verifier.score(QUESTION, [steps]);
      expect(result.truncatedPaths).toEqual([0]);
      const last = sent[sent.length - 1] as { prompt: number[][] };
      const text = await textOf(client, model, last.prompt[0]);
      expect(text).toMatch(
        new RegExp(`^(<s> ?)?${QUESTION.replace(/[*?]/g, '\\$&')} Step \\d+: 17`),
      );
      expect(text.endsWith('Step 299: 17 * 23 = 391, and so on. ки\n')).toBe(true);
    });
  });

  it('a question longer than the context loses its start inside the format, in one more /tokenize', async () => {
    await withSim('qwen2.5-math-prm', async (client, sim, model) => {
      const sent: unknown[] = [];
      const { verifier } = uncachedVerifier('qwen2.5-math-prm', recording(client, sent), model, {
        maxInputTokens: 4096,
      });
      const words = Array.from({ length: 6000 }, (_, i) => `w${i}`);
      const question = `${words.join(' ')} What is 17 * 23 - 5?`;
      const result = await verifier.score(question, [PATH]);
      expect(result.truncatedPaths).toEqual([0]);
      expect(result.scores[0]).toHaveLength(3);
      // The refused call, the path's /tokenize, one re-render's, the call again.
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBe(2);
      expect(result.calls).toBe(4);
      const last = sent[sent.length - 1] as { input: number[][] };
      const text = await textOf(client, model, last.input[0]);
      expect(text.startsWith('<|im_start|>system\n')).toBe(true);
      // The question's end is kept (its start is not), and every step stays.
      expect(text).toMatch(/<\|im_start\|>user\nw\d+ .* What is 17 \* 23 - 5\?<\|im_end\|>/s);
      expect(text).not.toContain('w0 w1 ');
      expect(text).toContain(`<|im_start|>assistant\n${PATH.join('<extra_0>')}<extra_0><|im_end|>`);
    });
  });
});
