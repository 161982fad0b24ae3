/**
 * The per-request scope rule end to end (docs/request-scope.md): requests TTS cannot serve
 * faithfully reach the policy upstream unchanged — checked on what a recording front in front of
 * the simulator received — and the response says why; an agent loop with tools works through a
 * proxy whose model has a default budget; an open-ended TTS request returns its best-scored
 * candidate; a 3-turn chat reaches the policy whole and the PRM folded.
 */
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import { QWEN_MATH_SYSTEM_PROMPT } from '../../src/prompt';
import { startSimulator, type RunningSimulator } from '../../src/sim';
import {
  startDefaultPolicySimulator,
  startRecordingFront,
  type RecordedRequest,
  type RecordingFront,
} from './recording-front';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const SERVED = 'sim-qwen2.5-1.5b-instruct';
const CHAT = '/v1/chat/completions';
const DEFAULT_BUDGET = 4;

interface PassthroughTts {
  method: string;
  reason: string;
  passthrough_reason: string;
  warnings: { code: string; message: string }[];
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const ADD_TOOL = {
  type: 'function' as const,
  function: {
    name: 'add',
    description: 'Add two integers.',
    parameters: {
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      required: ['a', 'b'],
    },
  },
};

/** What a vLLM server with a tool parser returns for a tool call (OpenAI's shape). */
function toolCallResponse(id: string): unknown {
  return {
    id: 'chatcmpl-front',
    object: 'chat.completion',
    created: 0,
    model: SERVED,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id, type: 'function', function: { name: 'add', arguments: '{"a":17,"b":25}' } },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
  };
}

/** The body the upstream must receive: the client's, with the served name and no proxy fields. */
function expectedUpstreamBody(sent: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...sent, model: SERVED };
  for (const key of Object.keys(body)) if (key.startsWith('tts_')) delete body[key];
  return body;
}

