import { chatRequestSchema } from '../../../src/server/openai-wire';
import { checkPlainChatRequest } from '../../../src/server/plain-chat-check';
import { createSeededRandom } from '../../../src/util';

/** Values a field may hold in a request, valid for some fields and not for others. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  -1,
  0.5,
  2,
  2.5,
  128,
  129,
  2 ** 53,
  1e400,
  -1e400,
  '',
  'x',
  'user',
  'a'.repeat(513),
  [],
  ['a'],
  ['a', 'b', 'c', 'd', 'e'],
  Array.from({ length: 256 }, (_, i) => `s${i}`),
  Array.from({ length: 257 }, (_, i) => `s${i}`),
  [1],
  {},
  { include_usage: true },
  { include_usage: 'yes' },
];
const FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'n',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'seed',
  'stop',
  'tts_return_candidates',
  'tts_stream_progress',
  'tts_budget',
  'logit_bias',
];
const MESSAGES: unknown[] = [
  { role: 'user', content: 'hi' },
  { role: 'assistant', content: null, name: 'a' },
  { role: 'tool', content: 'x', tool_call_id: '1' },
  { role: 'robot', content: 'hi' },
  { role: 'user', content: 5 },
  { role: 'user', content: [{ type: 'text', text: 'hi' }] },
  { role: 'user', name: 7 },
  'user',
];

describe('checkPlainChatRequest', () => {
  it('accepts a plain request as the schema returns it', () => {
    const body = {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.7,
      max_tokens: 16,
      stop: ['\n'],
      metadata: { big: 2 ** 60 },
    };
    expect(checkPlainChatRequest(body)).toEqual(chatRequestSchema.parse(body));
  });

  it('never accepts what the schema refuses, and returns what it returns (seeded fuzz)', () => {
    const random = createSeededRandom(18);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const body: Record<string, unknown> = {
        model: random() < 0.8 ? 'model' : pick(VALUES),
        messages:
          random() < 0.8
            ? Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
                random() < 0.7 ? MESSAGES[0] : pick(MESSAGES),
              )
            : pick(VALUES),
      };
      for (const field of FIELDS) if (random() < 0.12) body[field] = pick(VALUES);
      const quick = checkPlainChatRequest(body);
      if (quick === null) continue;
      accepted++;
      const parsed = chatRequestSchema.safeParse(body);
      expect({ body, success: parsed.success }).toEqual({ body, success: true });
      expect(quick).toEqual(parsed.data);
    }
    expect(accepted).toBeGreaterThan(100);
  });
});
