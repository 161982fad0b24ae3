import OpenAI from 'openai';
import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const QUESTION =
  'A farmer has 17 rows of 23 apple trees and removes 5 trees. How many trees remain?';

interface TtsMetadata {
  method: string;
  n: number;
  m: number;
  budget_spent: number;
  rounds: number;
  policy_calls: number;
  prm_calls: number;
  vote_table: { answer: string; count: number; score_sum: number }[];
  flops: { policy: number; prm: number; total: number };
  simulated: boolean;
  degraded: string | null;
  warnings: { code: string; message: string }[];
  candidate_details?: { step_scores: number[] | null }[];
}

/** Add proxy extensions to SDK params (the SDK sends unknown fields as-is). */
function withTts<T extends object>(params: T, extras: Record<string, unknown>): T {
  return { ...params, ...extras };
}

function ttsOf(value: unknown): TtsMetadata {
  return (value as { tts: TtsMetadata }).tts;
}

describe('test-time scaling through the proxy (openai SDK against the simulator)', () => {
  let server: RunningServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startTestServer();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  const strategies = [
    { strategy: 'cot', n: 1 },
    { strategy: 'majority', n: 8 },
    { strategy: 'best_of_n', n: 8 },
    { strategy: 'beam_search', n: 8 },
    { strategy: 'dvts', n: 8 },
  ] as const;

  it.each(strategies)(
    '$strategy answers with a boxed answer and metadata',
    async ({ strategy, n }) => {
      const completion = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: QUESTION }],
        seed: 7,
        // @ts-expect-error proxy extensions
        tts_budget: { n, strategy },
        tts_return_candidates: true,
      });
      const tts = ttsOf(completion);
      expect(tts.method).toBe(strategy);
      expect(tts.simulated).toBe(true);
      expect(completion.choices[0]?.message.content).toMatch(/\\boxed\{/);
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      const usage = completion.usage;
      expect(usage?.completion_tokens).toBeGreaterThan(0);
      expect(usage?.total_tokens).toBe(
        (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0),
      );
      expect(tts.flops.policy).toBeGreaterThan(0);
      if (strategy === 'cot') {
        expect(tts.budget_spent).toBe(1);
        expect(tts.prm_calls).toBe(0);
      } else {
        expect(tts.vote_table.length).toBeGreaterThan(0);
      }
      if (strategy === 'beam_search' || strategy === 'dvts') {
        // One policy call per open path (at most N/M) and one PRM call per round.
        expect(tts.policy_calls).toBeGreaterThanOrEqual(tts.rounds);
        expect(tts.policy_calls).toBeLessThanOrEqual(1 + (tts.rounds - 1) * (n / tts.m));
        expect(tts.prm_calls).toBeLessThanOrEqual(tts.rounds);
        expect(tts.flops.prm).toBeGreaterThan(0);
      }
      if (strategy === 'best_of_n') {
        expect(tts.policy_calls).toBe(1);
        expect(tts.prm_calls).toBe(1);
        expect(tts.budget_spent).toBe(8);
        expect(tts.candidate_details?.every((c) => Array.isArray(c.step_scores))).toBe(true);
      }
    },
  );

  it.each(strategies)(
    '$strategy streams: role, content chunks, finish, usage, [DONE]',
    async ({ strategy, n }) => {
      const stream = await client.chat.completions.create(
        withTts(
          {
            model: MODEL,
            messages: [{ role: 'user', content: QUESTION }],
            stream: true,
            stream_options: { include_usage: true },
          } as const,
          { tts_budget: { n, strategy }, tts_stream_progress: true },
        ),
      );
      let content = '';
      let reasoning = '';
      let finish: string | null = null;
      let usage = 0;
      for await (const part of stream) {
        const delta = part.choices[0]?.delta as
          { content?: string; reasoning_content?: string } | undefined;
        content += delta?.content ?? '';
        reasoning += delta?.reasoning_content ?? '';
        finish = part.choices[0]?.finish_reason ?? finish;
        if (part.usage) usage++;
      }
      expect(content).toMatch(/\\boxed\{/);
      expect(finish).toBe('stop');
      expect(usage).toBe(1);
      if (strategy === 'beam_search' || strategy === 'dvts') expect(reasoning).toMatch(/round \d+/);
    },
  );

  it("keeps OpenAI's stop contract: the returned text ends before the client's stop string", async () => {
    const completion = await client.chat.completions.create(
      withTts(
        { model: MODEL, messages: [{ role: 'user', content: QUESTION }], stop: ['\n'] },
        { tts_budget: { n: 4, strategy: 'best_of_n' } },
      ),
    );
    const choice = completion.choices[0];
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    expect(choice?.message.content).not.toContain('\n');
    expect(choice?.finish_reason).toBe('stop');
    const tts = ttsOf(completion);
    expect(tts.warnings).toContainEqual(expect.objectContaining({ code: 'stop-applied' }));
    expect(tts.warnings).not.toContainEqual(expect.objectContaining({ code: 'parameter-ignored' }));
  });

  it('returns top-n distinct answers when n > 1', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content:
            'Hard problem 991: compute the sum of the special sequence described in the sim world.',
        },
      ],
      n: 2,
      seed: 3,
      // @ts-expect-error proxy extensions
      tts_budget: { n: 16, strategy: 'majority' },
    });
    const tts = ttsOf(completion);
    expect(completion.choices.length).toBe(2);
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
    if (tts.vote_table.length >= 2) expect(tts.warnings).toEqual([]);
  });

  it('fills n choices with other solutions when the vote found fewer distinct answers, and says so', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'What is 2 + 2?' }],
      n: 6,
      seed: 3,
      // @ts-expect-error proxy extensions
      tts_budget: { n: 8, strategy: 'majority' },
    });
    const tts = ttsOf(completion);
    const distinct = tts.vote_table.length;
    expect(distinct).toBeLessThan(6);
    expect(completion.choices).toHaveLength(6);
    expect(new Set(completion.choices.map((choice) => choice.message.content)).size).toBe(6);
    expect(tts.warnings).toContainEqual(
      expect.objectContaining({ code: 'choices-repeat-answers' }),
    );
    // Fewer finished candidates than n: still n choices (OpenAI's shape), the finished one
    // repeated, and a warning saying so.
    const few = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'What is 2 + 2?' }],
      n: 3,
      // @ts-expect-error proxy extensions
      tts_budget: { n: 1, strategy: 'cot' },
    });
    expect(few.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(few.choices.map((choice) => choice.message.content)).size).toBe(1);
    expect(ttsOf(few).warnings).toContainEqual(
      expect.objectContaining({ code: 'fewer-choices', message: expect.stringMatching(/repeat/) }),
    );
    // Streamed, the same n choices arrive, each with its own index and finish.
    const stream = await client.chat.completions.create(
      withTts(
        {
          model: MODEL,
          messages: [{ role: 'user', content: 'What is 2 + 2?' }],
          n: 6,
          seed: 3,
          stream: true,
        } as const,
        { tts_budget: { n: 8, strategy: 'majority' } },
      ),
    );
    const streamed = new Map<number, { content: string; finish: string | null }>();
    for await (const part of stream)
      for (const choice of part.choices) {
        const seen = streamed.get(choice.index) ?? { content: '', finish: null };
        seen.content += choice.delta.content ?? '';
        seen.finish = choice.finish_reason ?? seen.finish;
        streamed.set(choice.index, seen);
      }
    expect([...streamed.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(completion.choices.map((choice) => choice.message.content)).toEqual(
      [...streamed.values()].map((choice) => choice.content),
    );
    for (const choice of streamed.values()) expect(choice.finish).toBe('stop');
  });

  it('honours header > body > alias precedence and reports headers', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .set('x-tts-strategy', 'majority')
      .set('x-tts-budget', '4')
      .send({
        model: `${MODEL}@beam_search:16`,
        messages: [{ role: 'user', content: QUESTION }],
        tts_budget: { n: 8, strategy: 'best_of_n' },
      });
    expect(response.status).toBe(200);
    expect(response.body.tts.method).toBe('majority');
    expect(response.body.tts.n).toBe(4);
    expect(response.headers['x-tts-strategy']).toBe('majority');
    expect(response.headers['x-tts-budget-spent']).toBe('4');
    expect(response.body.model).toBe(`${MODEL}@beam_search:16`);
  });

  it('uses the model alias when it is the only source', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({ model: `${MODEL}@dvts:8`, messages: [{ role: 'user', content: QUESTION }] });
    expect(response.status).toBe(200);
    expect(response.body.tts.method).toBe('dvts');
    expect(response.body.tts.n).toBe(8);
  });

  it('auto probes, estimates the difficulty, picks the table row for a small policy with a good PRM, and says why', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({ model: MODEL, messages: [{ role: 'user', content: QUESTION }], tts_budget: 16 });
    expect(response.status).toBe(200);
    const tts = response.body.tts;
    expect(tts.requested_strategy).toBe('auto');
    expect(tts.sources.strategy).toBe('auto');
    expect(tts.auto.probe_samples).toBe(4);
    expect(['easy', 'medium', 'hard']).toContain(tts.auto.difficulty.bin);
    expect(tts.auto.bin).toBe(tts.auto.difficulty.bin);
    expect(tts.auto.size_class).toBe('small');
    expect(tts.auto.prm_class).toBe('strong');
    expect(tts.auto.table).toBe('paper-default');
    // docs/paper-findings.md#which-method-wins: small policies with a strong PRM — BoN on easy, beam search on medium/hard.
    expect(tts.method).toBe(tts.auto.difficulty.bin === 'easy' ? 'best_of_n' : 'beam_search');
    expect(tts.auto.row.method).toBe(tts.method);
    expect(tts.reason).toMatch(/small/);
    expect(tts.reason).toMatch(/probe/);
    expect(tts.auto.budget_spent).toBeLessThanOrEqual(16);
    if (tts.method === 'beam_search') {
      // 4 probe samples + beam search at N=12: the 3 beams' paths vote, as the paper's do.
      expect(tts.candidates).toBe(3);
      expect(tts.auto.early_stop).toBeNull();
    }
    expect(response.headers['x-tts-strategy']).toBe(tts.method);
    const metrics = await request(server.url).get('/metrics');
    expect(metrics.text).toMatch(
      new RegExp(
        `tts_proxy_tts_auto_choices_total\\{bin="${tts.auto.bin}",method="${tts.method}"\\} 1`,
      ),
    );
  });
});