describe('request scope: what gets TTS and what passes through', () => {
  let policySim: RunningSimulator;
  let prmSim: RunningSimulator;
  let policyFront: RecordingFront;
  let prmFront: RecordingFront;
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    policySim = await startDefaultPolicySimulator();
    prmSim = await startSimulator({
      role: 'prm',
      model: {
        servedName: 'sim-qwen2.5-math-prm-7b',
        paramsB: 7,
        family: 'qwen2.5-math-prm',
        quality: 0.85,
      },
      seed: 4321,
    });
    policyFront = await startRecordingFront(policySim.url);
    prmFront = await startRecordingFront(prmSim.url);
    server = await startTestServer({
      TTS_PROXY__UPSTREAMS__POLICY__URL: policyFront.url,
      TTS_PROXY__UPSTREAMS__PRM__URL: prmFront.url,
      TTS_PROXY__MODELS__0__DEFAULT_BUDGET: String(DEFAULT_BUDGET),
      // No background A/B runs: they would reach the fronts during the next test.
      TTS_PROXY__AB__SHADOW_RATE: '0',
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await Promise.all([policyFront.close(), prmFront.close()]);
    await Promise.all([policySim.close(), prmSim.close()]);
  });
  beforeEach(() => {
    policyFront.requests.length = 0;
    prmFront.requests.length = 0;
    policyFront.setResponder(null);
  });

  async function post(body: Record<string, unknown>): Promise<Answer> {
    const response = await fetch(`${server.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  function onlyChatRequest(): RecordedRequest {
    const chats = policyFront.requestsTo(CHAT);
    expect(chats).toHaveLength(1);
    return chats[0] as RecordedRequest;
  }

  it('runs an agent loop with tools unchanged through a model with a default budget', async () => {
    policyFront.setResponder((recorded) => {
      const body = recorded.body as { messages?: { role: string }[]; tools?: unknown };
      const last = body.messages?.[body.messages.length - 1];
      // Call the tool first; once its result is in, let the simulator write the reply.
      return recorded.path === CHAT && body.tools && last?.role !== 'tool'
        ? toolCallResponse('call_1')
        : undefined;
    });
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is 17 + 25? Use the add tool.' },
    ];
    const sent: Record<string, unknown>[] = [];
    let final: string | null = null;
    for (let turn = 0; turn < 4 && final === null; turn++) {
      const params = { model: MODEL, messages: [...messages], tools: [ADD_TOOL] };
      sent.push(JSON.parse(JSON.stringify(params)) as Record<string, unknown>);
      const { data, response } = await client.chat.completions.create(params).withResponse();
      expect(response.headers.get('x-tts-strategy')).toBe('passthrough');
      expect(response.headers.get('x-tts-passthrough-reason')).toBe('tools');
      const message = data.choices[0]?.message;
      const call = message?.tool_calls?.[0];
      if (call?.type === 'function') {
        const args = JSON.parse(call.function.arguments) as { a: number; b: number };
        messages.push(
          { role: 'assistant', content: null, tool_calls: message?.tool_calls ?? [] },
          { role: 'tool', tool_call_id: call.id, content: String(args.a + args.b) },
        );
      } else {
        final = message?.content ?? null;
      }
    }
    expect(final).toEqual(expect.any(String));
    const received = policyFront.requestsTo(CHAT).map((recorded) => recorded.body);
    expect(received).toEqual(sent.map(expectedUpstreamBody));
    // The loop really went through a tool round trip.
    expect(received).toHaveLength(2);
  });

  const reasons: [string, Record<string, unknown>][] = [
    ['tools', { tools: [ADD_TOOL], tool_choice: 'auto' }],
    ['structured-output', { response_format: { type: 'json_object' } }],
    ['logprobs', { logprobs: true, top_logprobs: 2 }],
    [
      'non-text-content',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is 6 * 7?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
        ],
      },
    ],
    [
      'not-a-user-turn',
      {
        messages: [
          { role: 'user', content: 'What is 6 * 7?' },
          { role: 'assistant', content: 'Six times seven is' },
        ],
        continue_final_message: true,
        add_generation_prompt: false,
      },
    ],
    ['no-question', { messages: [{ role: 'user', content: '' }] }],
  ];

  it.each(reasons)(
    '%s: passes through unchanged despite an explicit tts_budget, and says why',
    async (code, extra) => {
      const sent = {
        model: MODEL,
        messages: [{ role: 'user', content: 'What is 6 * 7?' }],
        max_tokens: 40,
        tts_budget: 8,
        ...extra,
      };
      const answer = await post(sent);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-tts-strategy')).toBe('passthrough');
      expect(answer.headers.get('x-tts-passthrough-reason')).toBe(code);
      expect(onlyChatRequest().body).toEqual(expectedUpstreamBody(sent));
      const tts = answer.body.tts as PassthroughTts;
      expect(tts).toMatchObject({ method: 'passthrough', passthrough_reason: code });
      expect(tts.reason).toMatch(/^passed through unchanged: /);
      expect(tts.warnings).toEqual([
        { code: 'budget-not-spent', message: expect.stringContaining('was not spent') },
      ]);
      expect(answer.body.model).toBe(MODEL);
      // Nothing was searched: no completions, no PRM.
      expect(policyFront.requestsTo('/v1/completions')).toEqual([]);
      expect(prmFront.requests).toEqual([]);
    },
  );

  it('open-ended: the default budget does not apply to a request that is not a single-answer problem', async () => {
    const sent = {
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a haiku about rain.' }],
    };
    const answer = await post(sent);
    expect(answer.headers.get('x-tts-passthrough-reason')).toBe('open-ended');
    expect(onlyChatRequest().body).toEqual(expectedUpstreamBody(sent));
    const tts = answer.body.tts as PassthroughTts;
    expect(tts.reason).toContain("opens with 'write'");
    expect(tts.warnings).toEqual([]);
  });

  it("a chat UI's title task under a model alias passes through, with the alias's budget not spent", async () => {
    const sent = {
      model: `${MODEL}@best_of_n:8`,
      messages: [
        {
          role: 'user',
          content:
            'user: What is 4 * 7?\nassistant: It is $\\boxed{28}$.\n\nPlease summarize the above conversation into a title of 10 words or less.',
        },
      ],
    };
    const answer = await post(sent);
    expect(answer.headers.get('x-tts-passthrough-reason')).toBe('open-ended');
    expect(onlyChatRequest().body).toEqual({ ...sent, model: SERVED });
    const tts = answer.body.tts as PassthroughTts;
    expect(tts.reason).toContain('model alias');
    expect(tts.warnings).toEqual([
      { code: 'budget-not-spent', message: expect.stringContaining('model alias') },
    ]);
    expect(answer.body.model).toBe(sent.model);
    expect(policyFront.requestsTo('/v1/completions')).toEqual([]);
  });

  it('stop-sequences: the default budget does not apply to an agent step that sets stop strings', async () => {
    const sent = {
      model: MODEL,
      messages: [
        { role: 'system', content: 'Answer with Thought:, Code: and <end_code>.' },
        { role: 'user', content: 'New task:\nHow many seconds are in a leap year?' },
      ],
      stop: ['<end_code>', 'Observation:'],
    };
    const answer = await post(sent);
    expect(answer.headers.get('x-tts-passthrough-reason')).toBe('stop-sequences');
    expect(onlyChatRequest().body).toEqual(expectedUpstreamBody(sent));
    const tts = answer.body.tts as PassthroughTts;
    expect(tts.reason).toContain('stop strings');
    expect(tts.warnings).toEqual([]);
    expect(policyFront.requestsTo('/v1/completions')).toEqual([]);
  });

  it('a stream that passes through says why in its headers and is relayed as the upstream sent it', async () => {
    const response = await fetch(`${server.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: 'user', content: 'What is 6 * 7?' }],
        response_format: { type: 'json_object' },
        stream: true,
        max_tokens: 20,
        tts_budget: 4,
      }),
    });
    expect(response.headers.get('x-tts-passthrough-reason')).toBe('structured-output');
    expect(response.headers.get('x-tts-warning')).toContain('was not spent');
    const text = await response.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('the default budget runs TTS on a single-answer problem', async () => {
    const answer = await post({
      model: MODEL,
      messages: [{ role: 'user', content: 'A crate holds 17 rows of 23 jars. How many jars?' }],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-tts-strategy')).not.toBe('passthrough');
    const tts = answer.body.tts as { n: number; sources: Record<string, string> };
    expect(tts.n).toBe(DEFAULT_BUDGET);
    expect(tts.sources.n).toBe('model-default');
    expect(policyFront.requestsTo(CHAT)).toEqual([]);
  });

  it('open-ended TTS returns the highest-scored candidate, labelled, with the vote table', async () => {
    const haikus = [
      'Red leaves drift and fall\nthe maple lets its year go\nquiet in the rain',
      'Autumn wind at dusk\ngeese write a line on the sky\nthe field turns to gold',
      'Cold light on the pond\none leaf turns, then another\nthe heron stands still',
      'Harvest moon rises\npumpkins glow along the fence\nnights grow long and clear',
    ];
    policyFront.setResponder((recorded) => {
      if (recorded.path !== '/v1/completions') return undefined;
      const body = recorded.body as { prompt: unknown[]; n?: number };
      const prompts = Array.isArray(body.prompt[0]) ? body.prompt.length : 1;
      const count = prompts * (body.n ?? 1);
      return {
        id: 'cmpl-front',
        object: 'text_completion',
        created: 0,
        model: SERVED,
        choices: Array.from({ length: count }, (_, index) => ({
          index,
          text: haikus[index % haikus.length],
          finish_reason: 'stop',
          stop_reason: null,
        })),
        usage: { prompt_tokens: 12, completion_tokens: 20 * count, total_tokens: 12 + 20 * count },
      };
    });
    const answer = await post({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a haiku about autumn.' }],
      tts_budget: 4,
      tts_return_candidates: true,
    });
    expect(answer.status).toBe(200);
    const tts = answer.body.tts as {
      method: string;
      selection: string;
      reason: string;
      degraded: string | null;
      vote_table: { answer: string; score_sum: number }[];
      candidate_details: { text: string; score: number }[];
    };
    expect(tts).toMatchObject({ method: 'best_of_n', selection: 'reward', degraded: null });
    expect(tts.reason).toContain('Best-of-N by reward');
    const scores = tts.candidate_details.map((candidate) => candidate.score);
    // Distinct scores, so the choice below is the verifier's, not a tie broken by position.
    expect(new Set(scores).size).toBeGreaterThan(1);
    const best = Math.max(...scores);
    const winner = tts.candidate_details.find((candidate) => candidate.score === best);
    const choices = answer.body.choices as { message: { content: string } }[];
    expect(choices[0]?.message.content).toBe(winner?.text);
    expect(tts.vote_table).toHaveLength(tts.candidate_details.length);
    expect(tts.vote_table[0]?.score_sum).toBe(best);
    expect(tts.vote_table[0]?.answer).toMatch(/^\[candidate \d\] /);
    // An open-ended request gets no answer-format instruction: the client's messages as sent.
    const rendered = policyFront.requestsTo('/tokenize')[0]?.body as { messages: unknown };
    expect(rendered.messages).toEqual([{ role: 'user', content: 'Write a haiku about autumn.' }]);
  });

  it('a 3-turn chat reaches the policy whole and the PRM as one folded question', async () => {
    const messages = [
      { role: 'system', content: 'You are a careful tutor.' },
      { role: 'user', content: 'A crate holds 12 jars.' },
      { role: 'assistant', content: 'Noted: 12 jars per crate.' },
      { role: 'user', content: 'How many jars are in 7 crates?' },
    ];
    const answer = await post({
      model: MODEL,
      messages,
      tts_budget: { n: 4, strategy: 'best_of_n' },
    });
    expect(answer.status).toBe(200);
    const rendered = policyFront.requestsTo('/tokenize')[0]?.body as { messages: unknown };
    expect(rendered.messages).toEqual([
      {
        role: 'system',
        content: `You are a careful tutor.\n\n${QWEN_MATH_SYSTEM_PROMPT}`,
      },
      ...messages.slice(1),
    ]);
    const folded =
      'Conversation so far:\nUser: A crate holds 12 jars.\nAssistant: Noted: 12 jars per crate.\n\nHow many jars are in 7 crates?';
    const prmSent = prmFront.requests.map((recorded) => JSON.stringify(recorded.body)).join('\n');
    expect(prmSent).toContain(JSON.stringify(folded).slice(1, -1));
  });
});
