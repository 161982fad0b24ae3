/**
 * The bare hop's other yardsticks (test/bench/lib/hop-kinds.ts, minimal-relays.ts): the kind is
 * read strictly from the environment, and each minimal relay forwards a JSON answer and a stream
 * unchanged, answers 404 off `/v1` and 502 when the upstream is down, over real sockets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hopKindFromEnv, HOP_KINDS, ISSUE_HOP_KIND } from '../../bench/lib/hop-kinds';
import { nodeHttpRelay, undiciRelay } from '../../bench/lib/minimal-relays';

describe('BENCH_HOP_KIND', () => {
  it("defaults to the issue's hop and takes each known kind", () => {
    expect(hopKindFromEnv({})).toBe(ISSUE_HOP_KIND);
    expect(hopKindFromEnv({ BENCH_HOP_KIND: '' })).toBe(ISSUE_HOP_KIND);
    for (const kind of HOP_KINDS) expect(hopKindFromEnv({ BENCH_HOP_KIND: kind })).toBe(kind);
  });

  it('stops on a kind it does not know rather than measure something else', () => {
    expect(() => hopKindFromEnv({ BENCH_HOP_KIND: 'hpm' })).toThrow(
      "BENCH_HOP_KIND must be one of http-proxy-middleware, undici, node-http, got 'hpm'",
    );
  });
});

async function listen(
  listener: http.RequestListener,
): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const EVENTS = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'];

/** An upstream that echoes a JSON body, or streams three events in three writes. */
function upstream(request: http.IncomingMessage, response: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (request.url === '/v1/stream') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of EVENTS) response.write(event);
      response.end();
      return;
    }
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ echoed: JSON.parse(body) as unknown, path: request.url }));
  });
}

describe.each([
  ['undici', undiciRelay],
  ['node-http', nodeHttpRelay],
])('the minimal %s relay', (_kind, relay) => {
  let origin: { url: string; server: http.Server };
  let hop: { url: string; server: http.Server };

  beforeAll(async () => {
    origin = await listen(upstream);
    hop = await listen(relay(origin.url));
  });
  afterAll(async () => {
    await close(hop.server);
    await close(origin.server);
  });

  it("forwards a JSON request and answers with the upstream's status and body", async () => {
    const answer = await fetch(`${hop.url}/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ echoed: { model: 'm', messages: [] }, path: '/v1/echo' });
  });

  it('relays a stream byte for byte', async () => {
    const answer = await fetch(`${hop.url}/v1/stream`, { method: 'POST', body: '{}' });
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    expect(await answer.text()).toBe(EVENTS.join(''));
  });

  it('answers 404 off /v1 and 502 when the upstream is down', async () => {
    expect((await fetch(`${hop.url}/health`)).status).toBe(404);
    const down = await listen(upstream);
    await close(down.server);
    const orphan = await listen(relay(down.url));
    try {
      const answer = await fetch(`${orphan.url}/v1/echo`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(502);
    } finally {
      await close(orphan.server);
    }
  });
});
