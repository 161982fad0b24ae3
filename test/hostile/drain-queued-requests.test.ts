/**
 * A request waiting in the admission queue when the drain starts: if its queue time runs out during
 * the drain, its client hears that this instance is going away (503 `shutting_down`, as a request
 * arriving now does), not a 429 `overloaded` asking it to retry here (review 25 hostile F4).
 */
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';

function chat(url: string, question: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: question }],
      max_tokens: 5,
    }),
  });
}

describe('a queued request whose wait runs out during the drain', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: '1',
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '4',
      TTS_PROXY__SERVER__QUEUE_TIMEOUT_MS: '300',
      TTS_PROXY__SERVER__DRAIN_TIMEOUT_MS: '5000',
      // The running request holds the one slot past the queued one's 300 ms.
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '800',
    });
  });

  it('gets 503 shutting_down, and the running one finishes', async () => {
    const running = chat(server.url, 'What is 1 + 1?');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = chat(server.url, 'What is 2 + 2?');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = server.close();
    const refused = await queued;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'shutting_down' } });
    expect((await running).status).toBe(200);
    await stopped;
  });
});
