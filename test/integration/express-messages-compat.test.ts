/**
 * Requests and responses born Express's (src/server/express-messages.ts) behave exactly as plain
 * Express's. Two servers run the same Express app, one made with `expressServerOptions` and one
 * without (Express changes each request's prototype itself), and get the same raw bytes on real
 * sockets: keep-alive and pipelined requests, HEAD, `Expect: 100-continue`, an `Upgrade` header,
 * HTTP/1.0, trust-proxy settings, error handlers, Express's final handler, a mounted sub-app, and
 * an app mounted in another. Then the real server: every kind of route on one kept-alive
 * connection (undici, the `openai` SDK, raw sockets), none of which changes a prototype.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import OpenAI from 'openai';
import { Client } from 'undici';
import type { RunningServer } from '../../src/main';
import { expressServerOptions } from '../../src/server/express-messages';
import { probeApp } from './express-probe-app';
import {
  answersOf,
  converse,
  firstAnswerIn,
  jsonBodies,
  normalized,
  requestText,
  statuses,
  writtenIn,
  type Answer,
  type Step,
} from './raw-conversation';
import { startTestServer } from './start-test-server';
import { watchPrototypeChanges } from './watch-prototype-changes';

const MODEL = 'qwen2.5-1.5b-instruct';

const FORWARDED = {
  'x-forwarded-for': '203.0.113.7, 10.1.2.3',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'api.example.com',
};

interface ServerPair {
  plain: number;
  born: number;
  late: { plain: string[]; born: string[] };
}

const servers: http.Server[] = [];

async function serve(options: http.ServerOptions, app: Express): Promise<number> {
  const server = http.createServer(options, app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startPair(trustProxy: unknown): Promise<ServerPair> {
  const late = { plain: [] as string[], born: [] as string[] };
  const plainApp = probeApp(trustProxy, late.plain);
  const bornApp = probeApp(trustProxy, late.born);
  return {
    plain: await serve({}, plainApp),
    born: await serve(expressServerOptions(bornApp), bornApp),
    late,
  };
}

/** The same conversation with both servers: identical bytes; returns the options server's. */
async function sameOnBoth(
  pair: ServerPair,
  steps: readonly Step[],
  until?: (received: string) => boolean,
): Promise<Answer[]> {
  const plain = normalized(await converse(pair.plain, steps, until));
  const born = normalized(await converse(pair.born, steps, until));
  expect(born).toBe(plain);
  return answersOf(born, writtenIn(steps));
}

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('Express with requests born its own, against plain Express', () => {
  let pair: ServerPair;
  beforeAll(async () => {
    pair = await startPair(false);
  });

  it('answers pipelined requests on one kept-alive connection byte for byte the same', async () => {
    const requests = [
      requestText('/probe?a=1&b=x&b=y', {
        'x-requested-with': 'XMLHttpRequest',
        accept: 'text/html',
      }),
      requestText('/sub/probe?in=sub'),
      requestText('/after-sub'),
      requestText('/send'),
      requestText('/send', { 'if-none-match': '*' }),
      requestText('/send', {}, 'HEAD'),
      requestText('/probe', {}, 'HEAD'),
      requestText('/methods'),
      requestText('/jsonp?cb=handle'),
      requestText('/format', { accept: 'text/plain' }),
      requestText('/format', { accept: 'image/png' }),
      requestText('/redirect'),
      requestText('/status'),
      requestText('/throw'),
      requestText('/reject'),
      requestText('/unhandled'),
      requestText('/nowhere?x=1'),
      requestText('/nowhere', {}, 'HEAD'),
      requestText('/probe', { connection: 'close' }),
    ];
    // Express's final handler logs what reaches it (app.js `logerror`): silenced, and compared.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let answers: Answer[];
    let lines: string[];
    try {
      answers = await sameOnBoth(pair, [requests.join('')]);
      lines = logged.mock.calls.map((args) => String(args[0]));
    } finally {
      logged.mockRestore();
    }
    const [plainLog, bornLog] = [lines.slice(0, 2), lines.slice(2)];
    expect(bornLog).toEqual(plainLog);
    expect(bornLog).toEqual([
      expect.stringContaining('NotAcceptableError'),
      expect.stringContaining('for the final handler'),
    ]);
    expect(statuses(answers)).toEqual([
      200, 200, 200, 200, 304, 200, 200, 200, 200, 200, 406, 303, 202, 418, 418, 503, 404, 404, 200,
    ]);
    const [first, sub, afterSub, last] = jsonBodies(answers).filter((body) => 'requestApp' in body);
    expect(first).toMatchObject({
      requestApp: true,
      responseApp: true,
      requestRes: true,
      responseReq: true,
      localsBare: true,
      isNodeMessage: true,
      isExpressMessage: true,
      query: { a: '1', b: ['x', 'y'] },
      path: '/probe',
      hostname: 'probe.test',
      host: 'probe.test:8080',
      xhr: true,
      accepts: 'html',
    });
    // The sub-app sees itself as `req.app`, with the mount path; its parent gets its own back.
    expect(sub).toMatchObject({ requestApp: true, responseApp: true, baseUrl: '/sub' });
    expect(afterSub).toMatchObject({ requestApp: true, responseApp: true, baseUrl: '' });
    expect(last).toMatchObject({ requestApp: true, isExpressMessage: true });
    const [send, conditional, headSend] = answers.slice(3, 6);
    expect([send?.body, send?.headers['etag']]).toEqual(['hello', expect.stringMatching(/^W\//)]);
    expect([conditional?.body, headSend?.body]).toEqual(['', '']);
    expect(headSend?.headers['content-length']).toBe('5');
    const methods = answers[7];
    expect(methods?.headers['set-cookie']).toContain('k=v; Path=/; HttpOnly');
    expect(methods?.headers).toMatchObject({
      location: '/probe',
      vary: 'accept',
      'x-list': 'a, b',
      'content-disposition': 'attachment; filename=report.txt',
    });
    expect(answers[8]?.body).toContain('handle({"answer":42})');
    expect(answers[9]?.body).toBe('format text');
    expect(answers[12]?.body).toBe('Accepted');
    expect(jsonBodies(answers.slice(13, 15))).toEqual([{ error: 'thrown' }, { error: 'rejected' }]);
    // Express's final handler, which reads `res` through Node's own fields.
    expect(answers[15]?.body).toContain('Service Unavailable');
    expect(answers[16]?.body).toContain('Cannot GET /nowhere');
  });

  it('throws the same errors when a handler writes after its response was sent', async () => {
    const answers = await sameOnBoth(pair, [
      requestText('/after-sent') + requestText('/late', { connection: 'close' }),
    ]);
    expect(statuses(answers)).toEqual([200, 200]);
    expect(pair.late.born).toEqual(pair.late.plain);
    expect(jsonBodies(answers)).toEqual([
      { late: ['ERR_HTTP_HEADERS_SENT', 'ERR_HTTP_HEADERS_SENT'] },
    ]);
  });

  it('sends 100 Continue before reading a body that waits for it', async () => {
    const body = 'the body after 100';
    const head =
      'POST /echo HTTP/1.1\r\nhost: probe.test\r\ncontent-type: text/plain\r\n' +
      `content-length: ${body.length}\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n`;
    const answers = await sameOnBoth(pair, [head, /100 Continue\r\n\r\n/, body]);
    expect(statuses(answers)).toEqual([100, 201]);
    expect(jsonBodies(answers)).toEqual([{ body, type: 'text/plain' }]);
  });

  it('serves a request with an Upgrade header as a plain one (no upgrade listener)', async () => {
    // Node reads nothing more on that connection after it (so only one request here).
    const answers = await sameOnBoth(
      pair,
      [requestText('/probe?u=1', { connection: 'Upgrade', upgrade: 'websocket' })],
      firstAnswerIn,
    );
    expect(statuses(answers)).toEqual([200]);
    expect(jsonBodies(answers)[0]).toMatchObject({ requestApp: true, query: { u: '1' } });
  });

  it('refuses an expectation it cannot meet (417, a response Node makes with the options)', async () => {
    const answers = await sameOnBoth(pair, [
      requestText('/probe', { expect: 'the-impossible', connection: 'close' }),
    ]);
    expect(statuses(answers)).toEqual([417]);
  });

  it('answers HTTP/1.0 (no chunking, no keep-alive) the same', async () => {
    const answers = await sameOnBoth(pair, [
      'GET /probe?v=10 HTTP/1.0\r\nhost: probe.test\r\n\r\n',
    ]);
    expect(statuses(answers)).toEqual([200]);
    expect(jsonBodies(answers)[0]).toMatchObject({ requestApp: true, query: { v: '10' } });
  });
});

describe.each([
  // trust proxy setting, then what the request's ip / protocol / hostname must be
  [false, '127.0.0.1', [], 'http', 'probe.test'],
  [true, '203.0.113.7', ['203.0.113.7', '10.1.2.3'], 'https', 'api.example.com'],
  ['loopback', '10.1.2.3', ['10.1.2.3'], 'https', 'api.example.com'],
  [1, '10.1.2.3', ['10.1.2.3'], 'https', 'api.example.com'],
  ['10.0.0.0/8', '127.0.0.1', [], 'http', 'probe.test'],
])('trust proxy %p', (trustProxy, ip, ips, protocol, hostname) => {
  let pair: ServerPair;
  beforeAll(async () => {
    pair = await startPair(trustProxy);
  });

  it('reads the client address, protocol and host through the app as plain Express does', async () => {
    const answers = await sameOnBoth(pair, [
      requestText('/probe', FORWARDED) +
        requestText('/sub/probe', { ...FORWARDED, connection: 'close' }),
    ]);
    const [top, sub] = jsonBodies(answers);
    const expected = { ip, ips, protocol, secure: protocol === 'https', hostname };
    expect(top).toMatchObject(expected);
    // The sub-app inherits the setting (Express's 'mount' back-compat).
    expect(sub).toMatchObject(expected);
  });
});

describe('an app given the options, then mounted in another app', () => {
  /** A child app with settings of its own, mounted in a parent; answers GET /child/own. */
  function mountedChild(withOptions: boolean) {
    const parent = express();
    const child = express();
    child.set('json spaces', 3);
    child.set('etag', false);
    child.get('/own', (request, response) => {
      response.json({ requestApp: request.app === child, responseApp: response.app === child });
    });
    const options = withOptions ? expressServerOptions(child) : {};
    parent.use('/child', child);
    parent.get('/own', (request, response) => {
      response.json({ requestApp: request.app === parent });
    });
    return { parent, child, options };
  }

  it('keeps its own req.app and settings, as plain Express does', async () => {
    const plain = mountedChild(false);
    const born = mountedChild(true);
    const steps = [requestText('/child/own') + requestText('/own', { connection: 'close' })];
    const plainAnswer = normalized(await converse(await serve({}, plain.parent), steps));
    const bornAnswer = normalized(await converse(await serve({}, born.parent), steps));
    expect(bornAnswer).toBe(plainAnswer);
    const [child, parent] = answersOf(bornAnswer, writtenIn(steps));
    // The child's own settings: 'json spaces' 3, no ETag; the parent's: compact, with one.
    expect(child?.body).toBe(JSON.stringify({ requestApp: true, responseApp: true }, null, 3));
    expect(child?.headers['etag']).toBeUndefined();
    expect(parent?.body).toBe('{"requestApp":true}');
    expect(parent?.headers['etag']).toEqual(expect.any(String));
    // Served on its own by a server made with its options, it still is the child's.
    const direct = await converse(await serve(born.options, born.child), [
      requestText('/own', { connection: 'close' }),
    ]);
    expect(answersOf(direct, 'GET / HTTP/1.1\r\n')[0]?.body).toBe(child?.body);
  });
});

/** The `error.code` of an OpenAI-shaped error body. */
function errorCodeOf(body: string): unknown {
  return (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
}

describe('the real server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves every kind of route on one kept-alive connection without changing a prototype', async () => {
    // undici closes the connection after a HEAD (it asks for that): HEAD is on raw sockets below.
    const client = new Client(server.url, { pipelining: 1 });
    let connections = 0;
    client.on('connect', () => connections++);
    const chat = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: '2 + 3?' }] });
    const calls: { method: 'GET' | 'POST'; path: string; body?: string; expect100?: true }[] = [
      { method: 'POST', path: '/v1/chat/completions', body: chat },
      { method: 'POST', path: '/v1/chat/completions', body: chat, expect100: true },
      { method: 'POST', path: '/v1/chat/completions/', body: chat },
      { method: 'POST', path: '/v1/chat/completions', body: '{"model":' },
      { method: 'POST', path: '/v1/chat/completions?x=1', body: '{"model":' },
      {
        method: 'POST',
        path: '/v1/completions',
        body: JSON.stringify({ model: MODEL, prompt: '1' }),
      },
      { method: 'GET', path: '/v1/models' },
      { method: 'GET', path: '/metrics' },
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/v1/completions' },
      { method: 'GET', path: '/nowhere?key=1' },
    ];
    const watch = watchPrototypeChanges();
    const seen: { call: string; status: number; requestId: boolean; body: string }[] = [];
    try {
      for (const { method, path, body, expect100 } of calls) {
        const answer = await client.request({
          method,
          path,
          ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
          ...(expect100 ? { expectContinue: true } : {}),
        });
        seen.push({
          call: `${method} ${path}`,
          status: answer.statusCode,
          // Set by the access log, on the request listener's path and on Express's alike.
          requestId: typeof answer.headers['x-request-id'] === 'string',
          body: await answer.body.text(),
        });
      }
    } finally {
      watch.restore();
      await client.close();
    }
    expect(watch.changed).toEqual([]);
    expect(connections).toBe(1);
    expect(seen.map(({ call, status, requestId }) => [call, status, requestId])).toEqual([
      ['POST /v1/chat/completions', 200, true],
      ['POST /v1/chat/completions', 200, true],
      ['POST /v1/chat/completions/', 200, true],
      ['POST /v1/chat/completions', 400, true],
      ['POST /v1/chat/completions?x=1', 400, true],
      ['POST /v1/completions', 200, true],
      ['GET /v1/models', 200, true],
      ['GET /metrics', 200, true],
      ['GET /health', 200, true],
      ['GET /v1/completions', 405, true],
      ['GET /nowhere?key=1', 404, true],
    ]);
    // Errors written by Express's res.set/status/json: on the listener's path (exact chat URL)
    // and on Express's (with a query).
    const invalid = seen.filter((entry) => entry.status === 400);
    expect(invalid.map((entry) => errorCodeOf(entry.body))).toEqual([
      'invalid_json',
      'invalid_json',
    ]);
    // req.path (an Express getter, through the app's prototype) leaves the query out.
    expect(JSON.parse(seen[10]?.body ?? '')).toMatchObject({
      error: { message: 'Unknown route GET /nowhere', code: 'not_found' },
    });
    expect(seen[7]?.body).toContain('tts_proxy_requests_in_flight');
  });

  it('answers pipelined requests, HEAD, 100-continue and an Upgrade header on raw sockets', async () => {
    const chat = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    const post = (headers: string) =>
      'POST /v1/chat/completions HTTP/1.1\r\nhost: probe.test\r\n' +
      `content-type: application/json\r\ncontent-length: ${chat.length}\r\n${headers}\r\n`;
    const pipelined = [
      requestText('/health'),
      requestText('/health', {}, 'HEAD'),
      requestText('/v1/models'),
      post('') + chat,
      requestText('/nowhere'),
      requestText('/nowhere', {}, 'HEAD'),
      requestText('/metrics', {}, 'HEAD'),
      requestText('/health', { connection: 'close' }),
    ].join('');
    const continued = [post('expect: 100-continue\r\nconnection: close\r\n'), /100 Continue/, chat];
    const upgrade = requestText('/health', { connection: 'Upgrade', upgrade: 'websocket' });
    const watch = watchPrototypeChanges();
    let answers: Answer[][];
    try {
      answers = [
        answersOf(await converse(server.port, [pipelined]), pipelined),
        answersOf(await converse(server.port, continued), writtenIn(continued)),
        answersOf(await converse(server.port, [upgrade], firstAnswerIn), upgrade),
      ];
    } finally {
      watch.restore();
    }
    expect(watch.changed).toEqual([]);
    expect(answers.map(statuses)).toEqual([
      [200, 200, 200, 200, 404, 404, 200, 200],
      [100, 200],
      [200],
    ]);
    const [pipelinedAnswers = [], [, continuedChat] = []] = answers;
    // A HEAD gets the GET's headers (its length too) and no body.
    expect(pipelinedAnswers[1]?.headers['content-length']).toBe(
      pipelinedAnswers[0]?.headers['content-length'],
    );
    expect(pipelinedAnswers.map((answer) => answer.body === '')).toEqual([
      false,
      true,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(JSON.parse(continuedChat?.body ?? '')).toMatchObject({ object: 'chat.completion' });
  });

  it('answers the openai SDK on the same objects', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const watch = watchPrototypeChanges();
    try {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'What is 2 + 3?' }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text.length).toBeGreaterThan(0);
      await expect(client.models.retrieve('no-such-model')).rejects.toMatchObject({ status: 404 });
    } finally {
      watch.restore();
    }
    expect(watch.changed).toEqual([]);
  });
});
