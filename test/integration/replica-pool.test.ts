/**
 * Replica pools through the real server: several simulated vLLM policy servers behind one
 * upstream, driven by the openai SDK. One search's rounds stay on one replica (prefix cache),
 * a replica killed mid-run costs no request and is ejected, and a pool of simulators answers
 * exactly like one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import request from 'supertest';
import { startServer, type RunningServer } from '../../src/main';
import { startSimulator, type RunningSimulator } from '../../src/sim';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const POLICY_SERVED = 'sim-qwen2.5-1.5b-instruct';
const STRATEGY_TABLE = path.resolve(__dirname, '../../config/strategy.yaml');

interface TtsMetadata {
  method: string;
  rounds: number;
  degraded: string | null;
  selected_answer: string | null;
}

interface HealthBody {
  status: string;
  upstreams: Record<
    string,
    { status: string; replicas?: { url: string; isEjected: boolean; calls: number }[] }
  >;
}

function ttsOf(value: unknown): TtsMetadata {
  return (value as { tts: TtsMetadata }).tts;
}

function poolConfig(urls: readonly string[]): string {
  return `server: { log_level: silent }
upstreams:
  policy:
    replicas: [${urls.join(', ')}]
    retries: 2
    pool: { eject_after_failures: 2, health_interval_ms: 600000, balance_factor: 2 }
  prm:
    url: sim
    sim: { seed: 4321, quality: 0.85 }
models:
  - name: ${MODEL}
    upstream: policy
    served_name: ${POLICY_SERVED}
    params_b: 1.5
    family: qwen2.5
    prm: qwen2.5-math-prm-7b
prms:
  - name: qwen2.5-math-prm-7b
    upstream: prm
    served_name: sim-qwen2.5-math-prm-7b
    family: qwen2.5-math-prm
    params_b: 7
tts:
  strategy_table: ${STRATEGY_TABLE}
`;
}

function ask(
  client: OpenAI,
  question: string,
  strategy: string,
  n: number,
  seed: number,
): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  return client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: question }],
    seed,
    // @ts-expect-error proxy extension
    tts_budget: { n, strategy },
  });
}

const completionCalls = (sim: RunningSimulator): number =>
  sim.stats().requestsByRoute['POST /v1/completions'] ?? 0;

describe('a policy upstream with replicas (several simulators, one killed mid-run)', () => {
  let dir: string;
  let sims: RunningSimulator[];
  let server: RunningServer;
  let client: OpenAI;
  const closed = new Set<RunningSimulator>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tts-pool-'));
    // Same seed everywhere, as real replicas serve the same weights; a little latency keeps calls in flight.
    sims = await Promise.all(
      [0, 1, 2].map(() =>
        startSimulator({
          role: 'policy',
          seed: 1234,
          host: '127.0.0.1',
          port: 0,
          model: { servedName: POLICY_SERVED, paramsB: 1.5, family: 'qwen2.5' },
          latency: { perCallMs: 10 },
        }),
      ),
    );
    const file = path.join(dir, 'replicas.yaml');
    writeFileSync(file, poolConfig(sims.map((sim) => sim.url)));
    server = await startServer({
      configPath: file,
      env: {},
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await Promise.all(sims.filter((sim) => !closed.has(sim)).map((sim) => sim.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every round of one beam search on one replica', async () => {
    for (const sim of sims) sim.resetStats();
    const completion = await ask(
      client,
      'A baker makes 14 trays of 12 rolls and sells 75. How many rolls are left?',
      'beam_search',
      8,
      5,
    );
    expect(ttsOf(completion).rounds).toBeGreaterThan(1);
    const used = sims.filter((sim) => completionCalls(sim) > 0);
    expect(used).toHaveLength(1);
    // The rendered prompt's tokenize/detokenize went there too.
    expect(used[0]?.stats().requestsByRoute['POST /tokenize']).toBeGreaterThan(0);
  });

  it('answers every request when a replica dies mid-run, and ejects it', async () => {
    for (const sim of sims) sim.resetStats();
    const victim = sims[1] as RunningSimulator;
    const requests = Array.from({ length: 12 }, (_, i) =>
      ask(
        client,
        `A train travels ${40 + i} km each hour for ${3 + (i % 4)} hours. How far does it go?`,
        i % 2 === 0 ? 'beam_search' : 'best_of_n',
        8,
        100 + i,
      ),
    );
    // Kill the victim once it is serving (bounded wait: 12 searches spread over 3 replicas).
    const deadline = Date.now() + 10_000;
    while (victim.stats().inFlight === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
    expect(victim.stats().inFlight).toBeGreaterThan(0);
    closed.add(victim);
    await victim.close();

    const completions = await Promise.all(requests);
    for (const completion of completions) {
      expect(completion.choices[0]?.message.content).toMatch(/\\boxed\{/);
      // The pool retried elsewhere: no request had to degrade.
      expect(ttsOf(completion).degraded).toBeNull();
    }
    const health = (await request(server.url).get('/health')).body as HealthBody;
    const replicas = health.upstreams.policy?.replicas ?? [];
    expect(replicas).toHaveLength(3);
    expect(replicas.find((replica) => replica.url === victim.url)?.isEjected).toBe(true);
    expect(replicas.filter((replica) => !replica.isEjected)).toHaveLength(2);
    expect(health.status).toBe('degraded');
    expect(health.upstreams.policy?.status).toBe('ok');
    const metrics = await request(server.url).get('/metrics');
    expect(metrics.text).toContain(
      `tts_proxy_upstream_replica_ejected{upstream="policy",replica="${victim.url}"} 1`,
    );
  });
});

describe('sim.replicas: a pool of simulators', () => {
  let pooled: RunningServer;
  let single: RunningServer;
  beforeAll(async () => {
    [pooled, single] = await Promise.all([
      startTestServer({
        TTS_PROXY__UPSTREAMS__POLICY__SIM__REPLICAS: '3',
        TTS_PROXY__SERVER__LOG_LEVEL: 'silent',
      }),
      startTestServer(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([pooled.close(), single.close()]);
  });

  it('starts one simulator per replica and reports them in /health', async () => {
    expect(pooled.simulatorReplicas.policy).toHaveLength(3);
    expect(pooled.simulators.policy).toBe(pooled.simulatorReplicas.policy?.[0]);
    const health = (await request(pooled.url).get('/health')).body as HealthBody;
    expect(health.status).toBe('ok');
    expect(health.upstreams.policy?.replicas).toHaveLength(3);
  });

  it('answers exactly like a single simulator', async () => {
    const ask = (server: RunningServer, i: number) =>
      request(server.url)
        .post('/v1/chat/completions')
        .send({
          model: MODEL,
          messages: [{ role: 'user', content: `What is ${i * 13} plus ${i * 29}?` }],
          seed: i,
          tts_budget: { n: 4, strategy: 'beam_search' },
        });
    for (let i = 1; i <= 4; i++) {
      const [fromPool, fromOne] = await Promise.all([ask(pooled, i), ask(single, i)]);
      expect(fromPool.status).toBe(200);
      expect(fromPool.body.choices[0].message.content).toBe(
        fromOne.body.choices[0].message.content,
      );
      expect(fromPool.body.tts.selected_answer).toBe(fromOne.body.tts.selected_answer);
    }
  });
});
