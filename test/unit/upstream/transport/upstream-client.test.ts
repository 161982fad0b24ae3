import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamError, UpstreamTimeoutError } from '../../../../src/errors';
import { createUpstreamClient, describeUpstreamErrorBody } from '../../../../src/upstream';

describe('createUpstreamClient', () => {
  let server: http.Server;
  let url: string;
  let script: ((request: http.IncomingMessage, response: http.ServerResponse) => void)[] = [];
  let calls = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      calls++;
      const step = script.shift();
      request.resume();
      request.on('end', () => {
        if (step) step(request, response);
        else response.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    calls = 0;
    script = [];
  });

  const make = (retries = 2, timeoutMs = 2000, maxConnections = 4) =>
    createUpstreamClient({
      name: 'policy',
      baseUrl: url,
      timeoutMs,
      maxConnections,
      retries,
      apiKey: 'sk-upstream-secret',
    });

  it('parses a large answer (parsed between two turns of the event loop) to the same value', async () => {
    const choices = Array.from({ length: 64 }, (_, index) => ({
      index,
      text: `Step ${index}: ${'x'.repeat(600)}`,
    }));
    script = [(_q, r) => r.end(JSON.stringify({ choices }))];
    const client = make();
    await expect(client.postJson('/x', {})).resolves.toEqual({ choices });
    await client.close();
  });

  it('retries a 503 and succeeds', async () => {
    script = [
      (_q, r) => {
        r.statusCode = 503;
        r.end('{"error":{"message":"busy"}}');
      },
    ];
    const client = make();
    await expect(client.postJson('/x', {})).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
    await client.close();
  });

  it('hands back the asked-for response headers with the body, from the attempt that succeeded', async () => {
    script = [
      (_q, r) => {
        r.statusCode = 503;
        r.setHeader('x-prompt-tokens', '999');
        r.end('{"error":{"message":"busy"}}');
      },
      (_q, r) => {
        r.setHeader('x-prompt-tokens', '42');
        r.setHeader('x-compute-type', 'gpu');
        r.end('{"ok":true}');
      },
    ];
    const client = make();
    await expect(
      client.postJsonWithHeaders?.('/generate', {}, ['x-prompt-tokens', 'x-missing']),
    ).resolves.toEqual({ body: { ok: true }, headers: { 'x-prompt-tokens': '42' } });
    await client.close();
  });

  it('does not retry a 400 and keeps the upstream message', async () => {
    script = [
      (_q, r) => {
        r.statusCode = 400;
        r.end('{"error":{"message":"bad param","type":"BadRequestError","param":null,"code":400}}');
      },
    ];
    const client = make();
    await expect(client.postJson('/x', {})).rejects.toMatchObject({
      status: 400,
      isRetryable: false,
      message: expect.stringContaining('bad param'),
    });
    expect(calls).toBe(1);
    await client.close();
  });

  it('gives up after the bounded retries', async () => {
    const fail = (_q: http.IncomingMessage, r: http.ServerResponse) => {
      r.statusCode = 502;
      r.end('gateway');
    };
    script = [fail, fail, fail, fail];
    const client = make(2);
    await expect(client.postJson('/x', {})).rejects.toBeInstanceOf(UpstreamError);
    expect(calls).toBe(3);
    await client.close();
  });

  it('treats a 200 with a broken body as a retryable upstream error', async () => {
    script = [(_q, r) => r.end('{"choices": [')];
    const client = make(1);
    await expect(client.postJson('/x', {})).resolves.toEqual({ ok: true });
    await client.close();
  });

  it('times out a silent upstream', async () => {
    script = [() => undefined];
    const client = make(0, 150);
    await expect(client.postJson('/x', {})).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await client.close();
  });

  it('aborts when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    // Aborted once the server holds the call (a fixed delay raced the request on a loaded machine).
    script = [() => controller.abort()];
    const client = make(3, 5000);
    const pending = client.postJson('/x', {}, controller.signal);
    await expect(pending).rejects.toThrow();
    expect(calls).toBe(1);
    await client.close();
  });

  it('sends the upstream key but never puts it in errors', async () => {
    let seen = '';
    script = [
      (q, r) => {
        seen = String(q.headers.authorization);
        r.statusCode = 500;
        r.end('x');
      },
    ];
    const client = make(0);
    const error = await client.postJson('/x', {}).catch((e: unknown) => e as Error);
    expect(seen).toBe('Bearer sk-upstream-secret');
    expect(JSON.stringify(error) + String(error)).not.toContain('sk-upstream-secret');
    await client.close();
  });
  it('names a refused connection by its code, never by address (messages can reach clients)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 2000,
      maxConnections: 1,
      retries: 0,
    });
    const error = (await client.postJson('/x', {}).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("upstream 'policy' is unreachable (ECONNREFUSED)");
    await client.close();
  });

  it("waits the upstream's Retry-After before retrying a 429", async () => {
    const seen: number[] = [];
    script = [
      (_q, r) => {
        seen.push(Date.now());
        r.statusCode = 429;
        r.setHeader('retry-after', '1');
        r.end('{"error":{"message":"slow down"}}');
      },
      (_q, r) => {
        seen.push(Date.now());
        r.end('{"ok":true}');
      },
    ];
    const client = make();
    await expect(client.postJson('/x', {})).resolves.toEqual({ ok: true });
    expect((seen[1] as number) - (seen[0] as number)).toBeGreaterThanOrEqual(990);
    await client.close();
  });

  it("relays a plain chat on connections of its own: a pool full of a search's calls does not hold it back", async () => {
    const client = make(0, 5000, 1);
    // Answers in order of arrival: the relayed request arrives second, before the queued call.
    script = [
      (_request, response) => setTimeout(() => response.end('{"search":1}'), 1500),
      (_request, response) => response.end('{"relayed":true}'),
      (_request, response) => response.end('{"search":2}'),
    ];
    const search = [client.postJson('/v1/completions', {}), client.postJson('/v1/completions', {})];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const value = { model: 'm' };
    const relayed = await client.postJsonBytes?.(
      '/v1/chat/completions',
      { bytes: Buffer.from(JSON.stringify(value)), value },
      undefined,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(relayed?.bytes.toString()).toBe('{"relayed":true}');
    await Promise.all(search);
    await client.close();
  });

  it("takes turns between requests' lanes: one request's queued calls do not hold another's back", async () => {
    const client = make(0, 5000, 2);
    // Every call is held 100 ms; the server sees them in the order the proxy lets them out.
    const arrived: string[] = [];
    script = Array.from({ length: 11 }, () => (request, response) => {
      arrived.push(request.url ?? '');
      setTimeout(() => response.end('{}'), 100);
    });
    const big = client.inLane?.();
    const small = client.inLane?.();
    if (big === undefined || small === undefined) throw new Error('the client has lanes');
    const bigCalls = Array.from({ length: 10 }, (_, i) => big.postJson(`/big/${i}`, {}));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await small.postJson('/small', {});
    // The big lane was waiting first, so one more of its calls goes before the small one: the small
    // call is fourth, not eleventh (first come, first served held it ~600 ms).
    expect(arrived.indexOf('/small')).toBe(3);
    expect(Date.now() - started).toBeLessThan(450);
    await Promise.all(bigCalls);
    // A lane's close leaves the client's connections open.
    await small.close();
    await expect(client.postJson('/after', {})).resolves.toEqual({ ok: true });
    await client.close();
  });

  it('probes on a connection of its own: a pool full of slow calls does not hold /health back', async () => {
    const client = make(0, 5000, 1);
    // The one pooled connection is busy for 1.5 s, and a second call waits behind it.
    script = [
      (_request, response) => setTimeout(() => response.end('{"slow":1}'), 1500),
      (_request, response) => response.end('{"slow":2}'),
      (_request, response) => response.end('{}'),
    ];
    const slow = [client.postJson('/slow', {}), client.postJson('/slow', {})];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await expect(client.probe('/health', 500)).resolves.toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
    await Promise.all(slow);
    await client.close();
    // Closed, it opens nothing more.
    await expect(client.probe('/health', 500)).resolves.toBeNull();
  });
});

describe('describeUpstreamErrorBody', () => {
  it('reads nested, flat and string error shapes', () => {
    expect(describeUpstreamErrorBody('{"error":{"message":"nested"}}')).toBe('nested');
    expect(
      describeUpstreamErrorBody(
        '{"object":"error","message":"flat","type":"BadRequestError","code":400}',
      ),
    ).toBe('flat');
    expect(describeUpstreamErrorBody('{"error":"Unauthorized"}')).toBe('Unauthorized');
    expect(describeUpstreamErrorBody('plain text')).toBe('plain text');
  });
});
