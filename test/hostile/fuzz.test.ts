/**
 * 2,000 fuzzed requests (seeded fast-check samples) against the real server on loopback: bodies
 * (random JSON, near-valid chat requests with wrong types, random bytes, deep nesting), headers
 * (content types, charsets, encodings, our x-tts-* headers) and framing (raw sockets with broken
 * lengths and chunking). Issue 13 found 5xx answers and non-OpenAI error bodies here; now every
 * answer must be below 500 and every error body OpenAI-shaped.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';
import { isOpenAiError, send, sendRaw, type RawAnswer } from './support/raw-http';

const TOTAL = 2000;
const FRAMING = 200;
const BATCH = 25;
const MODEL = 'qwen2.5-1.5b-instruct';

interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const chatBody = fc.record(
  {
    model: fc.oneof(fc.constant(MODEL), fc.constant('qwen2.5-1.5b-instruct@bon:4'), jsonValue),
    messages: fc.oneof(
      fc.constant([{ role: 'user', content: 'What is 2 + 3?' }]),
      fc.array(
        fc.record({
          role: fc.oneof(
            fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer'),
            jsonValue,
          ),
          content: fc.oneof(
            fc.string(),
            fc.array(fc.record({ type: fc.string(), text: jsonValue })),
          ),
        }),
        { maxLength: 3 },
      ),
      jsonValue,
    ),
    stream: fc.oneof(fc.boolean(), jsonValue),
    n: fc.oneof(fc.integer({ min: -2, max: 3 }), jsonValue),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 16 }), jsonValue),
    tts_budget: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.string(), jsonValue),
    tts_strategy: fc.oneof(
      fc.constantFrom('cot', 'majority', 'best_of_n', 'beam', 'nope'),
      jsonValue,
    ),
    tts_timeout_ms: fc.oneof(fc.integer({ min: -1, max: 5000 }), jsonValue),
    tools: jsonValue,
    response_format: jsonValue,
    logit_bias: jsonValue,
    stream_options: jsonValue,
  },
  { requiredKeys: ['model', 'messages'] },
);

const bodyBytes = fc.oneof(
  chatBody.map((value) => Buffer.from(JSON.stringify(value))),
  jsonValue.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  fc
    .integer({ min: 100, max: 3000 })
    .map((depth) =>
      Buffer.from(
        `{"model":"${MODEL}","messages":[],"tools":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      ),
    ),
  fc.string().map((text) => Buffer.from(text)),
);

const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH'),
    path: fc.oneof(
      fc.constantFrom(
        '/v1/chat/completions',
        '/v1/chat/completions',
        '/v1/completions',
        '/v1/embeddings',
      ),
      fc.constantFrom(
        '/v1/models',
        '/health',
        '/v1/chat/completions/',
        '/V1/chat/completions',
        '/v1/tokenize',
      ),
      fc.webPath().map((path) => `/v1${path.startsWith('/') ? path : `/${path}`}`),
      fc.constantFrom(
        '/v1/%2e%2e/metrics',
        '/v1/../health',
        '/v1/%zz',
        '/v1/chat/completions?api_key=x',
      ),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
    ),
    encoding: fc.constantFrom('', '', '', 'gzip', 'gzip', 'deflate', 'br', 'compress', 'gzip, br'),
    compressForReal: fc.boolean(),
    budgetHeader: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String))),
    strategyHeader: fc.option(fc.string({ maxLength: 12 })),
    abHeader: fc.option(fc.constantFrom('cot', 'tts', 'both', '')),
    requestId: fc.option(fc.string({ maxLength: 200 })),
    body: bodyBytes,
  })
  .map((draw) => {
    const headers: Record<string, string> = {};
    if (draw.contentType) headers['content-type'] = draw.contentType;
    let body = draw.body;
    if (draw.encoding) {
      headers['content-encoding'] = draw.encoding;
      if (draw.compressForReal && draw.encoding === 'gzip') body = gzipSync(body);
    }
    if (draw.budgetHeader !== null)
      headers['x-tts-budget'] = draw.budgetHeader.replace(/[^\t\x20-\x7e]/g, '');
    if (draw.strategyHeader !== null)
      headers['x-tts-strategy'] = draw.strategyHeader.replace(/[^\t\x20-\x7e]/g, '');
    if (draw.abHeader !== null) headers['x-tts-ab'] = draw.abHeader;
    if (draw.requestId !== null)
      headers['x-request-id'] = draw.requestId.replace(/[^\t\x20-\x7e]/g, '');
    return { method: draw.method, path: draw.path, headers, body };
  });

/** Raw HTTP/1.1 whose framing is broken on purpose. */
const framingCase: fc.Arbitrary<string> = fc
  .record({
    kind: fc.constantFrom(
      'short-length',
      'bad-chunk',
      'both-lengths',
      'bad-header',
      'huge-header',
      'bad-line',
    ),
    body: fc.string({ maxLength: 64 }),
    size: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ kind, body, size }) => {
    const start =
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n';
    switch (kind) {
      case 'short-length':
        return `${start}content-length: ${Buffer.byteLength(body) + size}\r\n\r\n${body}`;
      case 'bad-chunk':
        return `${start}transfer-encoding: chunked\r\n\r\nzz${size}\r\n${body}\r\n0\r\n\r\n`;
      case 'both-lengths':
        return `${start}content-length: ${size}\r\ntransfer-encoding: chunked\r\n\r\n${body}`;
      case 'bad-header':
        return `${start}x-bad header: ${body}\r\ncontent-length: 0\r\n\r\n`;
      case 'huge-header':
        return `${start}x-big: ${'a'.repeat(20_000 + size)}\r\ncontent-length: 0\r\n\r\n`;
      default:
        return `POST /v1/chat/completions HTTP/9.${size}${body}\r\n\r\n`;
    }
  });

