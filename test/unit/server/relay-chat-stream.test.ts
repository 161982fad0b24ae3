import { PushedBody, bodyOfChunks } from '../../../src/util';
import type { Response } from 'express';
import { relayChatStream } from '../../../src/server/routes/relay-chat-stream';

/** The part of an Express response the relay uses, recording what it writes. */
function fakeResponse(): { response: Response; written: string[] } {
  const written: string[] = [];
  let ended = false;
  const fake = {
    statusCode: 0,
    setHeader: () => fake,
    write: (chunk: string | Buffer, encoding?: BufferEncoding) =>
      written.push(
        (typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk).toString(
          'utf8',
        ),
      ),
    end: () => {
      ended = true;
    },
    get writableEnded() {
      return ended;
    },
  };
  return { response: fake as unknown as Response, written };
}

async function relay(lines: (string | Buffer)[]): Promise<string> {
  const { response, written } = fakeResponse();
  await relayChatStream(
    bodyOfChunks(lines.map((line) => (typeof line === 'string' ? Buffer.from(line) : line))),
    response,
    'served-model',
    'client-model',
    new AbortController().signal,
  );
  return written.join('');
}

describe('relayChatStream', () => {
  it('renames the served model to the client model, line by line, across chunk boundaries', async () => {
    const out = await relay([
      'data: {"id":"1","model":"served-',
      'model","choices":[]}\n\n',
      'data: [DONE]\n\n',
    ]);
    expect(out).toBe('data: {"id":"1","model":"client-model","choices":[]}\n\ndata: [DONE]\n\n');
  });

  it('keeps a UTF-8 character split across chunks whole (it works on bytes)', async () => {
    const line = Buffer.from('data: {"model":"served-model","content":"π ≈ 3"}\n\n');
    const split = line.indexOf(Buffer.from('π')) + 1;
    const out = await relay([line.subarray(0, split), line.subarray(split)]);
    expect(out).toBe('data: {"model":"client-model","content":"π ≈ 3"}\n\n');
  });

  it('renames a model whose names are not ASCII, byte for byte', async () => {
    const { response, written } = fakeResponse();
    await relayChatStream(
      bodyOfChunks([Buffer.from('data: {"model":"modèle-servi","content":"é"}\n\n')]),
      response,
      'modèle-servi',
      'клиент',
      new AbortController().signal,
    );
    expect(written.join('')).toBe('data: {"model":"клиент","content":"é"}\n\n');
  });

  it("writes a client model name's `$` as it is (no replacement patterns), in every event of a read", async () => {
    const { response, written } = fakeResponse();
    const event = (name: string, n: number): string =>
      `data: {"id":"${n}","model":"${name}","choices":[]}\n\n`;
    await relayChatStream(
      bodyOfChunks([
        Buffer.from(event('served', 1) + event('served', 2)),
        Buffer.from(event('served', 3)),
      ]),
      response,
      'served',
      "a$&b$'c$$d$1",
      new AbortController().signal,
    );
    const name = "a$&b$'c$$d$1";
    expect(written.join('')).toBe(event(name, 1) + event(name, 2) + event(name, 3));
  });

  it("wraps vLLM's flat error events in OpenAI's shape, with a readable message whatever its type", async () => {
    const out = await relay([
      'data: {"object":"error","message":"boom","type":"BadRequestError","code":400}\n\n',
      'data: {"object":"error","message":null,"code":500}\n\n',
      'data: {"object":"error","message":{"detail":"x"},"code":500}\n\n',
    ]);
    const events = out
      .trim()
      .split('\n\n')
      .map(
        (line) =>
          JSON.parse(line.replace(/^data: /, '')) as { error: { message: string; code: string } },
      );
    expect(events.map((event) => event.error.message)).toEqual([
      'boom',
      'upstream error',
      '{"detail":"x"}',
    ]);
    expect(events.every((event) => event.error.code === 'upstream_error')).toBe(true);
  });

  it('passes the bytes through when the names agree, and still wraps flat error events', async () => {
    const { response, written } = fakeResponse();
    const line = 'data: {"model":"same","content":"π"}\n\n';
    await relayChatStream(
      bodyOfChunks([
        Buffer.from(line),
        Buffer.from('data: {"object":"error","message":"boom","code":400}\n\n'),
      ]),
      response,
      'same',
      'same',
      new AbortController().signal,
    );
    const [first, second] = written.join('').split('\n\n');
    expect(`${first}\n\n`).toBe(line);
    expect(JSON.parse((second as string).slice('data: '.length))).toMatchObject({
      error: { message: 'boom', code: 'upstream_error' },
    });
  });

  it('sends the lines of one read in one write, and each later read in its own', async () => {
    const { response, written } = fakeResponse();
    const body = new PushedBody({ pause() {}, resume() {}, abort() {} });
    const done = relayChatStream(
      body,
      response,
      'served-model',
      'client-model',
      new AbortController().signal,
    );
    const event = (text: string, model: string): string =>
      `data: {"model":"${model}","content":"${text}"}\n\n`;
    // Chunks arriving in one turn (one socket read), then one more on a later turn.
    body.pushData(Buffer.from(event('a', 'served-model')));
    body.pushData(Buffer.from(event('b', 'served-model')));
    await new Promise((resolve) => setImmediate(resolve));
    body.pushData(Buffer.from(event('c', 'served-model')));
    body.settle('end');
    await done;
    expect(written).toEqual([
      event('a', 'client-model') + event('b', 'client-model'),
      event('c', 'client-model'),
    ]);
  });
});

describe('relayChatStream, a stream that ends mid-event', () => {
  it("keeps its error event apart from the open event's line, so a client parses both", async () => {
    const { response, written } = fakeResponse();
    await relayChatStream(
      bodyOfChunks([Buffer.from('data: {"model":"served-model","choices":[]}\n')]),
      response,
      'served-model',
      'client-model',
      new AbortController().signal,
      true,
    );
    // As an SSE client reads it: events end at a blank line; each event's data is one JSON.
    const events = written
      .join('')
      .split('\n\n')
      .map((event) => event.trim())
      .filter((event) => event.length > 0);
    expect(events).toHaveLength(3);
    const [first, error, done] = events as [string, string, string];
    expect(JSON.parse(first.slice(6))).toEqual({ model: 'client-model', choices: [] });
    expect(JSON.parse(error.slice(6))).toMatchObject({ error: { code: 'upstream_stream_broken' } });
    expect(done).toBe('data: [DONE]');
  });

  it('adds no blank line when the stream broke between events (LF or CRLF)', async () => {
    for (const end of ['\n\n', '\r\n\r\n']) {
      const { response, written } = fakeResponse();
      await relayChatStream(
        bodyOfChunks([Buffer.from(`data: {"choices":[]}${end}`)]),
        response,
        'served-model',
        'client-model',
        new AbortController().signal,
        true,
      );
      expect(written.join('')).toMatch(
        new RegExp(
          `^data: \\{"choices":\\[\\]\\}${end.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}data: \\{"error"`,
        ),
      );
    }
  });
});
