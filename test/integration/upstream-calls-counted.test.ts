/**
 * Every upstream call a TTS request sends is in its metadata (issue 18): `tts.policy_calls` (the
 * method's generation calls), `tts.policy_prompt_calls` (rendering and counting the prompt:
 * /tokenize, /detokenize) and `tts.prm_calls` add up to what the simulators served, route by
 * route, for every method, and the search's rounds read from the simulators' own call logs
 * agree with `tts.rounds` (one PRM call after each round's policy calls).
 */
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import type { RunningSimulator } from '../../src/sim';
import { readRounds } from '../bench/sections/critical-path';
import { startTestServer } from './start-test-server';

const QUESTION = 'A farmer has 17 rows of 23 apple trees and removes 5 trees. How many remain?';

interface CallsMeta {
  policy_calls: number;
  policy_prompt_calls: number;
  prm_calls: number;
  rounds: number;
}

function served(sim: RunningSimulator): number {
  return Object.values(sim.stats().requestsByRoute).reduce((sum, count) => sum + count, 0);
}

describe('every upstream call of a TTS request is counted in its metadata', () => {
  let server: RunningServer;
  let client: OpenAI;
  beforeAll(async () => {
    // No background A/B runs: a shadow CoT of an earlier request would land in the simulators'
    // counts of this one (its own calls are its own, not the request's).
    server = await startTestServer({ TTS_PROXY__AB__SHADOW_RATE: '0' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['cot', 1],
    ['majority', 4],
    ['auto', 16],
    ['best_of_n', 4],
    ['beam_search', 8],
    ['dvts', 8],
  ] as const)(
    '%s: policy + prompt + PRM calls are the calls the simulators served',
    async (strategy, n) => {
      const policy = server.simulators.policy;
      const prm = server.simulators.prm;
      if (!policy || !prm) throw new Error('no simulated upstreams');
      policy.resetStats();
      prm.resetStats();
      const completion = await client.chat.completions.create({
        model: 'qwen2.5-1.5b-instruct',
        messages: [{ role: 'user', content: `${QUESTION} (${strategy})` }],
        seed: 5,
        // @ts-expect-error proxy extensions
        tts_budget: { n, strategy, ...(n >= 8 ? { m: 4 } : {}) },
      });
      const tts = (completion as unknown as { tts: CallsMeta }).tts;
      const policyRoutes = policy.stats().requestsByRoute;
      expect(tts.policy_calls).toBe(policyRoutes['POST /v1/completions'] ?? 0);
      expect(tts.policy_prompt_calls).toBe(
        (policyRoutes['POST /tokenize'] ?? 0) + (policyRoutes['POST /detokenize'] ?? 0),
      );
      expect(tts.policy_prompt_calls).toBeGreaterThanOrEqual(1);
      expect(tts.policy_calls + tts.policy_prompt_calls).toBe(served(policy));
      expect(tts.prm_calls).toBe(served(prm));
      if (strategy === 'beam_search' || strategy === 'dvts') {
        // The rounds as the simulators saw them (the bench's own reader): each PRM call follows
        // its round's policy calls.
        const rounds = readRounds([
          ...policy.stats().recentArrivals.map((call) => ({ side: 'policy' as const, ...call })),
          ...prm.stats().recentArrivals.map((call) => ({ side: 'prm' as const, ...call })),
        ]);
        expect(rounds.prmCallsWithoutNewSteps).toBe(0);
        expect(rounds.unscoredPolicyGroups).toBe(0);
        expect(rounds.policyCallsByRound).toHaveLength(tts.rounds);
        expect(Math.max(...rounds.policyCallsByRound)).toBeLessThanOrEqual(n / 4);
      }
    },
  );
});