function isError(answer: RawAnswer): boolean {
  return answer.status >= 400;
}

describe('fuzzed requests', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ TTS_PROXY__SERVER__BODY_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await server.close();
  });

  it(`answers ${TOTAL} fuzzed requests with no 5xx and only OpenAI-shaped error bodies`, async () => {
    const cases = fc.sample(fuzzCase, { seed: 13, numRuns: TOTAL - FRAMING });
    const framings = fc.sample(framingCase, { seed: 1313, numRuns: FRAMING });
    const bad: string[] = [];
    let answered = 0;
    const statuses: Record<number, number> = {};
    const check = (label: string, answer: RawAnswer): void => {
      if (answer.status === 0) return; // The connection was closed with nothing to answer.
      answered++;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status >= 500 || (isError(answer) && !isOpenAiError(answer.body)))
        bad.push(`${label} -> ${answer.status} ${answer.body.slice(0, 120)}`);
    };
    for (let i = 0; i < cases.length; i += BATCH) {
      await Promise.all(
        cases.slice(i, i + BATCH).map(async (c) => {
          const answer = await send(server.url, {
            method: c.method,
            path: c.path,
            headers: c.headers,
            body: c.method === 'GET' ? undefined : c.body,
          }).catch(() => ({ status: 0, headers: {}, body: '' }));
          check(`${c.method} ${c.path} ${JSON.stringify(c.headers)}`, answer);
        }),
      );
    }
    for (let i = 0; i < framings.length; i += BATCH) {
      await Promise.all(
        framings
          .slice(i, i + BATCH)
          .map(async (raw) => check(raw.slice(0, 80), await sendRaw(server.url, raw, 5000))),
      );
    }
    // Most requests get an answer (a request cut mid-body may not).
    expect(answered).toBeGreaterThan(TOTAL * 0.9);
    if (process.env.FUZZ_REPORT) console.log(JSON.stringify({ answered, statuses }));
    expect(bad).toEqual([]);
    const health = await send(server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
  }, 120_000);
});
