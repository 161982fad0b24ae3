import { UpstreamError } from '../../../../src/errors';
import { createVllmModelBackend } from '../../../../src/upstream/vllm';
import { testModelInfo } from '../../model-info-fixture';
import { createFakeUpstreamClient, type FakeCall } from '../fake-upstream-client';

const MESSAGES = [{ role: 'user' as const, content: 'What is 2 + 2?' }];

/** vLLM's context refusal (serving_engine `_validate_input`), as the transport raises it. */
function contextRefusal(): UpstreamError {
  return new UpstreamError(
    "upstream 'policy' answered 400: This model's maximum context length is 200 tokens. However, you requested 201 tokens (150 in the messages, 51 in the completion).",
    { upstream: 'policy', status: 400 },
  );
}

describe('createVllmModelBackend, chat-continue step API', () => {
  it('counts a refused continuation exactly (the continue render) and retries it once', async () => {
    const client = createFakeUpstreamClient('http://policy');
    let chatCalls = 0;
    client.handler = (call: FakeCall) => {
      const body = call.body as Record<string, unknown>;
      if (call.path === '/tokenize')
        return body.continue_final_message === true
          ? { count: 160, max_model_len: 200, tokens: [] }
          : { count: 100, max_model_len: 200, tokens: [] };
      chatCalls += 1;
      if (chatCalls === 1) throw contextRefusal();
      return {
        choices: [{ index: 0, message: { content: ' 4.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 160, completion_tokens: 2 },
      };
    };
    const backend = createVllmModelBackend({
      info: testModelInfo({ name: 'm', servedName: 'served', isSimulated: false }),
      policyClient: client,
      stepApi: 'chat-continue',
      buildMessages: (messages) => [...messages],
      verifier: null,
    });
    const { policy, supportCalls } = await backend.createPolicy(MESSAGES);
    const result = await policy.generate(['Two plus two is'], {
      n: 1,
      temperature: 0.7,
      topP: 1,
      maxTokens: 2048,
      stop: ['\n\n'],
    });
    expect(result.outputs[0]?.[0]?.text).toBe(' 4.');
    const paths = client.calls.map((call) => call.path);
    // The conversation's render; the unseen prefix counted; the refused call; the recount; the
    // retry.
    expect(paths).toEqual([
      '/tokenize',
      '/tokenize',
      '/v1/chat/completions',
      '/tokenize',
      '/v1/chat/completions',
    ]);
    // The count renders the request the retry sends: the prefix as the continued last turn.
    expect(client.calls[3]?.body).toMatchObject({
      messages: [...MESSAGES, { role: 'assistant', content: 'Two plus two is' }],
      add_generation_prompt: false,
      continue_final_message: true,
    });
    // The retry asks no more than the exact count leaves: 200 - 160 tokens.
    const retried = client.calls[4]?.body as { max_tokens: number };
    expect(retried.max_tokens).toBeLessThanOrEqual(40);
    expect(supportCalls?.()).toBe(3);
  });
});

describe('createVllmModelBackend, lanes', () => {
  it("makes every call of one request's policy in a lane of its own", async () => {
    const client = createFakeUpstreamClient('http://policy');
    client.handler = (call: FakeCall) =>
      call.path === '/tokenize'
        ? { count: 3, max_model_len: 4096, tokens: [1, 2, 3] }
        : {
            choices: [{ index: 0, text: ' 4.', finish_reason: 'stop', stop_reason: null }],
            usage: { prompt_tokens: 3, completion_tokens: 2 },
          };
    const lanes: string[][] = [];
    client.inLane = () => {
      const calls: string[] = [];
      lanes.push(calls);
      return {
        ...client,
        postJson: (path, body, signal) => {
          calls.push(path);
          return client.postJson(path, body, signal);
        },
      };
    };
    const backend = createVllmModelBackend({
      info: testModelInfo({ name: 'm', servedName: 'served', isSimulated: false }),
      policyClient: client,
      stepApi: 'completions',
      buildMessages: (messages) => [...messages],
      verifier: null,
    });
    const sampling = { n: 1, temperature: 0.7, topP: 1, maxTokens: 64, stop: ['\n\n'] };
    for (let request = 0; request < 2; request++) {
      const { policy } = await backend.createPolicy(MESSAGES);
      await policy.generate([''], sampling);
    }
    // Rendered (ids, then text), then sampled: each request's calls in its own lane.
    const calls = ['/tokenize', '/detokenize', '/v1/completions'];
    expect(lanes).toEqual([calls, calls]);
  });
});
