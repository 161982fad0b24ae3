import {
  DeadlineError,
  InvalidRequestError,
  OverloadedError,
  UpstreamError,
} from '../../../src/errors';
import {
  solveChat,
  solvePlan,
  type ChatContext,
  type ChatConversation,
  type TtsRequest,
  type ModelBackend,
  type ModelInfo,
  type SolveInput,
  type TtsPlan,
} from '../../../src/pipeline';
import type { Policy, Verifier } from '../../../src/tts';
import {
  createFakePolicy,
  continuation,
  createFakeVerifier,
  tableScorer,
  tableScript,
  toyScorer,
  toyScript,
  TOY_PROBLEM,
  type ContinuationScript,
} from '../tts/fakes';
import { TEST_PRM, testModelInfo } from '../model-info-fixture';

const INFO: ModelInfo = testModelInfo({ prm: TEST_PRM });

function backend(policy: Policy, verifier: Verifier | null): ModelBackend {
  return {
    info: INFO,
    createPolicy: async () => ({ policy, promptTokens: 30 }),
    createVerifier: () => verifier,
  };
}

function plan(method: TtsPlan['method'], n: number, m = 4): TtsPlan {
  return {
    method,
    n,
    m,
    aggregation: 'last',
    vote: method === 'majority' ? 'majority' : 'prm_vote',
    requested: method,
    reason: 'test',
    sources: {},
    auto: null,
  };
}

function input(overrides: Partial<SolveInput> & Pick<SolveInput, 'backend' | 'plan'>): SolveInput {
  return {
    messages: [{ role: 'user', content: 'q' }],
    question: 'q',
    choices: 1,
    maxTokens: null,
    seed: 11,
    returnCandidates: false,
    now: () => 0,
    timeoutMs: 60_000,
    ...overrides,
  };
}

