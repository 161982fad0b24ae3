/**
 * The replaying upstream's raw HTTP (test/bench/lib/raw-http.ts) must read what the bench's real
 * clients send and write what they parse: an undici Pool dispatched as the proxy and the load
 * generator do (src/upstream/transport/dispatch-text.ts), undici's `request`, and Node's `http`
 * agent (http-proxy-middleware in the bare hop), over keep-alive connections.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { request as undiciRequest, Agent, Pool } from 'undici';
import { dispatchText } from '../../../src/upstream/transport/dispatch-text';
import {
  chunkedAnswer,
  fixedLengthAnswer,
  serveRawHttp,
  takeRequest,
  type RawRequest,
} from '../../bench/lib/raw-http';

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

  it('joins a repeated header as Node does, and a __proto__ header is only a header', () => {
    const taken = takeRequest(
      Buffer.from('GET / HTTP/1.1\r\nAccept: a\r\naccept: b\r\n__proto__: x\r\n\r\n'),
    );
    if (taken.kind !== 'request') throw new Error(taken.kind);
    expect(taken.request.headers.accept).toBe('a, b');
    expect(taken.request.headers.__proto__).toBe('x');
    expect(Object.getPrototypeOf(taken.request.headers)).toBeNull();
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
    expect(
      takeRequest(Buffer.from('POST / HTTP/1.1\r\ncontent-length: 9999999999\r\n\r\n')),
    ).toMatchObject({ kind: 'bad', status: 413 });
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
    server = net.createServer((socket) =>
      serveRawHttp(socket, (request: RawRequest) => {
        requestsSeen += 1;
        if (request.path === '/fail') return Promise.reject(new Error('upstream down'));
        if (request.path === '/slow')
          return new Promise((resolve) =>
            setTimeout(
              () =>
                resolve([
                  fixedLengthAnswer(200, {}, Buffer.from(`slow:${request.body.toString()}`)),
                ]),
              20,
            ),
          );
        return request.body.includes('"stream":true')
          ? chunkedAnswer(200, { 'content-type': 'text/event-stream' }, events)
          : [fixedLengthAnswer(200, { 'content-type': 'application/json' }, json)];
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a Pool dispatched as the proxy does reads JSON and SSE answers, and a 502 for a failure', async () => {
    const pool = new Pool(url, { connections: 2 });
    try {
      const post = (path: string, body: unknown) =>
        dispatchText(pool, {
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const answers = await Promise.all(
        [false, true, false, true, false, true].map((stream) =>
          post('/v1/completions', { prompt: 'x', stream }),
        ),
      );
      answers.forEach((answer, index) => {
        expect(answer.status).toBe(200);
        expect(answer.text).toBe(
          index % 2 === 1 ? events.map((e) => e.toString()).join('') : json.toString(),
        );
      });
      expect((await post('/fail', {})).status).toBe(502);
      // The connection that carried the failure still serves.
      expect((await post('/v1/completions', { prompt: 'y' })).text).toBe(json.toString());
    } finally {
      await pool.close();
    }
  });

  it('answers two requests sent in one write in order, the second waiting on the first', async () => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const request = (path: string, body: string): string =>
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(request('/slow', 'one') + request('/slow', 'two'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    socket.destroy();
    const text = Buffer.concat(received).toString();
    expect(text.indexOf('slow:one')).toBeGreaterThan(0);
    expect(text.indexOf('slow:two')).toBeGreaterThan(text.indexOf('slow:one'));
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
  });

  it('ends the connection after connection: close, and after a refusal', async () => {
    for (const [sent, expected] of [
      [
        'POST /v1/completions HTTP/1.1\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}GET / HTTP/1.1\r\n\r\n',
        /^HTTP\/1\.1 200 OK[^]*"cmpl-1"[^]*\}$/,
      ],
      [
        'GARBAGE\r\n\r\nGET / HTTP/1.1\r\n\r\n',
        /^HTTP\/1\.1 400 Bad Request[^]*malformed request line$/,
      ],
    ] as const) {
      const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      const ended = new Promise((resolve) => socket.once('end', resolve));
      socket.write(sent);
      await ended;
      socket.destroy();
      // One answer only: what followed the closing request was neither read nor answered.
      const text = Buffer.concat(received).toString();
      expect(text).toMatch(expected);
      expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    }
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
      expect(requestsSeen).toBeGreaterThanOrEqual(4);
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

  it('frames an empty stream as the last chunk alone, and leaves empty pieces out', () => {
    const writes = chunkedAnswer(200, {}, []);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.toString()).toBe('0\r\n\r\n');
    const framed = chunkedAnswer(200, {}, [Buffer.from('a'), Buffer.alloc(0), Buffer.from('b')]);
    expect(Buffer.concat(framed.slice(1)).toString()).toBe('1\r\na\r\n1\r\nb\r\n0\r\n\r\n');
  });
});
