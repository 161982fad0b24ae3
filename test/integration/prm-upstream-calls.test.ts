/**
 * Every PRM upstream call a search makes is counted in `tts.prm_calls`, and the prompt-logprobs
 * readout of Math-Shepherd asks for no `/tokenize` per path (vLLM `return_token_ids`): one PRM call
 * per scored round, as issue 18 asks.
 */
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const QUESTION = 'A farmer has 17 rows of 23 apple trees and removes 5 trees. How many remain?';

describe('PRM upstream calls of a search (Math-Shepherd, prompt logprobs)', () => {
  let server: RunningServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__PRMS__0__FAMILY: 'math-shepherd',
      TTS_PROXY__PRMS__0__SERVED_NAME: 'sim-math-shepherd-7b',
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['beam_search'] as const)(
    '%s: tts.prm_calls equals the PRM server calls, with no /tokenize',
    async (strategy) => {
      const prm = server.simulators.prm;
      if (!prm) throw new Error('no simulated PRM');
      prm.resetStats();
      const completion = await client.chat.completions.create({
        model: 'qwen2.5-1.5b-instruct',
        messages: [{ role: 'user', content: QUESTION }],
        seed: 11,
        // @ts-expect-error proxy extensions
        tts_budget: { n: 4, strategy },
      });
      const tts = (completion as unknown as { tts: { prm_calls: number; rounds: number } }).tts;
      const routes = prm.stats().requestsByRoute;
      expect(routes['POST /tokenize']).toBeUndefined();
      expect(tts.prm_calls).toBe(routes['POST /v1/completions']);
      expect(tts.prm_calls).toBeGreaterThan(0);
      expect(tts.prm_calls).toBeLessThanOrEqual(Math.max(1, tts.rounds));
    },
  );
});
