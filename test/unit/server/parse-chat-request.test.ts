import { InvalidRequestError } from '../../../src/errors';
import {
  parseBudget,
  parseBudgetHeader,
  parseChatRequest,
  parseModelAlias,
} from '../../../src/server/parse-chat-request';

const MESSAGES = [{ role: 'user', content: 'What is 1+1?' }];

/** The 400 a parse throws: its message and the param it names. */
function refusal(parse: () => unknown): { message: string; param: string | null } {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    return { message: error.message, param: error.param };
  }
  throw new Error('expected an InvalidRequestError');
}

describe('parseBudget', () => {
  it('parses budgets as integers or objects', () => {
    expect(parseBudget(16, 'tts_budget')).toEqual({ n: 16 });
    expect(
      parseBudget(
        { n: 16, m: 4, strategy: 'dvts', aggregation: 'min', vote: 'prm_vote' },
        'tts_budget',
      ),
    ).toEqual({ n: 16, m: 4, strategy: 'dvts', aggregation: 'min', vote: 'prm_vote' });
    // Integers beyond 2^53 are integers: refused later as above the maximum, not as malformed.
    expect(parseBudget(1e20, 'tts_budget')).toEqual({ n: 1e20 });
  });

  it('names the bad field or sub-field', () => {
    expect(refusal(() => parseBudget(-1, 'tts_budget'))).toEqual({
      message: "Invalid value for 'tts_budget': expected a non-negative integer.",
      param: 'tts_budget',
    });
    expect(refusal(() => parseBudget({ n: 2.5 }, 'tts_budget'))).toEqual({
      message: "Invalid value for 'tts_budget.n': expected a non-negative integer.",
      param: 'tts_budget.n',
    });
    expect(refusal(() => parseBudget({ m: 0 }, 'tts_budget'))).toEqual({
      message: "Invalid value for 'tts_budget.m': expected a positive integer.",
      param: 'tts_budget.m',
    });
    expect(refusal(() => parseBudget({ vote: 'loudest' }, 'tts_budget')).param).toBe(
      'tts_budget.vote',
    );
    expect(refusal(() => parseBudget({ aggregation: 'max' }, 'tts_budget')).message).toMatch(
      /^Invalid value for 'tts_budget.aggregation': expected one of min, last, avg, prod\.$/,
    );
    expect(refusal(() => parseBudget('16', 'tts_budget'))).toEqual({
      message:
        "Invalid value for 'tts_budget': expected an integer or an object {n, m, strategy, aggregation, vote}.",
      param: 'tts_budget',
    });
  });

  it('reports an unknown field before a bad value', () => {
    expect(refusal(() => parseBudget({ n: -1, width: 4 }, 'tts_budget'))).toEqual({
      message: "Unknown field 'tts_budget.width'.",
      param: 'tts_budget.width',
    });
  });
});

describe('parseBudgetHeader', () => {
  it('parses the header as an integer or JSON', () => {
    expect(parseBudgetHeader(' 8 ')).toEqual({ n: 8 });
    expect(parseBudgetHeader('{"n":8,"m":2}')).toEqual({ n: 8, m: 2 });
    expect(refusal(() => parseBudgetHeader('eight'))).toEqual({
      message: "Invalid 'x-tts-budget' header: expected an integer or a JSON object.",
      param: 'x-tts-budget',
    });
    expect(refusal(() => parseBudgetHeader('{"n":-2}')).param).toBe('x-tts-budget.n');
  });
});

describe('parseModelAlias', () => {
  it('splits name@strategy:N, name@strategy and name@N', () => {
    expect(parseModelAlias('m')).toEqual({ name: 'm', part: null });
    expect(parseModelAlias('m@beam_search:16')).toEqual({
      name: 'm',
      part: { strategy: 'beam_search', n: 16 },
    });
    expect(parseModelAlias('m@64')).toEqual({ name: 'm', part: { n: 64 } });
    expect(parseModelAlias('m@dvts')).toEqual({ name: 'm', part: { strategy: 'dvts' } });
    expect(refusal(() => parseModelAlias('m@nonsense:4')).param).toBe('model');
    expect(refusal(() => parseModelAlias('m@dvts:x'))).toEqual({
      message:
        "Invalid model alias 'm@dvts:x': the budget after ':' must be an integer of at most 9 digits.",
      param: 'model',
    });
    // Nothing after the budget, and a budget that reads back as written (never Infinity).
    expect(refusal(() => parseModelAlias('m@best_of_n:16:abc')).message).toMatch(
      /expected name@strategy:N/,
    );
    expect(refusal(() => parseModelAlias(`m@dvts:${'9'.repeat(400)}`)).message).toMatch(
      /at most 9 digits/,
    );
  });
});

