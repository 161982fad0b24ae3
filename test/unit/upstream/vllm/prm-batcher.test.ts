import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidUpstreamResponseError, UpstreamError } from '../../../../src/errors';
import {
  createPrmBatcher,
  createUpstreamClient,
  type UpstreamClient,
} from '../../../../src/upstream';

/** A /pooling fake: answers each input with its own text length, after `delayMs`; records bodies. */
describe('createPrmBatcher', () => {
  let server: http.Server;
  let client: UpstreamClient;
  let bodies: { input: (string | number[])[]; model: string }[] = [];
  let mode: 'ok' | 'fail' | 'short' | 'hang' = 'ok';
  let delayMs = 0;
  let closedEarly = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      response.on('close', () => {
        if (!response.writableFinished) closedEarly += 1;
      });
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        const body = JSON.parse(text) as { input: (string | number[])[]; model: string };
        bodies.push(body);
        if (mode === 'hang') return;
        setTimeout(() => {
          if (mode === 'fail') {
            response.statusCode = 400;
            response.end('{"error":{"message":"bad input"}}');
            return;
          }
          const inputs = mode === 'short' ? body.input.slice(1) : body.input;
          // Answer out of order: the batcher must place results by `index`.
          const data = inputs.map((item, index) => ({ index, data: [[0, item.length]] })).reverse();
          const tokens = body.input.reduce((sum, item) => sum + item.length, 0);
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ data, usage: { prompt_tokens: tokens } }));
        }, delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = createUpstreamClient({
      name: 'prm',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timeoutMs: 2000,
      maxConnections: 4,
      retries: 0,
    });
  });
  afterAll(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    bodies = [];
    mode = 'ok';
    delayMs = 0;
    closedEarly = 0;
  });

  it('merges the calls of one window into one upstream call and gives each caller its own results', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 5, maxInputs: 100 });
    const [a, b] = await Promise.all([
      batcher.pool({ model: 'm', input: ['aa', 'bbbb'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['ccc'], addSpecialTokens: false }),
    ]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.input).toEqual(['aa', 'bbbb', 'ccc']);
    expect(a.raws).toEqual([[[0, 2]], [[0, 4]]]);
    expect(b.raws).toEqual([[[0, 3]]]);
    // usage is shared by input size: 6 and 3 of the 9 tokens.
    expect(a.promptTokens).toBe(6);
    expect(b.promptTokens).toBe(3);
    expect(a.batchInputs).toBe(3);
    expect(batcher.stats()).toEqual({ calls: 2, upstreamCalls: 1, inputs: 3 });
  });

  it('never mixes texts and id lists in one call (vLLM takes one kind per request)', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 5, maxInputs: 100 });
    await Promise.all([
      batcher.pool({ model: 'm', input: ['aa'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: [[1, 2, 3]], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: [[4]], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['b'], addSpecialTokens: false }),
    ]);
    expect(bodies.map((body) => body.input).sort((x, y) => x.length - y.length)).toEqual(
      expect.arrayContaining([
        ['aa', 'b'],
        [[1, 2, 3], [4]],
      ]),
    );
    expect(bodies).toHaveLength(2);
  });

  it('with windowMs 0 merges the calls of one event-loop turn only', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 0, maxInputs: 100 });
    const first = Promise.all([
      batcher.pool({ model: 'm', input: ['x'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['y'], addSpecialTokens: false }),
    ]);
    await first;
    await batcher.pool({ model: 'm', input: ['z'], addSpecialTokens: false });
    expect(bodies.map((body) => body.input)).toEqual([['x', 'y'], ['z']]);
  });

  it('keeps models and add_special_tokens apart, and sends at once when maxInputs is reached', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 1000, maxInputs: 2 });
    const started = performance.now();
    await Promise.all([
      batcher.pool({ model: 'm', input: ['a', 'b'], addSpecialTokens: false }),
      batcher.pool({ model: 'other', input: ['c', 'd'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['e', 'f'], addSpecialTokens: true }),
    ]);
    expect(performance.now() - started).toBeLessThan(900);
    expect(bodies).toHaveLength(3);
  });

  it('never lets a merged call grow past maxInputs: a caller that would overflow starts the next batch', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 0, maxInputs: 3 });
    const [a, b, c] = await Promise.all([
      batcher.pool({ model: 'm', input: ['a', 'b'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['cc', 'dd'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['eee'], addSpecialTokens: false }),
    ]);
    expect(bodies.map((body) => body.input)).toEqual([
      ['a', 'b'],
      ['cc', 'dd', 'eee'],
    ]);
    expect([a.raws, b.raws, c.raws]).toEqual([
      [[[0, 1]], [[0, 1]]],
      [[[0, 2]], [[0, 2]]],
      [[[0, 3]]],
    ]);
  });

  it('answers an aborted caller at once and still serves the others', async () => {
    delayMs = 50;
    const batcher = createPrmBatcher({ client, windowMs: 5, maxInputs: 100 });
    const controller = new AbortController();
    const aborted = batcher.pool(
      { model: 'm', input: ['a'], addSpecialTokens: false },
      controller.signal,
    );
    const kept = batcher.pool({ model: 'm', input: ['bb'], addSpecialTokens: false });
    setTimeout(() => controller.abort(), 20);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(kept).resolves.toMatchObject({ raws: [[[0, 2]]] });
    expect(bodies).toHaveLength(1);
  });

  it('cancels the upstream call when every caller has aborted', async () => {
    mode = 'hang';
    const batcher = createPrmBatcher({ client, windowMs: 0, maxInputs: 100 });
    const controller = new AbortController();
    const pending = batcher.pool(
      { model: 'm', input: ['a'], addSpecialTokens: false },
      controller.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    // The hanging upstream call was cancelled (its connection closed) rather than left to time out.
    expect(bodies).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closedEarly).toBe(1);
  });

  it('never sends a batch whose callers all left before the window closed', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 20, maxInputs: 100 });
    const controller = new AbortController();
    const pending = batcher.pool(
      { model: 'm', input: ['a'], addSpecialTokens: false },
      controller.signal,
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(bodies).toHaveLength(0);
    expect(batcher.stats().upstreamCalls).toBe(0);
  });

  it('rejects every caller with the upstream error, and with InvalidUpstreamResponseError on a short answer', async () => {
    const batcher = createPrmBatcher({ client, windowMs: 5, maxInputs: 100 });
    mode = 'fail';
    const failed = await Promise.allSettled([
      batcher.pool({ model: 'm', input: ['a'], addSpecialTokens: false }),
      batcher.pool({ model: 'm', input: ['b'], addSpecialTokens: false }),
    ]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(UpstreamError);
    mode = 'short';
    await expect(
      batcher.pool({ model: 'm', input: ['a', 'b'], addSpecialTokens: false }),
    ).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
  });
});
