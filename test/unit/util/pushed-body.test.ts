import {
  PushedBody,
  bodyOfChunks,
  followSettle,
  readWholeBody,
  type BodyReader,
} from '../../../src/util';

/** A control recording what the body asked of the exchange underneath. */
function control(): { calls: string[]; pause(): void; resume(): void; abort(reason: Error): void } {
  const calls: string[] = [];
  return {
    calls,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    abort: (reason) => calls.push(`abort:${reason.name}`),
  };
}

/** A reader recording what it was handed, as text. */
function recorder(): BodyReader & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    data: (chunk) => seen.push(chunk.toString('utf8')),
    end: () => seen.push('<end>'),
    fail: (error) => seen.push(`<fail ${error.message}>`),
  };
}

describe('PushedBody', () => {
  it('hands what arrived before read first, then each chunk as it comes, then the end', () => {
    const body = new PushedBody(control());
    body.pushData(Buffer.from('a'));
    const reader = recorder();
    body.read(reader);
    body.pushData(Buffer.from('b'));
    body.settle('end');
    body.settle(new Error('late'));
    expect(reader.seen).toEqual(['a', 'b', '<end>']);
  });

  it('keeps an end or a failure that came before read for the reader', () => {
    const ended = new PushedBody(control());
    ended.pushData(Buffer.from('x'));
    ended.settle('end');
    const first = recorder();
    ended.read(first);
    expect(first.seen).toEqual(['x', '<end>']);
    const failed = new PushedBody(control());
    failed.settle(new Error('reset'));
    const second = recorder();
    failed.read(second);
    expect(second.seen).toEqual(['<fail reset>']);
  });

  it('pauses the exchange when 64 KiB wait for a reader, and resumes it when one comes', () => {
    const exchange = control();
    const body = new PushedBody(exchange);
    for (let i = 0; i < 3; i++) body.pushData(Buffer.alloc(30 * 1024));
    expect(exchange.calls).toEqual(['pause']);
    expect(body.heldBytes).toBe(90 * 1024);
    const reader = recorder();
    body.read(reader);
    expect(reader.seen).toHaveLength(3);
    expect(body.heldBytes).toBe(0);
    expect(exchange.calls).toEqual(['pause', 'resume']);
  });

  it('stays paused after the held bytes when the reader paused while taking them', () => {
    const exchange = control();
    const body = new PushedBody(exchange);
    for (let i = 0; i < 3; i++) body.pushData(Buffer.alloc(30 * 1024));
    body.read({ data: () => body.pause(), end: () => undefined, fail: () => undefined });
    expect(exchange.calls).toEqual(['pause', 'pause', 'pause', 'pause']);
  });

  it('hands no more held chunks, and does not resume, once the reader destroys the body', () => {
    const exchange = control();
    const body = new PushedBody(exchange);
    for (let i = 0; i < 3; i++) body.pushData(Buffer.alloc(30 * 1024, String(i)));
    const reader = recorder();
    body.read({
      ...reader,
      data(chunk) {
        reader.data(chunk.subarray(0, 1));
        body.destroy();
      },
    });
    body.settle(new Error('cut'));
    expect(reader.seen).toEqual(['0', '<fail cut>']);
    expect(exchange.calls).toEqual(['pause', 'abort:AbortError']);
  });

  it('aborts the exchange on destroy, once, and not after it settled', () => {
    const exchange = control();
    const body = new PushedBody(exchange);
    body.destroy();
    expect(exchange.calls).toEqual(['abort:AbortError']);
    const done = control();
    const settled = new PushedBody(done);
    settled.settle('end');
    settled.destroy();
    expect(done.calls).toEqual([]);
  });
});

describe('bodyOfChunks', () => {
  it('delivers its chunks on a later turn, in order, then ends', async () => {
    const body = bodyOfChunks([Buffer.from('a'), Buffer.from('b')]);
    const reader = recorder();
    body.read(reader);
    expect(reader.seen).toEqual([]);
    await Promise.resolve();
    expect(reader.seen).toEqual(['a', 'b', '<end>']);
  });

  it('holds back while paused and goes on when resumed', async () => {
    const body = bodyOfChunks([Buffer.from('a'), Buffer.from('b')]);
    const reader = recorder();
    body.read({ ...reader, data: (chunk) => (reader.data(chunk), body.pause()) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.seen).toEqual(['a']);
    body.resume();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.seen).toEqual(['a', 'b']);
    body.resume();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.seen).toEqual(['a', 'b', '<end>']);
  });

  it('fails its reader when destroyed before the end', async () => {
    const body = bodyOfChunks([Buffer.from('a')]);
    const reader = recorder();
    body.read(reader);
    body.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.seen).toEqual(['<fail The reader stopped reading the upstream answer.>']);
  });
});

describe('followSettle', () => {
  it('calls back once when the body ends', async () => {
    let settled = 0;
    const body = followSettle(bodyOfChunks([Buffer.from('ab')]), () => settled++);
    expect((await readWholeBody(body)).toString()).toBe('ab');
    expect(settled).toBe(1);
  });

  it('calls back once when the reader destroys the body, and not again on its failure', () => {
    let settled = 0;
    const inner = new PushedBody(control());
    const body = followSettle(inner, () => settled++);
    const reader = recorder();
    body.read(reader);
    body.destroy();
    inner.settle(new Error('cut'));
    expect(settled).toBe(1);
    expect(reader.seen).toEqual(['<fail cut>']);
  });

  it('passes pause and resume through', () => {
    const exchange = control();
    const body = followSettle(new PushedBody(exchange), () => undefined);
    body.pause();
    body.resume();
    expect(exchange.calls).toEqual(['pause', 'resume']);
  });
});

describe('readWholeBody', () => {
  it('rejects with the failure', async () => {
    const inner = new PushedBody(control());
    const whole = readWholeBody(inner);
    inner.settle(new Error('reset'));
    await expect(whole).rejects.toThrow('reset');
  });
});