describe('parseChatRequest', () => {
  it('gathers every source into one TtsRequest', () => {
    const { wire, tts } = parseChatRequest(
      {
        model: 'm@dvts',
        messages: MESSAGES,
        tts_budget: { n: 8, vote: 'prm_max' },
        tts_strategy: 'best_of_n',
        tts_timeout_ms: 2000,
        tts_return_candidates: true,
      },
      { 'x-tts-budget': '32', 'x-tts-strategy': ' majority ', 'x-tts-ab': ' TTS ' },
    );
    expect(wire.model).toBe('m@dvts');
    // The conversation is built on first read (a getter on the request's class).
    expect({ ...tts, conversation: tts.conversation }).toEqual({
      model: 'm',
      header: { n: 32, strategy: 'majority' },
      body: { n: 8, vote: 'prm_max', strategy: 'best_of_n' },
      alias: { strategy: 'dvts' },
      forcedArm: 'tts',
      timeoutMs: 2000,
      returnCandidates: true,
      streamProgress: false,
      conversation: {
        messages: [{ role: 'user', content: 'What is 1+1?' }],
        blockers: [],
        choices: 1,
        maxTokens: null,
        seed: null,
        ignoredParameters: [],
        stop: [],
      },
    });
  });

  it('reads the conversation as the search sees it: template roles, text, blockers, ignored fields', () => {
    const { tts } = parseChatRequest(
      {
        model: 'm',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is ' },
              { type: 'text', text: '2+2?' },
            ],
          },
        ],
        n: 2,
        max_tokens: 64,
        seed: 7,
        temperature: 0.2,
        stop: null,
        frequency_penalty: 1.5,
        logit_bias: { '1': -100 },
        top_k: 3,
        reasoning_effort: 'low',
        reasoning: { effort: 'low' },
        chat_template_kwargs: { enable_thinking: false },
        tools: [{ type: 'function', function: { name: 'f' } }],
      },
      {},
    );
    expect(tts.conversation).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        // Text parts joined by a newline, as vLLM's chat_utils.py joins them.
        { role: 'user', content: 'What is \n2+2?' },
      ],
      blockers: [expect.objectContaining({ code: 'tools' })],
      choices: 2,
      maxTokens: 64,
      seed: 7,
      ignoredParameters: [
        'temperature',
        'frequency_penalty',
        'logit_bias',
        'top_k',
        'reasoning_effort',
        'reasoning',
        'chat_template_kwargs',
      ],
      stop: [],
    });
    // A single stop string and a list read alike (the returned text is cut at them).
    const stops = (stop: string | string[]) =>
      parseChatRequest({ model: 'm', messages: MESSAGES, stop }, {}).tts.conversation.stop;
    expect(stops('\n')).toEqual(['\n']);
    expect(stops(['###', 'END'])).toEqual(['###', 'END']);
    // More than OpenAI's 4 (vLLM has no cap; Continue sends a user's whole list), up to 256.
    const many = Array.from({ length: 256 }, (_, i) => `#${i}`);
    expect(stops(many)).toEqual(many);
    expect(() => stops([...many, 'one more'])).toThrow(/'stop': at most 256 stop sequences/);
    // As vLLM refuses it (sampling_params.py `_verify_args`), TTS or not (review 25 hostile F4).
    expect(() => stops('')).toThrow(/'stop': stop cannot contain an empty string/);
    expect(() => stops(['END', ''])).toThrow(/'stop': stop cannot contain an empty string/);
    // A message's content parts are bounded, and the 400 says by what (review 25 hostile F4).
    const parts = (count: number): unknown =>
      parseChatRequest(
        {
          model: 'm',
          messages: [
            {
              role: 'user',
              content: Array.from({ length: count }, () => ({ type: 'text', text: 'a' })),
            },
          ],
        },
        {},
      ).tts.conversation.messages;
    expect(parts(1000)).toHaveLength(1);
    expect(() => parts(1001)).toThrow(/'messages\.0\.content': at most 1000 content parts/);
    // Built once, on first read.
    expect(tts.conversation).toBe(tts.conversation);
  });

  it('lets the strategy inside tts_budget win over tts_strategy, and reads null as absent', () => {
    const { tts } = parseChatRequest(
      {
        model: 'm',
        messages: MESSAGES,
        tts_budget: { strategy: 'dvts' },
        tts_strategy: 'majority',
      },
      {},
    );
    expect(tts.body).toEqual({ strategy: 'dvts' });
    const plain = parseChatRequest(
      {
        model: 'm',
        messages: MESSAGES,
        tts_budget: null,
        tts_strategy: null,
        tts_timeout_ms: null,
      },
      {},
    ).tts;
    expect(plain).toMatchObject({ header: null, body: null, alias: null, timeoutMs: null });
  });

  it('names the bad field', () => {
    const parse = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      refusal(() => parseChatRequest({ model: 'm', messages: MESSAGES, ...body }, headers));
    expect(parse({ tts_strategy: 'loudest' }).param).toBe('tts_strategy');
    expect(parse({}, { 'x-tts-strategy': 'loudest' }).param).toBe('x-tts-strategy');
    expect(parse({}, { 'x-tts-ab': 'both' })).toEqual({
      message: "Invalid 'x-tts-ab' header: expected 'cot' or 'tts'.",
      param: 'x-tts-ab',
    });
    expect(parse({ tts_timeout_ms: 0 })).toEqual({
      message: "Invalid value for 'tts_timeout_ms': expected a positive integer (milliseconds).",
      param: 'tts_timeout_ms',
    });
    expect(parse({ n: 0 }).message).toMatch(/^Invalid request: 'n': /);
    expect(refusal(() => parseChatRequest({ messages: MESSAGES }, {})).param).toBe('model');
  });
});
