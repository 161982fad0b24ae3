import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const QUESTIONS = [
  'What is 17 * 23 - 5?',
  'What is 12 * 12 + 1?',
  'What is 9 * 8 - 7?',
  'What is 45 + 67?',
];

async function poolingCallsFor(
  server: RunningServer,
  concurrent: number,
): Promise<{ pooling: number; prmCalls: number }> {
  const prm = server.simulators.prm;
  if (!prm) throw new Error('no simulated PRM');
  prm.resetStats();
  const responses = await Promise.all(
    QUESTIONS.slice(0, concurrent).map((question) =>
      request(server.url)
        .post('/v1/chat/completions')
        .send({
          model: MODEL,
          messages: [{ role: 'user', content: question }],
          tts_budget: { n: 4, strategy: 'best_of_n' },
        }),
    ),
  );
  for (const response of responses) expect(response.status).toBe(200);
  const prmCalls = responses.reduce(
    (sum, response) => sum + (response.body as { tts: { prm_calls: number } }).tts.prm_calls,
    0,
  );
  return { pooling: prm.stats().requestsByRoute['POST /pooling'] ?? 0, prmCalls };
}

describe('PRM micro-batching from config (tts.prm_batch_window_ms)', () => {
  it("merges concurrent requests' PRM calls into fewer /pooling calls when the window is on", async () => {
    const server = await startTestServer({
      TTS_PROXY__AB__SHADOW_RATE: '0',
      TTS_PROXY__TTS__PRM_BATCH_WINDOW_MS: '50',
      TTS_PROXY__TTS__PRM_BATCH_MAX_PATHS: '256',
    });
    try {
      const { pooling, prmCalls } = await poolingCallsFor(server, 4);
      // Each request still reports one PRM call per scoring round; the upstream saw them merged.
      expect(prmCalls).toBeGreaterThanOrEqual(4);
      expect(pooling).toBeLessThan(prmCalls);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('sends one /pooling call per request scoring round at the default (0 = off)', async () => {
    const server = await startTestServer({ TTS_PROXY__AB__SHADOW_RATE: '0' });
    try {
      const { pooling, prmCalls } = await poolingCallsFor(server, 4);
      expect(pooling).toBe(prmCalls);
    } finally {
      await server.close();
    }
  }, 30_000);
});
