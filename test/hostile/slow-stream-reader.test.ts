/**
 * A client that asks for a long stream and then stops reading must hold the upstream back, not
 * make the proxy buffer the stream. Both SSE relays pause the upstream when the client's socket is
 * full — the plain chat's (src/server/routes/relay-chat-stream.ts, whose transport then stops
 * reading the upstream socket: src/upstream/transport/dispatch-stream.ts) and the /v1
 * passthrough's (src/server/passthrough/relay-checked-stream.ts) — and the upstream's writes
 * stall. Before, both wrote on regardless and a stream of any length piled up in the proxy.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { startCompletionsPassthrough } from './support/completions-passthrough';
import { withRetry } from '../../src/upstream/transport/retry';
import type { UpstreamClient } from '../../src/upstream';
import { createPlainChatApp } from './support/plain-chat-app';

const CLIENT = 'qwen2.5-1.5b-instruct';
const SERVED = 'Qwen/Qwen2.5-1.5B-Instruct';
/** What the upstream would send in all: far more than every socket buffer on the way holds. */
const STREAM_BYTES = 256 * 1024 * 1024;
const EVENT = Buffer.from(
  `data: {"id":"c1","object":"chat.completion.chunk","model":"${SERVED}","choices":[{"index":0,"delta":{"content":"${'x'.repeat(900)}"}}]}\n\n`,
);

describe('a client that stops reading a stream', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let client: UpstreamClient;
  let url: string;
  let v1: http.Server;
  let v1Url: string;
  /** The upstream's stream: bytes handed to its socket, and whether it is waiting to drain. */
  const stream = { written: 0, isWaiting: false, closedEarly: false };

  beforeAll(async () => {
    upstream = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        Object.assign(stream, { written: 0, isWaiting: false, closedEarly: false });
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const pump = (): void => {
          stream.isWaiting = false;
          while (stream.written < STREAM_BYTES) {
            stream.written += EVENT.length;
            if (!response.write(EVENT)) {
              stream.isWaiting = true;
              response.once('drain', pump);
              return;
            }
          }
          response.end('data: [DONE]\n\n');
        };
        response.once('close', () => {
          if (!response.writableFinished) stream.closedEarly = true;
        });
        pump();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const plain = createPlainChatApp({
      upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      clientName: CLIENT,
      servedName: SERVED,
      retries: 0,
    });
    client = plain.client;
    proxy = http.createServer(plain.app.handleRequest);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    ({ server: v1, url: v1Url } = await startCompletionsPassthrough(upstream, {
      slots: 4,
      limitBytes: 64 * 1024,
      retry: withRetry,
    }));
  });

  afterAll(async () => {
    await client.close();
    for (const server of [proxy, v1, upstream]) server.closeAllConnections();
    await Promise.all(
      [proxy, v1, upstream].map((server) => new Promise((resolve) => server.close(resolve))),
    );
  });

  /** Ask `path` for a stream on `target`, read nothing, then leave; check the upstream stalled and was cancelled. */
  async function stallThenLeave(
    target: string,
    path: string,
    body: string,
  ): Promise<{ stalled: boolean; written: number; cancelled: boolean }> {
    const socket = net.connect(Number(new URL(target).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // Reads nothing: whatever the proxy sends fills this socket's buffers and stays there.
    socket.pause();
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Wait until the upstream stalls (every buffer on the way full), at most a few seconds.
    const deadline = Date.now() + 5000;
    let stalledSince: number | null = null;
    let last = -1;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (stream.isWaiting && stream.written === last) stalledSince ??= Date.now();
      else stalledSince = null;
      last = stream.written;
      if (stalledSince !== null && Date.now() - stalledSince >= 500) break;
    }
    const { isWaiting: stalled, written } = stream;
    // The client leaves: the upstream's stream should be cancelled, not left to wait forever.
    socket.destroy();
    const gone = Date.now() + 5000;
    while (!stream.closedEarly && Date.now() < gone)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return { stalled, written, cancelled: stream.closedEarly };
  }

  /** Stalled with the rest held back (socket buffers on four sockets hold some megabytes), then cancelled. */
  const HELD_BACK = {
    stalled: true,
    written: expect.any(Number) as unknown,
    cancelled: true,
  };

  it('plain chat: holds the upstream back while the client does not read, cancels it when it leaves', async () => {
    const seen = await stallThenLeave(
      url,
      '/v1/chat/completions',
      JSON.stringify({
        model: CLIENT,
        messages: [{ role: 'user', content: 'Write forever.' }],
        stream: true,
      }),
    );
    expect(seen).toEqual(HELD_BACK);
    expect(seen.written).toBeLessThan(STREAM_BYTES / 4);
  });

  it('/v1 passthrough: the same for a streamed completion', async () => {
    const seen = await stallThenLeave(
      v1Url,
      '/v1/completions',
      JSON.stringify({ model: SERVED, prompt: 'Write forever.', stream: true }),
    );
    expect(seen).toEqual(HELD_BACK);
    expect(seen.written).toBeLessThan(STREAM_BYTES / 4);
  });
});