describe('solvePlan', () => {
  it('runs the planned method and reports usage, FLOPs and the vote table', async () => {
    const policy = createFakePolicy(toyScript(TOY_PROBLEM));
    const verifier = createFakeVerifier(toyScorer);
    const result = await solvePlan(
      input({ backend: backend(policy, verifier), plan: plan('best_of_n', 8) }),
    );
    expect(result.choices).toHaveLength(1);
    expect(result.choices[0]?.text).toMatch(/\\boxed\{/);
    expect(result.metadata.generations).toBe(8);
    expect(result.metadata.policyCalls).toBe(1);
    expect(result.metadata.prmCalls).toBe(1);
    expect(result.metadata.voteTable.reduce((s, row) => s + row.count, 0)).toBeLessThanOrEqual(8);
    expect(result.metadata.policyFlops).toBe(
      2 * 1.5e9 * (result.metadata.policyPromptTokens + result.metadata.policyCompletionTokens),
    );
    expect(result.metadata.prmFlops).toBe(2 * 7e9 * result.metadata.prmTokens);
    expect(result.metadata.degraded).toBeNull();
    expect(result.completionTokens).toBeGreaterThanOrEqual(result.answerTokens);
  });

  it('degrades to a majority vote when the PRM fails, and says so', async () => {
    const policy = createFakePolicy(toyScript(TOY_PROBLEM));
    const verifier = createFakeVerifier(toyScorer, {
      failOn: () => new UpstreamError('prm down', { upstream: 'prm', status: 503 }),
    });
    const result = await solvePlan(
      input({ backend: backend(policy, verifier), plan: plan('best_of_n', 8) }),
    );
    expect(result.choices[0]?.text).toMatch(/\\boxed\{/);
    expect(result.metadata.vote).toBe('majority');
    expect(result.metadata.degraded).toEqual(expect.any(String));
    expect(result.metadata.warnings.map((w) => w.code)).toContain('verifier-unavailable');
  });

  it('returns top-n distinct answers', async () => {
    const policy = createFakePolicy(toyScript({ ...TOY_PROBLEM, pCorrect: 0.5 }));
    const result = await solvePlan(
      input({ backend: backend(policy, null), plan: plan('majority', 16), choices: 3 }),
    );
    const answers = result.choices.map((c) => c.answer);
    expect(new Set(answers).size).toBe(answers.length);
    expect(result.choices.length).toBe(Math.min(3, result.metadata.voteTable.length));
  });

  it('answers from what finished when the deadline cuts the search', async () => {
    const base = toyScript(TOY_PROBLEM);
    let calls = 0;
    // The first round (full samples) is fast; every later call hangs until the deadline aborts it.
    const script: ContinuationScript = (request) => base(request);
    const fast = createFakePolicy(script);
    const slowPolicy: Policy = {
      async generate(prefixes, params, signal) {
        calls++;
        if (calls === 1) {
          // Round 1: step-wise samples, except one that happens to finish a whole solution.
          const stepwise = await fast.generate(prefixes, params, signal);
          const whole = await fast.generate(prefixes, { ...params, n: 1, stop: [] }, signal);
          const first = whole.outputs[0]?.[0];
          if (first && stepwise.outputs[0]) stepwise.outputs[0][0] = first;
          return stepwise;
        }
        return new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            const error = new Error('aborted');
            error.name = 'AbortError';
            reject(error);
          });
        });
      },
    };
    const result = await solvePlan(
      input({
        backend: backend(slowPolicy, createFakeVerifier(toyScorer)),
        plan: plan('beam_search', 8),
        timeoutMs: 100,
      }),
    );
    expect(result.choices[0]?.text).toMatch(/\\boxed\{/);
    expect(result.metadata.degraded).toMatch(/deadline/);
    expect(result.metadata.warnings.map((w) => w.code)).toContain('aborted');
  });

  it('reports the deadline, not the upstream, when it passes before any solution finished', async () => {
    const hanging: Policy = {
      generate: (_prefixes, _params, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            const error = new Error('aborted');
            error.name = 'AbortError';
            reject(error);
          });
        }),
    };
    const error: unknown = await solvePlan(
      input({
        backend: backend(hanging, createFakeVerifier(toyScorer)),
        plan: plan('best_of_n', 4),
        timeoutMs: 50,
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe('deadline of 50 ms reached before any solution finished');
  });

  it('rethrows when the client aborts (nothing to answer)', async () => {
    const controller = new AbortController();
    controller.abort();
    const policy = createFakePolicy(toyScript(TOY_PROBLEM));
    await expect(
      solvePlan(
        input({
          backend: backend(policy, null),
          plan: plan('majority', 4),
          signal: controller.signal,
        }),
      ),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails with a 502-class error only when the policy produced nothing usable', async () => {
    const failing: Policy = {
      generate: async () => {
        throw new UpstreamError('down', { upstream: 'policy', status: 503 });
      },
    };
    await expect(
      solvePlan(input({ backend: backend(failing, null), plan: plan('majority', 4) })),
    ).rejects.toBeInstanceOf(UpstreamError);
  });

  describe('candidates without an extractable answer', () => {
    const haikus = ['Rain taps on the roof', 'Leaves drift on the pond', 'Wind in the cedar'];
    const script = tableScript({ '': haikus.map((text) => continuation(text, 'eos')) });
    const scorer = tableScorer({
      [haikus[0] as string]: 0.2,
      [haikus[1] as string]: 0.9,
      [haikus[2] as string]: 0.6,
    });

    it('an open-ended request gets the best-scored candidate, labelled, not degraded', async () => {
      const result = await solvePlan(
        input({
          backend: backend(createFakePolicy(script), createFakeVerifier(scorer)),
          plan: plan('best_of_n', 3),
          looksSingleAnswer: false,
          scopeReason: "opens with 'write' (asks for a text, not an answer)",
        }),
      );
      // The heuristic rule that read the request is quoted (docs/request-scope.md).
      expect(result.metadata.reason).toContain(
        "the last user turn opens with 'write' (asks for a text, not an answer)",
      );
      expect(result.choices[0]?.text).toBe(haikus[1]);
      expect(result.metadata).toMatchObject({
        selection: 'reward',
        vote: 'prm_max',
        degraded: null,
      });
      expect(result.metadata.voteTable.map((row) => row.maxScore)).toEqual([0.9, 0.6, 0.2]);
      expect(result.metadata.voteTable[0]?.answer).toBe('[candidate 1] Leaves drift on the pond');
      expect(result.metadata.reason).toContain('Best-of-N by reward');
    });

    it('a single-answer request is chosen the same way but labelled degraded', async () => {
      const result = await solvePlan(
        input({
          backend: backend(createFakePolicy(script), createFakeVerifier(scorer)),
          plan: plan('best_of_n', 3),
        }),
      );
      expect(result.choices[0]?.text).toBe(haikus[1]);
      expect(result.metadata.degraded).toBe(
        'no candidate had an extractable answer; chosen by reward',
      );
    });

    it('without a verifier chooses by consensus, never by position', async () => {
      const texts = [
        'purple monkeys dance',
        'red leaves fall in autumn',
        'red leaves fall softly in autumn',
      ];
      const result = await solvePlan(
        input({
          backend: backend(
            createFakePolicy(tableScript({ '': texts.map((text) => continuation(text, 'eos')) })),
            null,
          ),
          plan: plan('majority', 3),
          looksSingleAnswer: false,
        }),
      );
      expect(result.metadata.selection).toBe('consensus');
      // #1 and #2 overlap 5/6, #0 shares nothing: the tie between #1 and #2 goes to the earlier.
      expect(result.choices[0]?.text).toBe(texts[1]);
    });

    it('asks the backend for the answer instruction only for single-answer requests', async () => {
      const seen: (boolean | undefined)[] = [];
      const policy = createFakePolicy(script);
      const recording: ModelBackend = {
        ...backend(policy, null),
        createPolicy: async (_messages, _signal, options) => {
          seen.push(options?.addAnswerInstruction);
          return { policy, promptTokens: 30 };
        },
      };
      await solvePlan(input({ backend: recording, plan: plan('majority', 3) }));
      await solvePlan(
        input({ backend: recording, plan: plan('majority', 3), looksSingleAnswer: false }),
      );
      expect(seen).toEqual([true, false]);
    });
  });
});

