/**
 * The replaying upstream's raw HTTP (test/bench/lib/raw-http.ts) must read what the bench's real
 * clients send and write what they parse: undici (the proxy, the load generator) and Node's
 * `http` agent (http-proxy-middleware in the bare hop), over keep-alive connections.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { request as undiciRequest, Agent } from 'undici';
import { chunkedAnswer, fixedLengthAnswer, takeRequest } from '../../bench/lib/raw-http';

const POST = (body: string, extra = ''): Buffer =>
  Buffer.from(
    `POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );

describe('takeRequest', () => {
  it('reads the request line, lower-cased headers and a content-length body', () => {
    const taken = takeRequest(POST('{"a":1}'));
    expect(taken.kind).toBe('request');
    if (taken.kind !== 'request') return;
    expect(taken.request.method).toBe('POST');
    expect(taken.request.path).toBe('/v1/completions');
    expect(taken.request.headers['content-type']).toBe('application/json');
    expect(taken.request.body.toString()).toBe('{"a":1}');
    expect(taken.consumed).toBe(POST('{"a":1}').length);
  });

  it('waits for a head or a body cut anywhere', () => {
    const whole = POST('{"prompt":"é"}');
    for (let cut = 0; cut < whole.length; cut++)
      expect(takeRequest(whole.subarray(0, cut)).kind).toBe('incomplete');
  });

  it('takes one request at a time from two in one buffer', () => {
    const two = Buffer.concat([POST('{"n":1}'), Buffer.from('GET /v1/models HTTP/1.1\r\n\r\n')]);
    const first = takeRequest(two);
    if (first.kind !== 'request') throw new Error(first.kind);
    expect(first.request.body.toString()).toBe('{"n":1}');
    const second = takeRequest(two.subarray(first.consumed));
    if (second.kind !== 'request') throw new Error(second.kind);
    expect(second.request.method).toBe('GET');
    expect(second.request.body.length).toBe(0);
    expect(second.consumed).toBe(two.length - first.consumed);
  });

  it('refuses what it does not read: chunked bodies, bad lines, bad lengths, huge heads', () => {
    expect(takeRequest(POST('{}', 'Transfer-Encoding: chunked\r\n'))).toMatchObject({
      kind: 'bad',
    });
    expect(takeRequest(Buffer.from('GARBAGE\r\n\r\n'))).toMatchObject({ kind: 'bad' });
    expect(takeRequest(Buffer.from('GET / HTTP/1.1\r\nno colon\r\n\r\n'))).toMatchObject({
      kind: 'bad',
    });
    expect(takeRequest(Buffer.from('POST / HTTP/1.1\r\ncontent-length: -4\r\n\r\n'))).toMatchObject(
      { kind: 'bad' },
    );
    expect(takeRequest(Buffer.alloc(70 * 1024, 0x61))).toMatchObject({ kind: 'bad' });
  });
});

describe('canned answers through real clients', () => {
  const json = Buffer.from('{"id":"cmpl-1","choices":[{"text":"4"}]}');
  const events = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'].map((e) =>
    Buffer.from(e),
  );
  let server: net.Server;
  let url: string;
  let requestsSeen: number;

  beforeAll(async () => {
    requestsSeen = 0;
    server = net.createServer((socket) => {
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          const taken = takeRequest(pending);
          if (taken.kind !== 'request') return;
          requestsSeen += 1;
          pending = pending.subarray(taken.consumed);
          const writes = taken.request.body.includes('"stream":true')
            ? chunkedAnswer(200, { 'content-type': 'text/event-stream' }, events)
            : [fixedLengthAnswer(200, { 'content-type': 'application/json' }, json)];
          for (const piece of writes) socket.write(piece);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('undici reads JSON and SSE answers over one kept-alive connection', async () => {
    const dispatcher = new Agent({ connections: 1 });
    try {
      for (const stream of [false, true, false, true]) {
        const response = await undiciRequest(`${url}/v1/completions`, {
          method: 'POST',
          body: JSON.stringify({ prompt: 'x', stream }),
          headers: { 'content-type': 'application/json' },
          dispatcher,
        });
        expect(response.statusCode).toBe(200);
        const text = await response.body.text();
        expect(text).toBe(stream ? events.map((e) => e.toString()).join('') : json.toString());
      }
      expect(requestsSeen).toBe(4);
    } finally {
      await dispatcher.close();
    }
  });

  it("Node's http agent reads them too, with a body sent in pieces", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const stream of [true, false]) {
        const body = JSON.stringify({ prompt: 'a longer prompt', stream });
        const text = await new Promise<string>((resolve, reject) => {
          const request = http.request(
            `${url}/v1/completions`,
            {
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json', 'content-length': body.length },
            },
            (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.once('end', () => resolve(Buffer.concat(chunks).toString()));
            },
          );
          request.once('error', reject);
          // Two writes: the server waits for the whole body.
          request.write(body.slice(0, 5));
          setTimeout(() => request.end(body.slice(5)), 10);
        });
        expect(text).toBe(stream ? events.map((e) => e.toString()).join('') : json.toString());
      }
    } finally {
      agent.destroy();
    }
  });

  it('frames an empty stream as the last chunk alone', () => {
    const writes = chunkedAnswer(200, {}, []);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.toString()).toBe('0\r\n\r\n');
  });
});
