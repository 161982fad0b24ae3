import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { postJson, qwenPrompt, startPolicy } from './sim-test-helpers';

describe('startSimulator', () => {
  let sim: RunningSimulator;
  const lines: string[] = [];

  beforeAll(async () => {
    sim = await startPolicy({ apiKey: 'secret', log: (line) => lines.push(line) });
  });
  afterAll(() => sim.close());

  it('says it is simulated: log line, model id, model card and version', async () => {
    expect(lines[0]).toMatch(/SIMULATED vLLM upstream/);
    expect(sim.modelId).toBe('sim/Qwen/Qwen2.5-1.5B-Instruct');
    const models = await fetch(`${sim.url}/v1/models`, {
      headers: { authorization: 'Bearer secret' },
    });
    expect(await models.json()).toEqual({
      object: 'list',
      data: [
        {
          id: 'sim/Qwen/Qwen2.5-1.5B-Instruct',
          object: 'model',
          created: expect.any(Number),
          owned_by: 'tts-proxy-simulator',
          root: 'Qwen/Qwen2.5-1.5B-Instruct',
          parent: null,
          max_model_len: 32768,
          permission: [
            expect.objectContaining({
              object: 'model_permission',
              allow_sampling: true,
              organization: '*',
            }),
          ],
          simulated: true,
          simulator: { role: 'policy', family: 'qwen2.5' },
        },
      ],
    });
    expect(await (await fetch(`${sim.url}/version`)).json()).toEqual({ version: '0.10.2+sim' });
  });

  it('keeps served names that already say "sim"', async () => {
    const named = await startPolicy({
      model: { servedName: 'qwen-sim-1.5b', paramsB: 1.5, family: 'qwen2.5' },
    });
    expect(named.modelId).toBe('qwen-sim-1.5b');
    await named.close();
  });

  it('answers /health with 200 and an empty body, without auth', async () => {
    const response = await fetch(`${sim.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('guards /v1 with the API key (401 {"error":"Unauthorized"}) but not /tokenize', async () => {
    const denied = await postJson(`${sim.url}/v1/completions`, { prompt: 'x' });
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({ error: 'Unauthorized' });
    const allowed = await postJson(
      `${sim.url}/v1/completions`,
      { prompt: 'x', max_tokens: 2 },
      { authorization: 'Bearer secret' },
    );
    expect(allowed.status).toBe(200);
    expect((await postJson(`${sim.url}/tokenize`, { prompt: 'x' })).status).toBe(200);
  });

  it('answers unknown routes like FastAPI', async () => {
    expect((await fetch(`${sim.url}/nope`)).status).toBe(404);
    expect((await fetch(`${sim.url}/tokenize`)).status).toBe(405);
    expect((await postJson(`${sim.url}/tokenize`, undefined)).status).toBe(400);
  });

  it('counts requests, tokens and resets', async () => {
    sim.resetStats();
    await postJson(
      `${sim.url}/v1/completions`,
      { prompt: 'Hello', max_tokens: 3 },
      { authorization: 'Bearer secret' },
    );
    const stats = sim.stats();
    expect(stats.requestsByRoute).toEqual({ 'POST /v1/completions': 1 });
    expect(stats.completionTokens).toBe(3);
    expect(stats.promptTokens).toBeGreaterThan(0);
    expect(stats.inFlight).toBe(0);
  });
});

describe('latency, faults and cancellation', () => {
  it('spreads streamed chunks over the simulated decode time', async () => {
    const sim = await startPolicy({ latency: { perCallMs: 20, decodeMsPerToken: 2 } });
    try {
      const started = Date.now();
      const response = await fetch(`${sim.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt: qwenPrompt('Count the beads.'),
          max_tokens: 40,
          temperature: 0,
          stream: true,
        }),
      });
      const reader = response.body?.getReader();
      const arrivals: number[] = [];
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read())
        arrivals.push(Date.now() - started);
      expect(arrivals.length).toBeGreaterThan(3);
      expect((arrivals[arrivals.length - 1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(40);
      expect(arrivals[arrivals.length - 1]).toBeGreaterThanOrEqual(95);
    } finally {
      await sim.close();
    }
  });

  it('counts the per-call latency from arrival, with a slow fault on top', async () => {
    const sim = await startPolicy({
      latency: { perCallMs: 60 },
      faults: { slowRate: 1, slowMs: 60 },
    });
    try {
      const started = performance.now();
      const response = await postJson(`${sim.url}/v1/completions`, {
        prompt: qwenPrompt('Count the beads.'),
        max_tokens: 40,
      });
      expect(response.status).toBe(200);
      // Never sooner than the configured service time plus the injected delay, less the
      // millisecond each of Node's timers may lose to its loop's cached whole-ms time.
      expect(performance.now() - started).toBeGreaterThanOrEqual(120 - 2);
    } finally {
      await sim.close();
    }
  });

  it('injects 5xx errors with a vLLM body', async () => {
    const sim = await startPolicy({ faults: { errorRate: 1 } });
    try {
      const response = await postJson(`${sim.url}/v1/completions`, { prompt: 'x' });
      expect([500, 502, 503]).toContain(response.status);
      expect(response.body).toEqual({
        error: {
          message: expect.any(String),
          type: expect.any(String),
          param: null,
          code: response.status,
        },
      });
    } finally {
      await sim.close();
    }
  });

  it('injects malformed 200 bodies', async () => {
    const sim = await startPolicy({ faults: { malformedRate: 1 } });
    try {
      const response = await postJson(`${sim.url}/v1/completions`, { prompt: 'x' });
      expect(response.status).toBe(200);
      expect(response.body).toBeNull();
    } finally {
      await sim.close();
    }
  });

  it('holds the socket on a timeout fault and counts the client abort', async () => {
    const sim = await startPolicy({ faults: { timeoutRate: 1 } });
    try {
      const controller = new AbortController();
      const pending = fetch(`${sim.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x' }),
        signal: controller.signal,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sim.stats().inFlight).toBe(1);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sim.stats().aborted).toBe(1);
      expect(sim.stats().inFlight).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('stops a slow generation when the client disconnects', async () => {
    const sim = await startPolicy({ latency: { decodeMsPerToken: 50 } });
    try {
      const controller = new AbortController();
      const pending = fetch(`${sim.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', max_tokens: 200 }),
        signal: controller.signal,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await expect(pending).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sim.stats()).toMatchObject({ aborted: 1, inFlight: 0, completionTokens: 0 });
    } finally {
      await sim.close();
    }
  });
});

describe('startSimulator roles', () => {
  it('refuses a role that does not fit the model', async () => {
    await expect(
      startSimulator({
        role: 'prm',
        seed: 1,
        model: { servedName: 'x', paramsB: 1, family: 'qwen2.5' },
      }),
    ).rejects.toThrow();
  });
});
