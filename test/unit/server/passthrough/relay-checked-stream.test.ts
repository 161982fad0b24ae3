import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import {
  relayCheckedStream,
  type ModelRename,
} from '../../../../src/server/passthrough/relay-checked-stream';
import { UpstreamAnswer } from '../../../../src/server/passthrough/upstream-answer';

const RENAME: ModelRename = {
  served: 'Qwen/Qwen2.5-1.5B-Instruct',
  client: 'qwen2.5-1.5b-instruct',
};

function event(text: string, model = RENAME.served): string {
  return `data: {"id":"c1","object":"text_completion","model":"${model}","choices":[{"text":"${text}"}]}\n\n`;
}

/** An upstream answer whose body the test pushes (pause, resume and abort do nothing). */
function streamAnswer(): UpstreamAnswer {
  const controller = {
    pause() {},
    resume() {},
    abort() {},
  } as unknown as Dispatcher.DispatchController;
  return new UpstreamAnswer(200, {}, controller);
}

/** Relay `chunks` (written one by one) and return what the client received and the outcome. */
async function relay(
  chunks: readonly Buffer[],
  rename: ModelRename | null,
): Promise<{ text: string; outcome: string }> {
  const upstream = streamAnswer();
  const received: Buffer[] = [];
  const response = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      received.push(Buffer.from(chunk));
      callback();
    },
  });
  const done = relayCheckedStream(upstream, response as unknown as ServerResponse, rename);
  // As undici delivers them: one chunk at a time, each on its own turn.
  for (const chunk of chunks) {
    upstream.pushData(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  upstream.settle('end');
  const outcome = await done;
  return { text: Buffer.concat(received).toString('utf8'), outcome };
}

/** The stream cut into two chunks at every byte position. */
function everySplit(text: string): Buffer[][] {
  const bytes = Buffer.from(text, 'utf8');
  return Array.from({ length: bytes.length - 1 }, (_, i) => [
    bytes.subarray(0, i + 1),
    bytes.subarray(i + 1),
  ]);
}

describe('relayCheckedStream', () => {
  const stream = event('∑ 数') + event('🙂 \\"q\\"') + 'data: [DONE]\n\n';

  it('relays the bytes unchanged when no name is swapped, wherever the chunks are cut', async () => {
    for (const chunks of everySplit(stream)) {
      expect(await relay(chunks, null)).toEqual({ text: stream, outcome: 'done' });
    }
  });

  it("names the client's model in every event, wherever the chunks are cut", async () => {
    const expected =
      event('∑ 数', RENAME.client) + event('🙂 \\"q\\"', RENAME.client) + 'data: [DONE]\n\n';
    for (const chunks of everySplit(stream)) {
      expect(await relay(chunks, RENAME)).toEqual({ text: expected, outcome: 'done' });
    }
  });

  it('swaps the name in JSON written with spaces too, and leaves other models alone', async () => {
    const spaced = `data: {"id": "c1", "model": "${RENAME.served}", "choices": []}\n\n`;
    const other = event('x', 'other-model');
    const { text } = await relay([Buffer.from(spaced + other + 'data: [DONE]\n\n')], RENAME);
    const payloads = text.split('\n\n').filter((part) => part.startsWith('data: {'));
    expect(payloads.map((part) => (JSON.parse(part.slice(6)) as { model: string }).model)).toEqual([
      RENAME.client,
      'other-model',
    ]);
  });

  it('reads CRLF line ends, a CRLF cut between chunks included', async () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    for (const chunks of everySplit(crlf)) {
      const { text, outcome } = await relay(chunks, null);
      expect(outcome).toBe('done');
      expect(text).toBe(stream);
    }
  });

  it('wraps a flat vLLM error event in OpenAI shape', async () => {
    const flat =
      'data: {"object":"error","message":"boom","type":"BadRequestError","code":400}\n\n';
    const { text, outcome } = await relay([Buffer.from(event('a') + flat)], RENAME);
    expect(outcome).toBe('upstream-error-event');
    const payloads = text.split('\n\n').filter((part) => part.startsWith('data: '));
    expect(JSON.parse(payloads[1]?.slice(6) ?? '')).toEqual({
      error: { message: 'boom', type: 'server_error', param: null, code: 'upstream_error' },
    });
    expect(payloads.at(-1)).toBe('data: [DONE]');
  });

  it('ends a stream with a broken event with an error event and [DONE]', async () => {
    const { text, outcome } = await relay(
      [Buffer.from(event('a') + 'data: {"id":"c1","choi\n\n' + event('b'))],
      RENAME,
    );
    expect(outcome).toBe('broken');
    const payloads = text.split('\n\n').filter((part) => part.startsWith('data: '));
    expect(payloads).toHaveLength(3);
    expect(payloads[0]).toContain(RENAME.client);
    expect(payloads[1]).toContain('upstream_stream_broken');
    expect(payloads[2]).toBe('data: [DONE]');
  });

  it('drops whole events after [DONE], in the same read and in later ones', async () => {
    const { text, outcome } = await relay(
      [Buffer.from(event('a') + 'data: [DONE]\n\n' + event('late')), Buffer.from(event('later'))],
      RENAME,
    );
    expect(outcome).toBe('done');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('late');
  });

  it('ends quietly after [DONE]: an incomplete event trailing it is dropped, not reported', async () => {
    const { text, outcome } = await relay(
      [Buffer.from(event('a') + 'data: [DONE]\n\n' + 'data: {"partial":')],
      RENAME,
    );
    expect(outcome).toBe('done');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('partial');
  });

  it('breaks a stream whose event outgrows the bound (MAX_HELD_EVENT_BYTES) instead of holding it', async () => {
    const piece = Buffer.alloc(1024 * 1024, 0x61);
    const chunks = [Buffer.from(event('a') + 'data: {"x":"'), ...Array<Buffer>(17).fill(piece)];
    const { text, outcome } = await relay(chunks, RENAME);
    expect(outcome).toBe('broken');
    const payloads = text.split('\n\n').filter((part) => part.startsWith('data: '));
    expect(payloads).toHaveLength(3);
    expect(payloads[1]).toContain('upstream_stream_broken');
    expect(payloads[2]).toBe('data: [DONE]');
  });

  it('swaps only the top-level model, and reads escaped keys as JSON.parse does', async () => {
    // A nested `"model"` equal to the served name is content, not the event's model.
    const nested = `data: {"id":"c1","model":"other","choices":[{"model":"${RENAME.served}"}]}\n\n`;
    // `mod\u0065l` is the key `model`; `\u0065rror` makes a flat error.
    const escaped = `data: {"id":"c2","mod\\u0065l":"${RENAME.served}","choices":[]}\n\n`;
    const flat = 'data: {"object":"\\u0065rror","message":"boom"}\n\n';
    const { text, outcome } = await relay([Buffer.from(nested + escaped + flat)], RENAME);
    const payloads = text
      .split('\n\n')
      .filter((part) => part.startsWith('data: {'))
      .map((part) => JSON.parse(part.slice(6)) as Record<string, unknown>);
    expect(payloads[0]).toEqual({
      id: 'c1',
      model: 'other',
      choices: [{ model: RENAME.served }],
    });
    expect(payloads[1]).toMatchObject({ id: 'c2', model: RENAME.client });
    expect(payloads[2]).toEqual({
      error: { message: 'boom', type: 'server_error', param: null, code: 'upstream_error' },
    });
    expect(outcome).toBe('upstream-error-event');
  });

  it('breaks the stream on payloads JSON.parse refuses: scalars, bad numbers, raw control bytes', async () => {
    for (const bad of ['"text"', '{"a":01}', '{"a":"\u0001"}', '{"a":1,}', '{"a":tru}']) {
      const { text, outcome } = await relay([Buffer.from(event('a') + `data: ${bad}\n\n`)], null);
      expect({ bad, outcome }).toEqual({ bad, outcome: 'broken' });
      expect(text).toContain('upstream_stream_broken');
    }
  });
  it('sends the events of one read in one write, and each later read in its own', async () => {
    const upstream = streamAnswer();
    const writes: string[] = [];
    const response = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        // `end('')` writes an empty chunk here (a ServerResponse sends nothing for it).
        if (chunk.length > 0) writes.push(chunk.toString('utf8'));
        callback();
      },
    });
    const done = relayCheckedStream(upstream, response as unknown as ServerResponse, RENAME);
    // One socket read: undici hands over each HTTP chunk (one per event) in the same turn.
    upstream.pushData(Buffer.from(event('a')));
    upstream.pushData(Buffer.from(event('b')));
    await new Promise((resolve) => setImmediate(resolve));
    upstream.pushData(Buffer.from(event('c') + 'data: [DONE]\n\n'));
    upstream.settle('end');
    expect(await done).toBe('done');
    expect(writes).toEqual([
      event('a', RENAME.client) + event('b', RENAME.client),
      event('c', RENAME.client) + 'data: [DONE]\n\n',
    ]);
  });
});
