import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, UpstreamError, UpstreamTimeoutError } from '../../../../src/errors';
import { readWholeBody } from '../../../../src/util';
import {
  canonicalJson,
  createRecordingUpstream,
  createReplayUpstream,
} from '../../../../src/upstream';
import { createFakeUpstreamClient } from '../fake-upstream-client';

function line(fields: Record<string, unknown>): string {
  return JSON.stringify({
    v: 1,
    upstream: 'policy',
    method: 'POST',
    request: null,
    status: 200,
    duration_ms: 1,
    timestamp: '2025-01-01T00:00:00.000Z',
    ...fields,
  });
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"e":1,"f":2}]},"b":1}',
    );
  });
});

describe('createReplayUpstream', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tts-replay-'));
    file = path.join(dir, 'policy.jsonl');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (name = 'policy') =>
    createReplayUpstream({ name, file, field: `upstreams.${name}.replay` });

  it('answers by path and body (key order does not matter), identical requests in recorded order, cycling', async () => {
    writeFileSync(
      file,
      [
        line({ path: '/v1/completions', request: { a: 1, b: 2 }, response: { n: 1 } }),
        line({ path: '/v1/completions', request: { a: 1, b: 2 }, response: { n: 2 } }),
        line({ path: '/tokenize', request: { a: 1, b: 2 }, response: { tokens: [1] } }),
      ].join('\n') + '\n',
    );
    const replay = open();
    await expect(replay.postJson('/v1/completions', { b: 2, a: 1 })).resolves.toEqual({ n: 1 });
    await expect(replay.postJson('/tokenize', { a: 1, b: 2 })).resolves.toEqual({ tokens: [1] });
    await expect(replay.postJson('/v1/completions', { a: 1, b: 2 })).resolves.toEqual({ n: 2 });
    await expect(replay.postJson('/v1/completions', { a: 1, b: 2 })).resolves.toEqual({ n: 1 });
    await expect(replay.probe('/health', 100)).resolves.toBe(200);
  });

  it('fails an unrecorded request at once with a 502 naming the recording', async () => {
    writeFileSync(
      file,
      line({ path: '/v1/completions', request: { seed: 1 }, response: {} }) + '\n',
    );
    const replay = open();
    const failure = replay.postJson('/v1/completions', { seed: 2 });
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining(file),
    });
    await expect(replay.getJson('/version')).rejects.toMatchObject({
      message: expect.stringContaining('GET /version'),
    });
  });

  it('replays recorded errors as the same error classes', async () => {
    writeFileSync(
      file,
      [
        line({
          path: '/pooling',
          request: {},
          status: 404,
          error: {
            kind: 'upstream',
            message: "upstream 'policy' answered 404: Not Found",
            body: '{"detail":"Not Found"}',
          },
        }),
        line({
          path: '/slow',
          request: {},
          status: null,
          error: { kind: 'timeout', message: 'late', body: '', timeout_ms: 9 },
        }),
      ].join('\n'),
    );
    const replay = open();
    await expect(replay.postJson('/pooling', {})).rejects.toMatchObject({
      status: 404,
      body: '{"detail":"Not Found"}',
    });
    await expect(replay.postJson('/slow', {})).rejects.toBeInstanceOf(UpstreamTimeoutError);
  });

  it('round-trips a recording: JSON answers, errors and streams as recorded', async () => {
    const fake = createFakeUpstreamClient('http://gpu:8000');
    fake.handler = (call) =>
      call.method === 'STREAM'
        ? 'data: {"a":1}\n\ndata: [DONE]\n\n'
        : { choices: [{ text: String((call.body as { prompt?: string } | null)?.prompt) }] };
    const recorder = createRecordingUpstream({ client: fake, file });
    const live = [
      await recorder.postJson('/v1/completions', { prompt: 'x', seed: 3 }),
      await recorder.getJson('/v1/models'),
    ];
    const stream = await recorder.postStream('/v1/chat/completions', { stream: true });
    expect((await readWholeBody(stream.body)).length).toBeGreaterThan(0);
    await recorder.close();

    const replay = open();
    expect([
      await replay.postJson('/v1/completions', { seed: 3, prompt: 'x' }),
      await replay.getJson('/v1/models'),
    ]).toEqual(live);
    const replayed = await replay.postStream('/v1/chat/completions', { stream: true });
    const text = (await readWholeBody(replayed.body)).toString('utf8');
    expect(text).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(replayed.headers['content-type']).toBe('text/event-stream');
  });

  it('hands out copies, so a caller mutating an answer does not change the next replay', async () => {
    writeFileSync(file, line({ path: '/x', request: {}, response: { list: [2, 1] } }));
    const replay = open();
    const first = (await replay.postJson('/x', {})) as { list: number[] };
    first.list.sort();
    await expect(replay.postJson('/x', {})).resolves.toEqual({ list: [2, 1] });
  });

  it("replays only this upstream's lines from a shared file", async () => {
    writeFileSync(
      file,
      [
        line({ path: '/x', request: {}, response: 'policy' }),
        line({ upstream: 'prm', path: '/x', request: {}, response: 'prm' }),
      ].join('\n'),
    );
    await expect(open('prm').postJson('/x', {})).resolves.toBe('prm');
    expect(() => open('other')).toThrow(/none named 'other'/);
  });

  it('refuses a missing, empty or malformed recording with a ConfigError naming the field', () => {
    expect(() => open()).toThrow(ConfigError);
    writeFileSync(file, '');
    expect(() => open()).toThrow(/holds no exchanges/);
    writeFileSync(file, line({ path: '/x' }) + '\n{"v":1,"trunc');
    expect(() => open()).toThrow(/line 2 is not JSON/);
    try {
      open();
    } catch (error) {
      expect((error as ConfigError).message).toContain('upstreams.policy.replay');
    }
  });
});
