import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, errors as undiciErrors } from 'undici';
import { dispatchText } from '../../../../src/upstream/transport/dispatch-text';

describe('dispatchText', () => {
  let server: http.Server;
  let pool: Pool;
  const held: http.ServerResponse[] = [];
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      if (request.url === '/chunks') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"text":"é');
        setImmediate(() => response.end(' 😀"}'));
      } else if (request.url === '/bom') {
        response.end(Buffer.from('\ufeff{"a":1}', 'utf8'));
      } else if (request.url === '/missing') {
        response.writeHead(404).end('no such route');
      } else {
        held.push(response); // /hang: never answers
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

  it('answers status and the whole body as text, across chunks', async () => {
    expect(await dispatchText(pool, { path: '/chunks', method: 'GET' })).toEqual({
      status: 200,
      text: '{"text":"é 😀"}',
    });
    expect(await dispatchText(pool, { path: '/missing', method: 'GET' })).toEqual({
      status: 404,
      text: 'no such route',
    });
  });

  it('drops a UTF-8 byte order mark', async () => {
    expect((await dispatchText(pool, { path: '/bom', method: 'GET' })).text).toBe('{"a":1}');
  });

  it('rejects with the signal reason when aborted in flight, and at once when queued', async () => {
    const inFlight = new AbortController();
    const first = dispatchText(pool, { path: '/hang', method: 'GET' }, inFlight.signal);
    // One connection, busy with the first: this one waits in the pool's queue.
    const queued = new AbortController();
    const second = dispatchText(pool, { path: '/chunks', method: 'GET' }, queued.signal);
    queued.abort(new Error('queued gone'));
    await expect(second).rejects.toThrow('queued gone');
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    inFlight.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    // The pool is usable afterwards.
    expect((await dispatchText(pool, { path: '/bom', method: 'GET' })).status).toBe(200);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    await expect(
      dispatchText(pool, { path: '/chunks', method: 'GET' }, AbortSignal.abort()),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it("surfaces undici's timeout errors", async () => {
    await expect(
      dispatchText(pool, { path: '/hang', method: 'GET', headersTimeout: 50 }),
    ).rejects.toBeInstanceOf(undiciErrors.HeadersTimeoutError);
  });
});
