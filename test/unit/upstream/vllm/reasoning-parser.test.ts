/**
 * A policy server launched with `--reasoning-parser` moves the thinking out of `message.content`
 * (vLLM 0.10.x `ChatMessage.reasoning_content`, `reasoning` later): in chat-continue mode the
 * continuation would read as empty steps, so the call is refused with what to change.
 */
import type { GenerateResult } from '../../../../src/tts';
import { createUpstreamClient, createVllmPolicy } from '../../../../src/upstream';
import { startFakeServer } from '../stacks/fakes/fake-http-server';

const MESSAGES = [{ role: 'user' as const, content: 'What is 2 + 2?' }];
const PARAMS = { temperature: 0.7, topP: 1, maxTokens: 64, stop: ['\n\n'], n: 1, seed: 1 };

function chatAnswer(message: Record<string, unknown>): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'policy',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** One chat-continue call of `prefix` against a server answering `message`; closed after. */
async function continueAgainst(
  message: Record<string, unknown>,
  prefix: string,
): Promise<GenerateResult> {
  const fake = await startFakeServer(() => ({ body: chatAnswer(message) }));
  const client = createUpstreamClient({
    name: 'policy',
    baseUrl: fake.url,
    timeoutMs: 5000,
    maxConnections: 2,
    retries: 0,
  });
  try {
    const policy = createVllmPolicy({
      client,
      servedName: 'policy',
      messages: MESSAGES,
      mode: 'chat-continue',
    });
    return await policy.generate([prefix], PARAMS);
  } finally {
    await client.close();
    await fake.close();
  }
}

describe('chat-continue against a server that splits reasoning out', () => {
  it.each([
    ['reasoning_content (0.10.x)', { content: null, reasoning_content: 'Step 1: 2 + 2 = 4.' }],
    ['reasoning (later releases)', { content: '', reasoning: 'Step 1: 2 + 2 = 4.' }],
    ['both, one empty', { content: null, reasoning: '', reasoning_content: 'Step 1: 4.' }],
  ])('refuses an answer with %s, naming the launch flag', async (_name, message) => {
    await expect(continueAgainst(message, 'Step 0: read.\n\n')).rejects.toThrow(
      /--reasoning-parser/,
    );
  });

  it('reads an answer whose reasoning fields are null or absent as before', async () => {
    const result = await continueAgainst(
      { content: 'Step 1: 4.\n\n', reasoning_content: null },
      '',
    );
    expect(result.outputs[0]?.[0]?.text).toBe('Step 1: 4.\n\n');
  });
});
