/**
 * A client that stops reading must not hold its response for good (review 21: four such sockets
 * held every admission slot of a proxy with four). Real sockets: the server writes until the
 * client's side is full; the client reads nothing; the sweep cuts the response after the stall
 * timeout, and leaves alone a response that waits with nothing to send.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { RunningServer } from '../../src/main';
import { wasDelivered } from '../../src/server/stall-cut';
import { startStalledWriteSweep } from '../../src/server/stalled-writes';
import { startTestServer } from '../integration/start-test-server';

const quiet = pino({ level: 'silent' });

describe('stalled-write sweep over real sockets', () => {
  let server: http.Server;
  let port: number;
  const responses: http.ServerResponse[] = [];
  const closed: string[] = [];
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      responses.push(response);
      response.on('close', () => closed.push(request.url ?? ''));
      if (request.url === '/big') {
        // One large write, as a passthrough JSON answer is sent.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(Buffer.alloc(16 * 1024 * 1024, 0x61));
        return;
      }
      if (request.url === '/slow' || request.url === '/fast') {
        setTimeout(() => response.end(request.url), request.url === '/slow' ? 1000 : 0);
        return;
      }
      if (request.url === '/idle') {
        // Waits for an upstream that never answers: nothing queued, never cut.
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const piece = Buffer.alloc(64 * 1024, 0x61);
      const more = (): void => {
        while (response.write(piece));
        response.once('drain', more);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A client that sends its request and then reads nothing. */
  function stalledClient(path: string): net.Socket {
    const socket = net.connect(port, '127.0.0.1');
    socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
    socket.pause();
    return socket;
  }

  it('cuts a response whose queued bytes stop moving, and only that one', async () => {
    const stalled = stalledClient('/firehose');
    const idle = stalledClient('/idle');
    const live = () => responses.filter((response) => !response.destroyed);
    const sweep = startStalledWriteSweep({ responses: live, stallMs: 300, logger: quiet });
    try {
      // Long enough for the socket buffers to fill and the stall to last the timeout.
      for (let waited = 0; waited < 5000 && !closed.includes('/firehose'); waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toContain('/firehose');
      expect(closed).not.toContain('/idle');
    } finally {
      sweep.stop();
      stalled.destroy();
      idle.destroy();
    }
  });

  it('marks a cut response that had ended as not delivered (node calls it finished once destroyed)', async () => {
    const stalled = stalledClient('/big');
    const live = () => responses.filter((response) => !response.destroyed);
    const sweep = startStalledWriteSweep({ responses: live, stallMs: 300, logger: quiet });
    try {
      for (let waited = 0; waited < 5000 && !closed.includes('/big'); waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const cut = responses.find((response) => response.req.url === '/big');
      expect(cut?.destroyed).toBe(true);
      expect(cut !== undefined && wasDelivered(cut)).toBe(false);
    } finally {
      sweep.stop();
      stalled.destroy();
    }
  });

  it('leaves alone a slow but steady reader of one large write', async () => {
    const live = () => responses.filter((response) => !response.destroyed);
    // The write completes only after about 8 s; inside libuv it moves about once a second (as
    // the kernel's buffers drain), well within the timeout even on a loaded machine.
    const sweep = startStalledWriteSweep({ responses: live, stallMs: 3000, logger: quiet });
    try {
      const received = await new Promise<number>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // About 2 MiB/s: the whole body takes seconds, far longer than the stall timeout.
          socket.pause();
          setTimeout(() => socket.resume(), 30);
        });
        socket.on('close', () => resolve(bytes));
        socket.on('end', () => socket.destroy());
        socket.write('GET /big HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      });
      expect(received).toBeGreaterThan(16 * 1024 * 1024);
    } finally {
      sweep.stop();
    }
  });

  it('leaves alone a pipelined response waiting for the one before it', async () => {
    const live = () => responses.filter((response) => !response.destroyed);
    const sweep = startStalledWriteSweep({ responses: live, stallMs: 200, logger: quiet });
    const ticker = setInterval(() => sweep.sweep(), 50);
    try {
      const text = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        let body = '';
        socket.on('data', (chunk: Buffer) => {
          body += chunk.toString('latin1');
          if (body.includes('/fast')) socket.destroy();
        });
        socket.on('close', () => resolve(body));
        socket.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\nGET /fast HTTP/1.1\r\nhost: x\r\n\r\n');
        setTimeout(() => socket.destroy(), 5000);
      });
      expect(text).toContain('/slow');
      expect(text).toContain('/fast');
    } finally {
      clearInterval(ticker);
      sweep.stop();
    }
  });
});

describe('the stall sweep as the server wires it', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__WRITE_STALL_TIMEOUT_MS: '1000',
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: '1',
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '1',
      TTS_PROXY__SERVER__QUEUE_TIMEOUT_MS: '10000',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("frees a reader-less stream's admission slot for the next request", async () => {
    const target = new URL(server.url);
    // 128 streamed answers at once: megabytes of events, more than the sockets' buffers hold.
    const body = JSON.stringify({
      model: 'qwen2.5-1.5b-instruct',
      messages: [{ role: 'user', content: 'Tell me a long story.' }],
      stream: true,
      n: 128,
      max_tokens: 3000,
    });
    const stalled = net.connect(Number(target.port), target.hostname);
    stalled.on('error', () => undefined);
    stalled.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    stalled.pause();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The only slot is taken: this one waits in the queue until the sweep frees it.
    const started = performance.now();
    const next = await fetch(`${server.url}/v1/models`).then(() =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'qwen2.5-1.5b-instruct',
          messages: [{ role: 'user', content: 'Hi' }],
          max_tokens: 8,
        }),
      }),
    );
    // Served once the stalled one was cut, about a second after its bytes stopped moving; without
    // the cut it would hold the slot until the queue timeout (a 429 after 10 s).
    expect(next.status).toBe(200);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(500);
    expect(waited).toBeLessThan(8000);
    stalled.destroy();
  });
});
