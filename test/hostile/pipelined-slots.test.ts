/**
 * Admission slots and pipelined requests (review 21): a connection that pipelines requests
 * behind a long one and closes leaves responses that close before their handler takes a slot.
 * The slot must come back all the same; it leaked, and after one such connection a four-slot
 * proxy answered 429 to everything while /health said ok.
 */
import net from 'node:net';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';

function request(path: string, body: string): string {
  return `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const LONG = request(
  '/v1/chat/completions',
  JSON.stringify({
    model: MODEL,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    n: 128,
    max_tokens: 3500,
  }),
);
const CHAT = request(
  '/v1/chat/completions',
  JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
);
const COMPLETION = request(
  '/v1/completions',
  JSON.stringify({ model: MODEL, prompt: 'hi', max_tokens: 5 }),
);

/** One connection: the long stream, `behind` pipelined after it, closed after `ms`. */
async function pipelineAndClose(url: string, behind: string, ms: number): Promise<void> {
  const target = new URL(url);
  const socket = net.connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.write(LONG + behind);
  socket.pause();
  await new Promise((resolve) => setTimeout(resolve, ms));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('admission slots of pipelined requests whose connection closed', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: '4',
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '4',
      TTS_PROXY__SERVER__QUEUE_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['chat', CHAT],
    ['/v1/completions', COMPLETION],
  ])(
    'every slot comes back after pipelined %s requests die with their connection',
    async (_name, behind) => {
      for (let round = 0; round < 3; round++)
        await pipelineAndClose(server.url, behind.repeat(8), 1000);
      const probe = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 5,
        }),
      });
      expect(probe.status).toBe(200);
    },
  );
});
