import { UpstreamError } from '../../../../src/errors';
import {
  createReplicaPool,
  type ReplicaPool,
  type ReplicaPoolOptions,
} from '../../../../src/upstream';
import { hashString, readWholeBody } from '../../../../src/util';
import { createFakeUpstreamClient, type FakeUpstreamClient } from '../fake-upstream-client';

const SYSTEM = 'Solve the following math problem efficiently and clearly. '.repeat(12);

function makePool(
  count: number,
  overrides: Partial<ReplicaPoolOptions> = {},
): { pool: ReplicaPool; fakes: FakeUpstreamClient[] } {
  const fakes = Array.from({ length: count }, (_, index) =>
    createFakeUpstreamClient(`http://replica-${index}:8000`),
  );
  const pool = createReplicaPool({
    name: 'policy',
    replicas: fakes,
    retries: 2,
    ejectAfterFailures: 2,
    balanceFactor: 2,
    healthCheck: {
      path: '/health',
      intervalMs: 600_000,
      timeoutMs: 1000,
      isHealthy: (status) => status === 200,
    },
    ...overrides,
  });
  return { pool, fakes };
}

/** Index of the replica that received the most recent call (by call counts). */
function servedBy(fakes: readonly FakeUpstreamClient[], before: readonly number[]): number {
  const index = fakes.findIndex((fake, i) => fake.calls.length > (before[i] ?? 0));
  if (index < 0) throw new Error('no replica was called');
  return index;
}

const counts = (fakes: readonly FakeUpstreamClient[]): number[] =>
  fakes.map((fake) => fake.calls.length);

/** The fake answers of vLLM's tokenizer routes for one question (ids and rendered text). */
function tokenizerFor(question: string): { ids: number[]; rendered: string } {
  const seed = hashString(question);
  return {
    ids: Array.from({ length: 180 }, (_, i) => (seed + i * 7919) % 151_000),
    rendered: `<|im_start|>system\n${SYSTEM}<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`,
  };
}

/** One search through vLLM's step API; returns the replica of each call. */
async function runStepApiSearch(
  pool: ReplicaPool,
  fakes: FakeUpstreamClient[],
  question: string,
): Promise<number[]> {
  const { ids, rendered } = tokenizerFor(question);
  for (const fake of fakes) {
    fake.handler = (call) =>
      call.path === '/tokenize'
        ? { tokens: ids, count: ids.length }
        : call.path === '/detokenize'
          ? { prompt: rendered }
          : { choices: [] };
  }
  const calls: [string, unknown][] = [
    [
      '/tokenize',
      {
        model: 'm',
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: question },
        ],
        add_generation_prompt: true,
      },
    ],
    ['/v1/completions', { model: 'm', prompt: [ids, ids], n: 4 }],
    ['/detokenize', { model: 'm', tokens: ids }],
    [
      '/v1/completions',
      { model: 'm', prompt: [`${rendered}Step 1: add.\n\n`, `${rendered}Step 1: subtract.\n\n`] },
    ],
    [
      '/v1/completions',
      {
        model: 'm',
        prompt: [
          `${rendered}Step 1: add.\n\nStep 2: 12.\n\n`,
          `${rendered}Step 1: subtract.\n\nStep 2: 3.\n\n`,
        ],
      },
    ],
  ];
  const served: number[] = [];
  for (const [path, body] of calls) {
    const before = counts(fakes);
    await pool.postJson(path, body);
    served.push(servedBy(fakes, before));
  }
  return served;
}

