/**
 * A client that asks `Connection: close` gets its socket closed when its stream ends, on the
 * TTS stream and on the plain chat relay alike (a fixed `connection: keep-alive` header of ours
 * held the socket until the keep-alive timeout, about a minute; found by a hostile-client review).
 * Raw sockets: the client never half-closes, so only the server can end the connection.
 */
import net from 'node:net';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';

/** Sends one request and waits for the server to close; the head and whether it closed in time. */
function streamAndWaitForClose(
  url: string,
  body: object,
  connection: 'close' | 'keep-alive',
): Promise<{ head: string; closedAfterEndMs: number | null }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const socket = net.connect(Number(target.port), target.hostname);
    const payload = JSON.stringify(body);
    let text = '';
    let endedAt: number | null = null;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ head: text.slice(0, text.indexOf('\r\n\r\n')), closedAfterEndMs: null });
    }, 3000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      // The chunked body's last chunk: the stream is over.
      if (endedAt === null && text.endsWith('0\r\n\r\n')) endedAt = Date.now();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        head: text.slice(0, text.indexOf('\r\n\r\n')),
        closedAfterEndMs: endedAt === null ? null : Date.now() - endedAt,
      });
    });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\n` +
        `connection: ${connection}\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
  });
}

describe('streams and Connection: close', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const messages = [{ role: 'user', content: 'What is 2 + 3?' }];
  it.each([
    ['a TTS stream', { model: MODEL, messages, stream: true, tts_budget: 4 }],
    ['the plain chat relay', { model: MODEL, messages, stream: true }],
  ])('%s closes the socket the client asked to close', async (_name, body) => {
    const closing = await streamAndWaitForClose(server.url, body, 'close');
    expect(closing.head).toMatch(/^HTTP\/1\.1 200/);
    expect(closing.head.toLowerCase()).toContain('connection: close');
    expect(closing.closedAfterEndMs).not.toBeNull();
    expect(closing.closedAfterEndMs ?? Infinity).toBeLessThan(1000);
    // And keeps it open for a client that wants to reuse it.
    const reused = await streamAndWaitForClose(server.url, body, 'keep-alive');
    expect(reused.head.toLowerCase()).toContain('connection: keep-alive');
    expect(reused.closedAfterEndMs).toBeNull();
  });
});
