import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UpstreamError, UpstreamTimeoutError } from '../../../../src/errors';
import { readWholeBody } from '../../../../src/util';
import {
  createRecordingUpstream,
  createReplayUpstream,
  recordedExchangeSchema,
  type RecordedExchange,
} from '../../../../src/upstream';
import { createFakeUpstreamClient } from '../fake-upstream-client';

function readLines(file: string): RecordedExchange[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => recordedExchangeSchema.parse(JSON.parse(line)));
}

describe('createRecordingUpstream', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tts-record-'));
    file = path.join(dir, 'runs', 'policy.jsonl');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends one line per exchange: method, path, request, status, answer, duration, time', async () => {
    const fake = createFakeUpstreamClient('http://user:secret@gpu:8000');
    fake.handler = (call) => ({ echo: call.body });
    const client = createRecordingUpstream({
      client: fake,
      file,
      now: () => new Date('2025-01-02T03:04:05.000Z'),
    });
    await client.postJson('/v1/completions', { model: 'm', prompt: 'hi', seed: 7 });
    await client.getJson('/v1/models');
    await client.close();
    const lines = readLines(file);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      v: 1,
      upstream: 'policy',
      method: 'POST',
      path: '/v1/completions',
      request: { model: 'm', prompt: 'hi', seed: 7 },
      status: 200,
      response: { echo: { model: 'm', prompt: 'hi', seed: 7 } },
      timestamp: '2025-01-02T03:04:05.000Z',
    });
    expect(lines[0]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(lines[1]).toMatchObject({ method: 'GET', path: '/v1/models', request: null });
    expect(fake.isClosed).toBe(true);
  });

  it("records a lane's calls in the same file, made on the wrapped client's lane (under the lane's owner)", async () => {
    const fake = createFakeUpstreamClient('http://gpu:8000');
    fake.handler = () => ({ ok: true });
    const laneCalls: string[] = [];
    const owners: unknown[] = [];
    const key = {};
    fake.inLane = (owner) => {
      owners.push(owner);
      return {
        ...fake,
        postJson: (requestPath, body, signal) => {
          laneCalls.push(requestPath);
          return fake.postJson(requestPath, body, signal);
        },
      };
    };
    const client = createRecordingUpstream({ client: fake, file });
    const lane = client.inLane?.(key);
    expect(owners[0]).toBe(key);
    await lane?.postJson('/v1/completions', { prompt: 'hi' });
    await lane?.close();
    expect(fake.isClosed).toBe(false);
    await client.postJson('/tokenize', { prompt: 'hi' });
    await client.close();
    expect(laneCalls).toEqual(['/v1/completions']);
    expect(readLines(file).map((line) => line.path)).toEqual(['/v1/completions', '/tokenize']);
  });

  it('records a bytes exchange as parsed JSON, which a replay answers as bytes again', async () => {
    const fake = createFakeUpstreamClient('http://gpu:8000');
    fake.handler = (call) => ({ model: 'served', echo: call.body });
    const client = createRecordingUpstream({ client: fake, file });
    const value = { model: 'served', messages: [{ role: 'user', content: 'hi' }] };
    const body = { bytes: Buffer.from(JSON.stringify(value)), value };
    const answer = await client.postJsonBytes?.('/v1/chat/completions', body);
    await client.close();
    expect(JSON.parse(answer?.bytes.toString() ?? '')).toEqual({ model: 'served', echo: value });
    expect(readLines(file)[0]).toMatchObject({
      path: '/v1/chat/completions',
      request: value,
      response: { model: 'served', echo: value },
    });
    const replay = createReplayUpstream({ name: 'policy', file, field: 'replay' });
    const replayed = await replay.postJsonBytes?.('/v1/chat/completions', body);
    expect(replayed?.bytes.toString()).toBe(answer?.bytes.toString());
    expect(replayed?.scan.model?.name).toBe('served');
  });

  it('never records headers, credentials or the base URL', async () => {
    const fake = createFakeUpstreamClient('http://user:secret@gpu:8000');
    fake.handler = () => ({ tokens: [1, 2] });
    const client = createRecordingUpstream({ client: fake, file });
    await client.postJson('/tokenize', { prompt: 'x' });
    await client.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/secret|authorization|gpu:8000/i);
  });

  it('records upstream errors and timeouts and rethrows them', async () => {
    const fake = createFakeUpstreamClient('http://gpu:8000');
    let call = 0;
    fake.handler = () => {
      call++;
      if (call === 1)
        throw new UpstreamError("upstream 'policy' answered 400: bad", {
          upstream: 'policy',
          status: 400,
          body: '{"error":{"message":"bad"}}',
        });
      throw new UpstreamTimeoutError('policy', 50);
    };
    const client = createRecordingUpstream({ client: fake, file });
    await expect(client.postJson('/pooling', {})).rejects.toBeInstanceOf(UpstreamError);
    await expect(client.postJson('/v1/completions', {})).rejects.toBeInstanceOf(
      UpstreamTimeoutError,
    );
    await client.close();
    const [first, second] = readLines(file);
    expect(first).toMatchObject({
      status: 400,
      error: { kind: 'upstream', body: '{"error":{"message":"bad"}}' },
    });
    expect(second).toMatchObject({ status: null, error: { kind: 'timeout', timeout_ms: 50 } });
  });

  it('records a stream chunk by chunk once it ends, passing it through unchanged', async () => {
    const fake = createFakeUpstreamClient('http://gpu:8000');
    fake.handler = () => 'data: {"x":"é"}\n\ndata: [DONE]\n\n';
    const client = createRecordingUpstream({ client: fake, file });
    const stream = await client.postStream('/v1/chat/completions', { stream: true });
    const text = (await readWholeBody(stream.body)).toString('utf8');
    await client.close();
    expect(text).toBe('data: {"x":"é"}\n\ndata: [DONE]\n\n');
    expect(readLines(file)[0]).toMatchObject({
      path: '/v1/chat/completions',
      status: 200,
      stream: ['data: {"x":"é"}\n\ndata: [DONE]\n\n'],
    });
  });

  it('fails the stream when its recording cannot be written, rather than leave it open', async () => {
    // /dev/full takes the open and refuses every write (ENOSPC): Linux only.
    if (process.platform !== 'linux') return;
    const fake = createFakeUpstreamClient('http://gpu:8000');
    fake.handler = () => 'data: [DONE]\n\n';
    const client = createRecordingUpstream({ client: fake, file: '/dev/full' });
    const stream = await client.postStream('/v1/chat/completions', { stream: true });
    await expect(readWholeBody(stream.body)).rejects.toThrow(/ENOSPC/);
    await client.close();
  });

  it('appends to an existing recording and does not record aborted calls', async () => {
    const fake = createFakeUpstreamClient('http://gpu:8000');
    const first = createRecordingUpstream({ client: fake, file });
    await first.postJson('/a', {});
    await first.close();
    const second = createRecordingUpstream({ client: fake, file });
    fake.handler = () => {
      const error = new Error('aborted');
      error.name = 'AbortError';
      throw error;
    };
    await expect(second.postJson('/b', {})).rejects.toMatchObject({ name: 'AbortError' });
    await second.close();
    expect(readLines(file).map((line) => line.path)).toEqual(['/a']);
  });
});
