import { configurePrmFamily, defaultPrmReadout, PRM_READOUTS } from '../../../../src/prm';
import { startSimulator, type RunningSimulator } from '../../../../src/sim';
import {
  createPrmVerifier,
  createUpstreamClient,
  type UpstreamClient,
} from '../../../../src/upstream';

const QUESTION = 'What is 17 * 23 - 5?';
const PATH = ['17 * 23 = 391.', '391 - 5 = 386.', 'The answer is \\boxed{386}.'];
const LONG_PATH = Array.from(
  { length: 40 },
  (_, i) => `Step ${i}: 17 * 23 = 391 and 391 - 5 = 386.`,
);

describe('PRM readout per family (configurePrmFamily)', () => {
  it('defaults each family to the readout it was trained to be read with', () => {
    expect({
      qwen: defaultPrmReadout('qwen2.5-math-prm'),
      shepherd: defaultPrmReadout('math-shepherd'),
      rlhflow: defaultPrmReadout('rlhflow'),
      skywork: defaultPrmReadout('skywork-o1'),
    }).toEqual({
      qwen: 'pooling',
      shepherd: 'prompt_logprobs',
      rlhflow: 'prompt_logprobs',
      skywork: 'embeddings',
    });
    expect(configurePrmFamily('math-shepherd', undefined).family.readout.kind).toBe(
      'prompt-logprobs',
    );
  });

  it('refuses STEP pooling on the generative Math-Shepherd, saying why and what to set', () => {
    expect(() => configurePrmFamily('math-shepherd', 'pooling')).toThrow(
      /hidden-state columns.*16545.*readout prompt_logprobs/,
    );
  });

  it.each([
    ['qwen2.5-math-prm', 'prompt_logprobs'],
    ['rlhflow', 'pooling'],
    ['skywork-o1', 'prompt_logprobs'],
  ] as const)('refuses %s with %s', (family, readout) => {
    expect(() => configurePrmFamily(family, readout)).toThrow(/is wrong for/);
  });

  it('accepts every other combination the table allows', () => {
    expect(configurePrmFamily('skywork-o1', 'pooling').readout).toBe('pooling');
    expect(PRM_READOUTS).toEqual(['pooling', 'prompt_logprobs', 'embeddings']);
  });
});

async function withSim<T>(
  family: 'math-shepherd' | 'skywork-o1' | 'qwen2.5-math-prm',
  run: (client: UpstreamClient, sim: RunningSimulator, model: string) => Promise<T>,
): Promise<T> {
  const model = `sim-${family}`;
  const sim = await startSimulator({
    role: 'prm',
    seed: 4321,
    model: { servedName: model, paramsB: 7, family, quality: 0.85, maxModelLen: 4096 },
  });
  const client = createUpstreamClient({
    name: 'prm',
    baseUrl: sim.url,
    timeoutMs: 5000,
    maxConnections: 4,
    retries: 0,
  });
  try {
    return await run(client, sim, model);
  } finally {
    await client.close();
    await sim.close();
  }
}

describe('PRM readouts against the simulator', () => {
  it('Math-Shepherd by default reads P(+)/(P(+)+P(-)) from prompt_logprobs, equal to the judgement of the same server', async () => {
    await withSim('math-shepherd', async (client, sim, model) => {
      const { family } = configurePrmFamily('math-shepherd', undefined);
      const verifier = createPrmVerifier({
        client,
        servedName: model,
        family,
        maxInputTokens: 4096,
        cache: null,
      });
      const result = await verifier.score(QUESTION, [PATH]);
      expect(sim.stats().requestsByRoute['POST /v1/completions']).toBe(1);
      expect(sim.stats().requestsByRoute['POST /pooling']).toBeUndefined();
      // The same judgement, read the idealised way (the simulator's STEP pooling of label probabilities).
      const text = family.render(QUESTION, PATH).text;
      const pooled = (await client.postJson('/pooling', { model, input: text })) as {
        data: { data: number[][] }[];
      };
      const expected = pooled.data[0]?.data.map(
        ([plus, minus]) => (plus ?? 0) / ((plus ?? 0) + (minus ?? 1)),
      );
      result.scores[0]?.forEach((score, i) => expect(score).toBeCloseTo(expected?.[i] ?? -1, 4));
    });
  });

  it('Skywork is read on /v1/embeddings (its plugin\u2019s route) with the value-head sigmoid per step', async () => {
    await withSim('skywork-o1', async (client, sim, model) => {
      const { family, readout } = configurePrmFamily('skywork-o1', undefined);
      const verifier = createPrmVerifier({
        client,
        servedName: model,
        family,
        maxInputTokens: 4096,
        cache: null,
        route: readout === 'embeddings' ? 'embeddings' : 'pooling',
      });
      const result = await verifier.score(QUESTION, [PATH]);
      expect(sim.stats().requestsByRoute['POST /v1/embeddings']).toBe(1);
      expect(result.scores[0]).toHaveLength(3);
      result.scores[0]?.forEach((score) => expect(score).toBeGreaterThan(0));
      // One /tokenize (ids for the placeholder swap) + one /v1/embeddings, both counted.
      expect(result.calls).toBe(2);
    });
  });

  it('Qwen2.5-Math-PRM sends texts without any /tokenize, and counts and cuts only after the PRM rejects a length', async () => {
    await withSim('qwen2.5-math-prm', async (client, sim, model) => {
      const { family } = configurePrmFamily('qwen2.5-math-prm', undefined);
      const verifier = createPrmVerifier({
        client,
        servedName: model,
        family,
        maxInputTokens: 300,
        cache: null,
      });
      const short = await verifier.score(QUESTION, [PATH, PATH.slice(0, 2)]);
      expect(short.calls).toBe(1);
      expect(sim.stats().requestsByRoute['POST /tokenize']).toBeUndefined();
      sim.resetStats();
      // The simulator's context is 4096; a 300-token budget is ours: the long path fits the server.
      const long = await verifier.score(QUESTION, [LONG_PATH]);
      expect(long.calls).toBe(1);
      expect(long.truncatedPaths).toEqual([]);
    });
  });
});
