import { InvalidUpstreamResponseError } from '../../../../src/errors';
import { createUpstreamClient } from '../../../../src/upstream';
import { renderLlamaCppPrompt } from '../../../../src/upstream/stacks';
import { bodyOf } from './fakes/fake-http-server';
import { startLlamaCppFake } from './fakes/llama-cpp-fake';
import { toyChatTemplate, toyTokens } from './fakes/toy-generator';

describe('renderLlamaCppPrompt', () => {
  const messages = [
    { role: 'system' as const, content: 'Please reason step by step.' },
    { role: 'user' as const, content: 'What is 2 + 3 * 4?' },
  ];

  it('renders with the server’s template (/apply-template) and counts the tokens (/tokenize)', async () => {
    const fake = await startLlamaCppFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    const rendered = await renderLlamaCppPrompt(client, messages);
    expect(rendered).toEqual({
      text: toyChatTemplate(messages),
      tokens: toyTokens(toyChatTemplate(messages)),
    });
    expect(fake.requests.map((request) => request.path)).toEqual(['/apply-template', '/tokenize']);
    expect(bodyOf(fake.requests[0]!)).toEqual({ messages });
    expect(bodyOf(fake.requests[1]!)).toEqual({
      content: toyChatTemplate(messages),
      add_special: true,
    });
    await client.close();
    await fake.close();
  });

  it('rejects an /apply-template answer without a prompt', async () => {
    const fake = await startLlamaCppFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    fake.override({ kind: 'reply', reply: { body: { text: 'no prompt here' } } });
    await expect(renderLlamaCppPrompt(client, messages)).rejects.toBeInstanceOf(
      InvalidUpstreamResponseError,
    );
    await client.close();
    await fake.close();
  });
});