describe('createReplicaPool', () => {
  let pool: ReplicaPool;
  let fakes: FakeUpstreamClient[];
  beforeEach(() => {
    ({ pool, fakes } = makePool(3));
  });
  afterEach(async () => {
    await pool.close();
    jest.useRealTimers();
  });

  it('sends calls without a prompt to the least busy replica', async () => {
    fakes[0]?.hold();
    fakes[1]?.hold();
    const held = [pool.getJson('/v1/models'), pool.getJson('/v1/models')];
    // Replicas 0 and 1 each hold one call now (rotation spreads the ties), so 2 is least busy.
    expect(
      pool
        .stats()
        .map((replica) => replica.outstanding)
        .sort(),
    ).toEqual([0, 1, 1]);
    const idle = pool.stats().findIndex((replica) => replica.outstanding === 0);
    const before = counts(fakes);
    await pool.getJson('/version');
    expect(servedBy(fakes, before)).toBe(idle);
    fakes.forEach((fake) => fake.release());
    await Promise.all(held);
    expect(pool.stats().every((replica) => replica.outstanding === 0)).toBe(true);
  });

  it('keeps every call of one search (tokenize, ids, detokenize, text rounds) on one replica', async () => {
    const served = await runStepApiSearch(
      pool,
      fakes,
      'A farmer has 17 rows of 23 apple trees. How many trees?',
    );
    expect(new Set(served).size).toBe(1);
  });

  it('spreads different questions under one long system prompt over the replicas', async () => {
    const used = new Set<number>();
    for (let q = 0; q < 12; q++) {
      const served = await runStepApiSearch(
        pool,
        fakes,
        `Question ${q}: what is ${q * 37} + ${q * 11}?`,
      );
      expect(new Set(served).size).toBe(1);
      used.add(served[0] as number);
    }
    expect(used.size).toBeGreaterThan(1);
  });

  it('keeps a chat-continue search on one replica as the assistant turn grows', async () => {
    const conversation = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'What is 6 * 7?' },
    ];
    const served: number[] = [];
    for (const partial of [null, 'Step 1: 6 * 7.\n\n', 'Step 1: 6 * 7.\n\nStep 2: 42.\n\n']) {
      const before = counts(fakes);
      const messages =
        partial === null
          ? conversation
          : [...conversation, { role: 'assistant', content: partial }];
      await pool.postJson('/v1/chat/completions', { model: 'm', messages });
      served.push(servedBy(fakes, before));
    }
    expect(new Set(served).size).toBe(1);
  });

  it('sends /pooling rounds of one question (shared input prefix) to one replica', async () => {
    const question = `<|im_start|>system\nPlease reason step by step.<|im_end|>\n<|im_start|>user\n${'How many apples? '.repeat(8)}<|im_end|>\n<|im_start|>assistant\n`;
    const served: number[] = [];
    for (const round of [
      ['a<extra_0>', 'b<extra_0>'],
      ['a<extra_0>c<extra_0>', 'b<extra_0>d<extra_0>', 'a<extra_0>e<extra_0>'],
    ]) {
      const before = counts(fakes);
      await pool.postJson('/pooling', {
        model: 'prm',
        input: round.map((steps) => question + steps),
      });
      served.push(servedBy(fakes, before));
    }
    expect(new Set(served).size).toBe(1);
  });

  it('moves calls off a busy affine replica (bounded load) and back once it drains', async () => {
    const body = { model: 'm', prompt: `${SYSTEM} the question of this search` };
    let before = counts(fakes);
    await pool.postJson('/v1/completions', body);
    const affine = servedBy(fakes, before);
    fakes[affine]?.hold();
    // balanceFactor 2 with the others idle: the affine replica takes calls while it has < 2 in flight.
    const held = [pool.postJson('/v1/completions', body), pool.postJson('/v1/completions', body)];
    expect(pool.stats()[affine]?.outstanding).toBe(2);
    before = counts(fakes);
    await pool.postJson('/v1/completions', body);
    expect(servedBy(fakes, before)).not.toBe(affine);
    fakes[affine]?.release();
    await Promise.all(held);
    before = counts(fakes);
    await pool.postJson('/v1/completions', body);
    expect(servedBy(fakes, before)).toBe(affine);
  });

  it('retries a failed call on another replica and ejects a replica after consecutive failures', async () => {
    const down = fakes[1] as FakeUpstreamClient;
    down.isDown = true;
    for (let q = 0; q < 20; q++) {
      await expect(
        pool.postJson('/v1/completions', { model: 'm', prompt: `${SYSTEM} question ${q}` }),
      ).resolves.toMatchObject({ ok: true });
    }
    const stats = pool.stats()[1];
    expect(stats).toMatchObject({ isEjected: true, ejections: 1, failures: 2 });
    // Ejected: no more traffic, whatever the affinity key.
    const callsWhenEjected = down.calls.length;
    for (let q = 20; q < 30; q++)
      await pool.postJson('/v1/completions', { model: 'm', prompt: `${SYSTEM} question ${q}` });
    expect(down.calls.length).toBe(callsWhenEjected);
  });

  it('routes and fails over a bytes call as it does a parsed one', async () => {
    const down = fakes[1] as FakeUpstreamClient;
    down.isDown = true;
    const chat = (q: number) => {
      const value = { model: 'm', messages: [{ role: 'user', content: `${SYSTEM} q${q}` }] };
      return { bytes: Buffer.from(JSON.stringify(value)), value };
    };
    for (let q = 0; q < 10; q++) {
      const answer = await pool.postJsonBytes?.('/v1/chat/completions', chat(q));
      expect(JSON.parse(answer?.bytes.toString() ?? '')).toMatchObject({ ok: true });
    }
    expect(pool.stats()[1]).toMatchObject({ isEjected: true });
    // The same conversation goes to the same replica (affinity reads the parsed value).
    const before = fakes.map((fake) => fake.calls.length);
    await pool.postJsonBytes?.('/v1/chat/completions', chat(42));
    const first = servedBy(fakes, before);
    const again = fakes.map((fake) => fake.calls.length);
    await pool.postJsonBytes?.('/v1/chat/completions', chat(42));
    expect(servedBy(fakes, again)).toBe(first);
  });

  it('brings an ejected replica back after a healthy probe', async () => {
    const down = fakes[2] as FakeUpstreamClient;
    down.isDown = true;
    await pool.checkHealth();
    await pool.checkHealth();
    expect(pool.stats()[2]?.isEjected).toBe(true);
    down.isDown = false;
    await pool.checkHealth();
    expect(pool.stats()[2]).toMatchObject({
      isEjected: false,
      consecutiveFailures: 0,
      ejections: 1,
    });
  });

  it('probes every replica on its own timer (unref) and stops on close', async () => {
    jest.useFakeTimers();
    const timed = makePool(2, {
      healthCheck: {
        path: '/health',
        intervalMs: 1000,
        timeoutMs: 500,
        isHealthy: (status) => status === 200,
      },
    });
    const down = timed.fakes[0] as FakeUpstreamClient;
    down.isDown = true;
    await jest.advanceTimersByTimeAsync(2000);
    expect(timed.pool.stats()[0]?.isEjected).toBe(true);
    down.isDown = false;
    await jest.advanceTimersByTimeAsync(1000);
    expect(timed.pool.stats()[0]?.isEjected).toBe(false);
    await timed.pool.close();
    const probes = down.probes.length;
    await jest.advanceTimersByTimeAsync(5000);
    expect(down.probes.length).toBe(probes);
    expect(timed.fakes.every((fake) => fake.isClosed)).toBe(true);
  });

  it('does not retry or count a 4xx: the request is at fault, not the replica', async () => {
    for (const fake of fakes) {
      fake.handler = () => {
        throw new UpstreamError("upstream 'policy' answered 400: bad", {
          upstream: 'policy',
          status: 400,
        });
      };
    }
    await expect(pool.postJson('/v1/completions', { prompt: 'x' })).rejects.toMatchObject({
      status: 400,
    });
    expect(counts(fakes).reduce((a, b) => a + b, 0)).toBe(1);
    expect(pool.stats().every((replica) => replica.failures === 0)).toBe(true);
  });

  it('does not retry an aborted call', async () => {
    const controller = new AbortController();
    for (const fake of fakes) {
      fake.handler = () => {
        controller.abort();
        const error = new Error('aborted');
        error.name = 'AbortError';
        throw error;
      };
    }
    await expect(
      pool.postJson('/v1/completions', { prompt: 'x' }, controller.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(counts(fakes).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('still sends calls when every replica is ejected, and restores the one that answers', async () => {
    for (const fake of fakes) fake.isDown = true;
    await pool.checkHealth();
    await pool.checkHealth();
    expect(pool.stats().every((replica) => replica.isEjected)).toBe(true);
    for (const fake of fakes) fake.isDown = false;
    await expect(pool.getJson('/v1/models')).resolves.toMatchObject({ ok: true });
    expect(pool.stats().filter((replica) => !replica.isEjected)).toHaveLength(1);
  });

  it('fails with the last error when every attempt fails', async () => {
    for (const fake of fakes) fake.isDown = true;
    await expect(pool.postJson('/v1/completions', { prompt: 'x' })).rejects.toBeInstanceOf(
      UpstreamError,
    );
    // retries 2: three attempts, each on a different replica.
    expect(counts(fakes)).toEqual([1, 1, 1]);
  });

  it('counts a stream as in flight until its body ends', async () => {
    const stream = await pool.postStream('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(pool.stats().reduce((sum, replica) => sum + replica.outstanding, 0)).toBe(1);
    expect((await readWholeBody(stream.body)).length).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats().reduce((sum, replica) => sum + replica.outstanding, 0)).toBe(0);
  });

  it('answers a probe with a healthy status while one replica is up, null when none is', async () => {
    (fakes[0] as FakeUpstreamClient).isDown = true;
    await expect(pool.probe('/health', 1000)).resolves.toBe(200);
    for (const fake of fakes) fake.isDown = true;
    await expect(pool.probe('/health', 1000)).resolves.toBeNull();
  });

  it('names replicas by URL without credentials', async () => {
    const secret = createReplicaPool({
      name: 'policy',
      replicas: [
        createFakeUpstreamClient('http://user:pw@gpu-a:8000'),
        createFakeUpstreamClient('http://gpu-b:8000'),
      ],
      retries: 0,
      ejectAfterFailures: 1,
      balanceFactor: 2,
      healthCheck: {
        path: '/health',
        intervalMs: 600_000,
        timeoutMs: 1000,
        isHealthy: (status) => status === 200,
      },
    });
    expect(secret.stats().map((replica) => replica.url)).toEqual([
      'http://gpu-a:8000',
      'http://gpu-b:8000',
    ]);
    expect(secret.baseUrl).toBe('http://user:pw@gpu-a:8000');
    await secret.close();
  });
});

describe('createReplicaPool postJsonWithHeaders', () => {
  it('asks the chosen replica for the headers, and answers a replica that cannot read them with none', async () => {
    const { pool, fakes } = makePool(1);
    const [fake] = fakes;
    if (!fake) throw new Error('no replica');
    const plain = await pool.postJsonWithHeaders?.('/generate', { inputs: 'a' }, ['x-a']);
    expect(plain).toEqual({ body: { ok: true, replica: fake.baseUrl }, headers: {} });
    fake.postJsonWithHeaders = async (path, body) => ({
      body: await fake.postJson(path, body),
      headers: { 'x-a': '7' },
    });
    const withHeaders = await pool.postJsonWithHeaders?.('/generate', { inputs: 'b' }, ['x-a']);
    expect(withHeaders?.headers).toEqual({ 'x-a': '7' });
    expect(fake.calls.map((call) => call.path)).toEqual(['/generate', '/generate']);
    await pool.close();
  });
  it("sends a lane's JSON calls through that replica's own lane (under the lane's owner), one per replica, and keeps the pool open when the lane closes", async () => {
    const { pool, fakes } = makePool(1);
    const fake = fakes[0] as FakeUpstreamClient;
    const laneCalls: string[] = [];
    const owners: unknown[] = [];
    let lanesMade = 0;
    fake.inLane = (owner) => {
      lanesMade++;
      owners.push(owner);
      return {
        ...fake,
        postJson: (path, body, signal) => {
          laneCalls.push(path);
          return fake.postJson(path, body, signal);
        },
        getJson: (path, signal) => {
          laneCalls.push(path);
          return fake.getJson(path, signal);
        },
      };
    };
    const key = {};
    const lane = pool.inLane?.(key);
    if (lane === undefined) throw new Error('a replica pool has lanes');
    await lane.getJson('/version');
    await lane.postJson('/tokenize', { prompt: 'x' });
    await pool.getJson('/version');
    expect(laneCalls).toEqual(['/version', '/tokenize']);
    expect(lanesMade).toBe(1);
    expect(owners).toHaveLength(1);
    expect(owners[0]).toBe(key);
    await lane.close();
    expect(fake.isClosed).toBe(false);
    await pool.close();
  });
});
