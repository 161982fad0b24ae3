/**
 * A search whose deadline passes before any solution finished answers 504 deadline_exceeded
 * naming the deadline (issue 13: it was a 502 "upstream failed", and the log had no reason).
 */
import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

describe('deadline before any solution', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '1500',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 504 with the deadline, not a 502 blaming the upstream', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: 'qwen2.5-1.5b-instruct',
        messages: [{ role: 'user', content: 'What is 2 + 3?' }],
        tts_strategy: 'best_of_n',
        tts_budget: 4,
        tts_timeout_ms: 300,
      });
    expect(response.status).toBe(504);
    expect(response.body).toEqual({
      error: {
        message: expect.stringMatching(
          /^Deadline reached before any solution finished \(tts_timeout_ms 300\)/,
        ),
        type: 'server_error',
        param: null,
        code: 'deadline_exceeded',
      },
    });
  });
});
