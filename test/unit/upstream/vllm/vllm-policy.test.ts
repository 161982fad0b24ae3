import { startSimulator, type RunningSimulator } from '../../../../src/sim';
import {
  createUpstreamClient,
  createVllmPolicy,
  prepareChatPrompt,
  type UpstreamClient,
} from '../../../../src/upstream';

const MODEL = 'sim-qwen2.5-1.5b-instruct';
const MESSAGES = [{ role: 'user' as const, content: 'What is 17 * 23 - 5?' }];
const STEP = { temperature: 0.7, topP: 1, maxTokens: 256, stop: ['\n\n'], n: 2, seed: 11 };
const WHOLE = { temperature: 0.7, topP: 1, maxTokens: 1024, stop: [], n: 4, seed: 5 };

describe('prepareChatPrompt + createVllmPolicy (completions mode)', () => {
  let sim: RunningSimulator;
  let client: UpstreamClient;
  beforeAll(async () => {
    sim = await startSimulator({
      role: 'policy',
      seed: 1234,
      model: { servedName: MODEL, paramsB: 1.5, family: 'qwen2.5' },
    });
    client = createUpstreamClient({
      name: 'policy',
      baseUrl: sim.url,
      timeoutMs: 5000,
      maxConnections: 4,
      retries: 0,
    });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });
  beforeEach(() => sim.resetStats());
  const calls = (route: string): number => sim.stats().requestsByRoute[`POST ${route}`] ?? 0;

  it('renders with one /tokenize, sends an empty prefix as token ids and never needs /detokenize for whole solutions', async () => {
    const prompt = await prepareChatPrompt(client, MODEL, MESSAGES);
    // The text of a second, independent rendering (its own /detokenize).
    const renderedText = await (await prepareChatPrompt(client, MODEL, MESSAGES)).text();
    sim.resetStats();
    const viaIds = await createVllmPolicy({
      client,
      servedName: MODEL,
      prompt,
      mode: 'completions',
    }).generate([''], WHOLE);
    expect(calls('/tokenize') + calls('/detokenize')).toBe(0);
    const viaText = await createVllmPolicy({
      client,
      servedName: MODEL,
      renderedPrompt: renderedText,
      mode: 'completions',
    }).generate([''], WHOLE);
    expect(viaIds).toEqual(viaText);
    expect(await prompt.text()).toBe(renderedText);
  });

  it('fetches the text once, during the first step-wise round, and continues text prefixes byte for byte', async () => {
    const prompt = await prepareChatPrompt(client, MODEL, MESSAGES);
    const renderedText = await (await prepareChatPrompt(client, MODEL, MESSAGES)).text();
    sim.resetStats();
    const lazy = createVllmPolicy({ client, servedName: MODEL, prompt, mode: 'completions' });
    const eager = createVllmPolicy({
      client,
      servedName: MODEL,
      renderedPrompt: renderedText,
      mode: 'completions',
    });
    const round1 = await lazy.generate([''], STEP);
    expect(round1).toEqual(await eager.generate([''], STEP));
    const prefixes = (round1.outputs[0] ?? []).map((c) => c.text);
    const round2 = await lazy.generate(prefixes, { ...STEP, seed: 12 });
    expect(round2).toEqual(await eager.generate(prefixes, { ...STEP, seed: 12 }));
    await lazy.generate(prefixes, { ...STEP, seed: 13 });
    expect(calls('/detokenize')).toBe(1);
  });
});