describe('solveChat', () => {
  const DEFAULTS = {
    defaultStrategy: 'best_of_n',
    defaultBudget: 8,
    maxBudget: 64,
    defaultM: 4,
    defaultTimeoutMs: 60_000,
    maxTimeoutMs: 120_000,
  } as const;

  function request(
    overrides: Partial<Omit<TtsRequest, 'conversation'>> = {},
    conversation: Partial<ChatConversation> = {},
  ): TtsRequest {
    return {
      model: 'toy',
      header: null,
      body: null,
      alias: null,
      forcedArm: null,
      timeoutMs: null,
      returnCandidates: false,
      streamProgress: false,
      conversation: {
        messages: [{ role: 'user', content: 'What is 2+2?' }],
        blockers: [],
        choices: 1,
        maxTokens: null,
        seed: 11,
        ignoredParameters: [],
        stop: [],
        ...conversation,
      },
      ...overrides,
    };
  }

  function context(overrides: Partial<ChatContext> = {}): ChatContext {
    return {
      defaults: DEFAULTS,
      keyMaxBudget: null,
      signal: new AbortController().signal,
      now: () => 0,
      randomSeed: () => 5,
      ...overrides,
    };
  }

  const toy = (): ModelBackend =>
    backend(createFakePolicy(toyScript(TOY_PROBLEM)), createFakeVerifier(toyScorer));

  it('passes through, without reading the conversation, a request that asks for nothing', () => {
    const plain = request();
    Object.defineProperty(plain, 'conversation', {
      get: () => {
        throw new Error('read');
      },
    });
    expect(solveChat(plain, toy(), context())).toEqual({ kind: 'passthrough', scope: null });
  });

  it('says why the scope rule passes a request through', () => {
    const run = solveChat(
      request(
        { body: { n: 8 } },
        { blockers: [{ code: 'tools', message: 'the request offers tools' }] },
      ),
      toy(),
      context(),
    );
    expect(run).toMatchObject({
      kind: 'passthrough',
      scope: { code: 'tools', requested: 'best_of_n' },
    });
  });

  it("counts a scored search's copies of the question against the memory bound, before anything is sent", async () => {
    const charged: number[] = [];
    const reserve = (isFree: boolean, bound?: number): ChatContext['reserve'] => ({
      bytes: (bytes) => {
        charged.push(bytes);
        return isFree;
      },
      ...(bound !== undefined ? { bound } : {}),
    });
    // 3 bytes per path and question character; the system prompt is not the PRM's question.
    const asked = {
      messages: [
        { role: 'system' as const, content: 'x'.repeat(5000) },
        { role: 'user' as const, content: 'What is 2+2?' },
      ],
    };
    const ran = solveChat(
      request({ body: { n: 8 } }, asked),
      toy(),
      context({ reserve: reserve(true) }),
    );
    if (ran.kind === 'tts') await ran.result;
    expect(charged).toEqual([3 * 8 * 'What is 2+2?'.length]);
    // A step-wise search also sends the whole conversation once per policy call (N/M a round).
    const beam = solveChat(
      request({ body: { n: 8, m: 4, strategy: 'beam_search' } }, asked),
      toy(),
      context({ reserve: reserve(true) }),
    );
    if (beam.kind === 'tts') await beam.result.catch(() => undefined);
    expect(charged[1]).toBe(3 * 8 * ('What is 2+2?'.length + (5000 + 'What is 2+2?'.length) / 4));
    charged.splice(1);
    // Not counted: a method the PRM takes no part in.
    solveChat(
      request({ body: { n: 8, strategy: 'majority' } }),
      toy(),
      context({ reserve: reserve(false) }),
    );
    expect(charged).toHaveLength(1);
    // A full bound is a 429 to retry; a search larger than the whole bound is the request's 400.
    expect(() =>
      solveChat(request({ body: { n: 8 } }), toy(), context({ reserve: reserve(false) })),
    ).toThrow(OverloadedError);
    let refusal: unknown;
    try {
      solveChat(request({ body: { n: 8 } }), toy(), context({ reserve: reserve(true, 100) }));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InvalidRequestError);
    expect((refusal as InvalidRequestError).message).toContain('at most 2');
  });

  it("knows the method before the search, and solves with the request's seed", async () => {
    const run = solveChat(request({ body: { n: 8 } }), toy(), context());
    if (run.kind !== 'tts') throw new Error('expected a TTS run');
    expect(run.method).toBe('best_of_n');
    expect(run.shadowInput?.seed).toBe(11);
    const result = await run.result;
    expect(result.metadata.method).toBe('best_of_n');
    expect(result.metadata.generations).toBe(8);
  });

  it('names the sampling fields the preset replaces, and draws a seed when none was sent', async () => {
    const run = solveChat(
      request({ body: { n: 4 } }, { ignoredParameters: ['temperature', 'top_p'], seed: null }),
      toy(),
      context(),
    );
    if (run.kind !== 'tts') throw new Error('expected a TTS run');
    expect(run.shadowInput?.seed).toBe(5);
    expect((await run.result).metadata.warnings).toContainEqual({
      code: 'parameter-ignored',
      message:
        "temperature, top_p ignored: test-time scaling uses the policy family's sampling preset and prompt",
    });
  });

  it('offers no shadow baseline when the client forced an A/B arm', async () => {
    const run = solveChat(request({ forcedArm: 'tts' }), toy(), context());
    if (run.kind !== 'tts') throw new Error('expected a TTS run');
    expect(run.shadowInput).toBeNull();
    await run.result;
  });

  it('refuses a deadline above the maximum before anything is sent', () => {
    expect(() =>
      solveChat(request({ body: { n: 4 }, timeoutMs: 500_000 }), toy(), context()),
    ).toThrow(/tts_timeout_ms 500000 is above/);
  });
});
