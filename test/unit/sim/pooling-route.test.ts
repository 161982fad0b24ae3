import { rewardKnobsFor } from '../../../src/sim/reward/reward-profile';
import {
  generateProblems,
  startSimulator,
  type PrmFamily,
  type RunningSimulator,
} from '../../../src/sim';
import {
  at,
  list,
  num,
  postJson,
  qwenPrompt,
  QWEN_SYSTEM,
  startPolicy,
  text,
  valuesAt,
} from './sim-test-helpers';

const problem = generateProblems({ seed: 77, count: 1, difficulty: [0.45, 0.55] })[0] ?? {
  problem: '',
  answer: '',
};
const question = problem.problem;

function startPrm(
  family: PrmFamily,
  quality = 0.8,
  maxModelLen?: number,
): Promise<RunningSimulator> {
  return startSimulator({
    role: 'prm',
    seed: 11,
    model: {
      servedName: `sim-${family}`,
      paramsB: 7,
      family,
      quality,
      // One set of reward knobs for every family: these tests compare each family's wire format
      // against the Qwen PRM's scores, so the judgements must agree.
      reward: rewardKnobsFor('qwen2.5-math-prm', 7),
      ...(maxModelLen !== undefined && { maxModelLen }),
    },
  });
}

function qwenPrmMessages(steps: readonly string[]): { role: string; content: string }[] {
  return [
    { role: 'system', content: QWEN_SYSTEM },
    { role: 'user', content: question },
    { role: 'assistant', content: `${steps.join('<extra_0>')}<extra_0>` },
  ];
}

function pairsOf(body: unknown, index = 0): number[][] {
  return list(body, 'data', index, 'data').map((pair) => list(pair).map((value) => num(value)));
}

