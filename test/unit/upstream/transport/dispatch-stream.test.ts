/**
 * dispatchStream (src/upstream/transport/dispatch-stream.ts): what `pool.request` gave a streaming
 * caller (status, headers, a body that follows the upstream), and every way an exchange can be
 * cancelled reaching the upstream as a closed connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { dispatchStream } from '../../../../src/upstream/transport/dispatch-stream';
import { readWholeBody, type AbortSource, type StreamBody } from '../../../../src/util';

async function readAll(body: StreamBody): Promise<string> {
  return (await readWholeBody(body)).toString('utf8');
}

/** An abort source that is not an AbortSignal (as the chat route's client departure). */
function departure(): AbortSource & { leave(reason: Error): void; listening(): number } {
  const listeners = new Set<() => void>();
  const source = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_type: 'abort', listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: 'abort', listener: () => void) => listeners.delete(listener),
    listening: () => listeners.size,
    leave(reason: Error) {
      source.aborted = true;
      source.reason = reason;
      for (const listener of [...listeners]) listener();
      listeners.clear();
    },
  };
  return source;
}

describe('dispatchStream', () => {
  let server: http.Server;
  let pool: Pool;
  /** Upstream responses whose client connection closed before they ended, by path. */
  const closedEarly: string[] = [];
  const held: http.ServerResponse[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      response.once('close', () => {
        if (!response.writableFinished) closedEarly.push(request.url ?? '');
      });
      if (request.url === '/events') {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'x-kind': 'sse' });
        response.write('data: 1\n\n');
        setImmediate(() => response.end('data: [DONE]\n\n'));
      } else if (request.url === '/forever') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => response.write('data: tick\n\n'), 5);
        response.once('close', () => clearInterval(timer));
      } else if (request.url === '/big') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const piece = `data: ${'x'.repeat(64 * 1024)}\n\n`;
        let left = 64;
        const write = (): void => {
          while (left > 0) {
            left -= 1;
            if (!response.write(piece)) return void response.once('drain', write);
          }
          response.end();
        };
        write();
      } else {
        held.push(response); // /hang: no headers ever
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      connections: 1,
    });
  });

  afterAll(async () => {
    for (const response of held) response.destroy();
    await pool.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const untilClosed = async (path: string): Promise<void> => {
    while (!closedEarly.includes(path)) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('answers status and headers at once and the body as it comes', async () => {
    const response = await dispatchStream(pool, { path: '/events', method: 'GET' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-kind']).toBe('sse');
    expect(await readAll(response.body)).toBe('data: 1\n\ndata: [DONE]\n\n');
  });

  it('holds the upstream back while the reader does not read (backpressure), then delivers all', async () => {
    const response = await dispatchStream(pool, { path: '/big', method: 'GET' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Unread: the body holds about its limit (64 KiB, one chunk over), not the upstream's 4 MiB.
    expect(response.body.heldBytes).toBeGreaterThan(0);
    expect(response.body.heldBytes).toBeLessThan(1024 * 1024);
    expect((await readAll(response.body)).length).toBe(64 * (64 * 1024 + 8));
  });

  it('cancels the upstream when the source leaves mid-stream: the body fails with its reason', async () => {
    const source = departure();
    const response = await dispatchStream(pool, { path: '/forever', method: 'GET' }, source);
    const failed = readAll(response.body);
    source.leave(new Error('client gone'));
    await expect(failed).rejects.toThrow('client gone');
    await untilClosed('/forever');
  });

  it('cancels the upstream when the reader destroys the body', async () => {
    closedEarly.length = 0;
    const response = await dispatchStream(pool, { path: '/forever', method: 'GET' });
    response.body.destroy();
    await untilClosed('/forever');
    // The pool goes on serving.
    const next = await dispatchStream(pool, { path: '/events', method: 'GET' });
    expect(await readAll(next.body)).toContain('[DONE]');
  });

  it('rejects with the reason before the headers, queued or in flight, and at once when already gone', async () => {
    const inFlight = departure();
    const first = dispatchStream(pool, { path: '/hang', method: 'GET' }, inFlight);
    // One connection, busy with the first: this one waits in the pool's queue.
    const queued = departure();
    const second = dispatchStream(pool, { path: '/events', method: 'GET' }, queued);
    queued.leave(new Error('queued gone'));
    await expect(second).rejects.toThrow('queued gone');
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    inFlight.leave(new Error('in flight gone'));
    await expect(first).rejects.toThrow('in flight gone');
    const gone = departure();
    gone.leave(new Error('already gone'));
    await expect(dispatchStream(pool, { path: '/events', method: 'GET' }, gone)).rejects.toThrow(
      'already gone',
    );
    // Nothing left listening on a source once its exchange is over.
    const ended = departure();
    await readAll((await dispatchStream(pool, { path: '/events', method: 'GET' }, ended)).body);
    expect(ended.listening()).toBe(0);
    const cut = departure();
    const response = await dispatchStream(pool, { path: '/forever', method: 'GET' }, cut);
    expect(cut.listening()).toBe(1);
    response.body.destroy();
    expect(cut.listening()).toBe(0);
  });

  it("surfaces undici's errors for a server that is not there", async () => {
    const nowhere = new Pool('http://127.0.0.1:1');
    try {
      await expect(dispatchStream(nowhere, { path: '/', method: 'GET' })).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    } finally {
      await nowhere.destroy();
    }
  });
});