describe('simulated reward models', () => {
  const prms = new Map<PrmFamily, RunningSimulator>();
  let policy: RunningSimulator;
  let correct: string[] = [];
  let wrong: string[] = [];

  beforeAll(async () => {
    policy = await startPolicy();
    for (const family of [
      'qwen2.5-math-prm',
      'math-shepherd',
      'skywork-o1',
      'outcome',
      'rlhflow',
    ] as const) {
      prms.set(family, await startPrm(family));
    }
    const response = await postJson(`${policy.url}/v1/completions`, {
      prompt: qwenPrompt(question),
      n: 32,
      temperature: 0.8,
      seed: 1,
      max_tokens: 4000,
    });
    const solutions = list(response.body, 'choices').map((_, index) =>
      text(response.body, 'choices', index, 'text'),
    );
    const isCorrect = (solution: string): boolean =>
      solution.includes(`\\boxed{${problem.answer}}`);
    correct = (solutions.find(isCorrect) ?? '').split('\n\n');
    wrong = (solutions.find((solution) => !isCorrect(solution)) ?? '').split('\n\n');
  });
  afterAll(async () => {
    await policy.close();
    await Promise.all([...prms.values()].map((server) => server.close()));
  });

  function prm(family: PrmFamily): RunningSimulator {
    const server = prms.get(family);
    if (!server) throw new Error(family);
    return server;
  }

  async function qwenScores(steps: readonly string[]): Promise<number[]> {
    const response = await postJson(`${prm('qwen2.5-math-prm').url}/pooling`, {
      messages: qwenPrmMessages(steps),
      add_generation_prompt: false,
    });
    return pairsOf(response.body).map((pair) => pair[1] ?? NaN);
  }

  it('has both a correct and a wrong sampled solution to judge', () => {
    expect(correct.length).toBeGreaterThan(2);
    expect(wrong.length).toBeGreaterThan(2);
  });

  describe('qwen2.5-math-prm (/pooling, STEP pooling on <extra_0>)', () => {
    it('returns one [p_neg, p_pos] pair per marker in the PoolingResponse shape', async () => {
      const response = await postJson(`${prm('qwen2.5-math-prm').url}/pooling`, {
        messages: qwenPrmMessages(correct),
        add_generation_prompt: false,
      });
      expect(response.body).toEqual({
        id: expect.stringMatching(/^pool-/),
        object: 'list',
        created: expect.any(Number),
        model: 'sim-qwen2.5-math-prm',
        data: [{ index: 0, object: 'pooling', data: expect.any(Array) }],
        usage: {
          prompt_tokens: expect.any(Number),
          total_tokens: expect.any(Number),
          completion_tokens: 0,
          prompt_tokens_details: null,
        },
      });
      const pairs = pairsOf(response.body);
      expect(pairs).toHaveLength(correct.length);
      for (const [negative, positive] of pairs)
        expect((negative ?? 0) + (positive ?? 0)).toBeCloseTo(1, 10);
      const tokenized = await postJson(`${prm('qwen2.5-math-prm').url}/tokenize`, {
        messages: qwenPrmMessages(correct),
        add_generation_prompt: false,
      });
      expect(num(response.body, 'usage', 'prompt_tokens')).toBe(num(tokenized.body, 'count'));
    });

    it('scores the same for the rendered string and the messages form, batched', async () => {
      const rendered = `${qwenPrompt(question, `${correct.join('<extra_0>')}<extra_0>`)}<|im_end|>\n`;
      const response = await postJson(`${prm('qwen2.5-math-prm').url}/pooling`, {
        input: [rendered, rendered],
      });
      expect(pairsOf(response.body, 1).map((pair) => pair[1])).toEqual(await qwenScores(correct));
    });

    it('is causal: appending steps leaves earlier scores unchanged', async () => {
      const full = await qwenScores(wrong);
      for (let length = 1; length < wrong.length; length++) {
        expect(await qwenScores(wrong.slice(0, length))).toEqual(full.slice(0, length));
      }
    });

    it('scores a correct path above a wrong one', async () => {
      const good = await qwenScores(correct);
      const bad = await qwenScores(wrong);
      expect(good[good.length - 1]).toBeGreaterThan(bad[bad.length - 1] ?? 1);
    });

    it('scores foreign steps near 0.5', async () => {
      const scores = await qwenScores([
        'Let us think about the geometry of the situation.',
        'The triangle is isosceles.',
      ]);
      for (const score of scores) expect(Math.abs(score - 0.5)).toBeLessThan(0.4);
    });

    it('rejects inputs beyond max_model_len with the vLLM wording', async () => {
      const short = await startPrm('qwen2.5-math-prm', 0.8, 64);
      try {
        const response = await postJson(`${short.url}/pooling`, {
          messages: qwenPrmMessages(correct),
        });
        expect(response.status).toBe(400);
        expect(text(response.body, 'error', 'message')).toMatch(
          /^This model's maximum context length is 64 tokens\. However, you requested \d+ tokens in the input for embedding generation\./,
        );
      } finally {
        await short.close();
      }
    });

    it('does not serve the Completions API', async () => {
      const response = await postJson(`${prm('qwen2.5-math-prm').url}/v1/completions`, {
        prompt: 'x',
      });
      expect(response.status).toBe(400);
    });
  });

  describe('math-shepherd (/pooling, STEP pooling on ки)', () => {
    it('returns [p_plus, p_minus] per ки, agreeing with the Qwen PRM of the same seed and quality', async () => {
      const input = `${question} ${wrong.map((step) => `${step} ки`).join('\n')}\n`;
      const response = await postJson(`${prm('math-shepherd').url}/pooling`, { input });
      const pairs = pairsOf(response.body);
      expect(pairs).toHaveLength(wrong.length);
      expect(pairs.map((pair) => pair[0])).toEqual(await qwenScores(wrong));
      const variant = `${QWEN_SYSTEM}\n${question}\n ${wrong.join(' ки\n\n')} ки`;
      const variantResponse = await postJson(`${prm('math-shepherd').url}/pooling`, {
        input: variant,
      });
      expect(pairsOf(variantResponse.body).map((pair) => pair[0])).toEqual(
        pairs.map((pair) => pair[0]),
      );
    });

    it('has no chat template', async () => {
      const response = await postJson(`${prm('math-shepherd').url}/pooling`, {
        messages: qwenPrmMessages(correct),
      });
      expect(response.status).toBe(400);
    });
  });

  describe('skywork-o1 (/pooling, ALL pooling of a value head)', () => {
    it('returns one logit per token with use_activation false; sigmoid at each step-ending "\\n" is the step score', async () => {
      const steps = correct.map((step) => step.replace(/\n/g, ' '));
      const head = `<|endoftext|>${question}\n`;
      const input = `${head}${steps.map((step) => `${step}\n`).join('')}`;
      const server = prm('skywork-o1');
      const response = await postJson(`${server.url}/pooling`, { input, use_activation: false });
      const values = list(response.body, 'data', 0, 'data').map((value) => num(value));
      // Left to its default, the token-classify pooler applies the sigmoid itself
      // (vllm/pooling_params.py @0235532e): the proxy must ask for the raw values.
      const activated = await postJson(`${server.url}/pooling`, { input });
      expect(list(activated.body, 'data', 0, 'data').map((value) => num(value))).toEqual(
        values.map((value) => 1 / (1 + Math.exp(-value))),
      );
      const tokenized = await postJson(`${server.url}/tokenize`, { prompt: input });
      expect(values).toHaveLength(num(tokenized.body, 'count'));
      const expected = await qwenScores(steps);
      let prefix = head;
      for (const [index, step] of steps.entries()) {
        prefix += `${step}\n`;
        const position =
          num((await postJson(`${server.url}/tokenize`, { prompt: prefix })).body, 'count') - 1;
        expect(list(tokenized.body, 'tokens')[position]).toBe(198);
        expect(1 / (1 + Math.exp(-(values[position] ?? 0)))).toBeCloseTo(expected[index] ?? NaN, 6);
      }
    });
  });

  describe('pooling parameters', () => {
    it('with use_activation false a pair head answers its logits: their softmax is the pair', async () => {
      const server = prm('qwen2.5-math-prm');
      const messages = qwenPrmMessages(wrong);
      const pairs = pairsOf((await postJson(`${server.url}/pooling`, { messages })).body);
      const logits = pairsOf(
        (await postJson(`${server.url}/pooling`, { messages, use_activation: false })).body,
      );
      expect(logits).toHaveLength(pairs.length);
      for (const [index, [a = 0, b = 0]] of logits.entries()) {
        expect(Math.exp(b) / (Math.exp(a) + Math.exp(b))).toBeCloseTo(pairs[index]?.[1] ?? NaN, 9);
      }
    });

    it('refuses a task the model does not serve, and one vLLM does not know', async () => {
      const input = `${question} step ки`;
      const shepherd = prm('math-shepherd').url;
      const refused = await postJson(`${shepherd}/pooling`, { input, task: 'classify' });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain("Unsupported task: 'classify'");
      expect((await postJson(`${shepherd}/pooling`, { input, task: 'bogus' })).status).toBe(400);
      expect(
        (await postJson(`${shepherd}/pooling`, { input, task: 'token_classify' })).status,
      ).toBe(200);
      const outcome = prm('outcome').url;
      expect((await postJson(`${outcome}/pooling`, { input, task: 'classify' })).status).toBe(200);
    });
  });

  describe('outcome (/pooling, one pair per input)', () => {
    it('judges only the final answer', async () => {
      const server = prm('outcome');
      const response = await postJson(`${server.url}/pooling`, {
        input: [
          qwenPrompt(question, `${correct.join('\n\n')}<|im_end|>\n`),
          qwenPrompt(question, `${wrong.join('\n\n')}<|im_end|>\n`),
        ],
      });
      const [good, bad] = [0, 1].map((index) =>
        list(response.body, 'data', index, 'data').map((value) => num(value)),
      );
      expect(good).toHaveLength(2);
      expect((good?.[0] ?? 0) + (good?.[1] ?? 0)).toBeCloseTo(1, 10);
      expect(good?.[1]).toBeGreaterThan(bad?.[1] ?? 1);
    });
  });

  describe('rlhflow (generative judge, prompt_logprobs at each "+")', () => {
    function conversation(steps: readonly string[]): { role: string; content: string }[] {
      return steps.flatMap((step, index) => [
        { role: 'user', content: index === 0 ? `${question} ${step}` : step },
        { role: 'assistant', content: '+' },
      ]);
    }

    it('puts P(+) vs P(-) at every assistant "+" position, matching the step scores', async () => {
      const server = prm('rlhflow');
      const rendered = await postJson(`${server.url}/tokenize`, {
        messages: conversation(wrong),
        add_generation_prompt: false,
      });
      const tokens = list(rendered.body, 'tokens');
      const prompt = text((await postJson(`${server.url}/detokenize`, { tokens })).body, 'prompt');
      const response = await postJson(`${server.url}/v1/completions`, {
        prompt,
        max_tokens: 1,
        temperature: 0,
        prompt_logprobs: 2,
        add_special_tokens: false,
      });
      expect(response.status).toBe(200);
      const promptLogprobs = list(response.body, 'choices', 0, 'prompt_logprobs');
      expect(promptLogprobs).toHaveLength(tokens.length);
      expect(promptLogprobs[0]).toBeNull();
      const labelPositions = tokens.flatMap((token, index) =>
        token === 10 && tokens[index - 1] === 271 ? [index] : [],
      );
      expect(labelPositions).toHaveLength(wrong.length);
      const expected = await qwenScores(wrong);
      labelPositions.forEach((position, step) => {
        const plus = num(promptLogprobs[position], '10', 'logprob');
        const minus = num(promptLogprobs[position], '12', 'logprob');
        expect(text(promptLogprobs[position], '10', 'decoded_token')).toBe('+');
        expect(Math.exp(plus) / (Math.exp(plus) + Math.exp(minus))).toBeCloseTo(
          expected[step] ?? NaN,
          6,
        );
      });
      for (const entry of valuesAt(promptLogprobs, 5))
        expect(entry).toEqual({
          logprob: expect.any(Number),
          rank: expect.any(Number),
          decoded_token: expect.any(String),
        });
    });

    it('generates the label after an open assistant turn, with both labels in top_logprobs', async () => {
      const server = prm('rlhflow');
      const messages = conversation(correct).slice(0, -1);
      const response = await postJson(`${server.url}/v1/chat/completions`, {
        messages,
        max_completion_tokens: 1,
        temperature: 0,
        logprobs: true,
        top_logprobs: 2,
      });
      const top = list(response.body, 'choices', 0, 'logprobs', 'content', 0, 'top_logprobs');
      const tokensSeen = top.map((entry) => text(entry, 'token')).sort();
      expect(tokensSeen).toEqual(['+', '-']);
      const plus = num(
        top.find((entry) => text(entry, 'token') === '+'),
        'logprob',
      );
      const minus = num(
        top.find((entry) => text(entry, 'token') === '-'),
        'logprob',
      );
      const expected = await qwenScores(correct);
      expect(Math.exp(plus) / (Math.exp(plus) + Math.exp(minus))).toBeCloseTo(
        expected[expected.length - 1] ?? NaN,
        6,
      );
      expect(at(response.body, 'choices', 0, 'message', 'content')).toBe(plus > minus ? '+' : '-');
    });
  });
});
