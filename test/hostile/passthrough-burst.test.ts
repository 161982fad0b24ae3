/**
 * A burst of passthrough requests larger than the upstream connection pool must not take the
 * process down: queued upstream requests get their headers only when a socket frees up, so
 * nothing may edit headers in a late hook (issue 13: 257 concurrent requests killed the process).
 */
import http from 'node:http';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';

const BURST = 400;

function post(
  url: string,
  body: string,
): Promise<{ status: number; body: string; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: 'Bearer client-key-for-the-proxy',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            retryAfter: response.headers['retry-after'],
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('passthrough burst above the upstream pool', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // Each upstream call takes ~2 s (a short real generation), so the whole burst is in flight at once.
    server = await startTestServer({
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '2000',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it(`serves ${BURST} concurrent /v1/completions requests and stays up`, async () => {
    const body = JSON.stringify({
      model: 'qwen2.5-1.5b-instruct',
      prompt: 'What is 2 + 2?',
      max_tokens: 8,
    });
    const answers = await Promise.all(
      Array.from({ length: BURST }, () => post(`${server.url}/v1/completions`, body)),
    );
    if (process.env.HOSTILE_REPORT) {
      const statuses: Record<number, number> = {};
      for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      console.log(JSON.stringify({ burst: BURST, statuses }));
    }
    for (const answer of answers) {
      if (answer.status === 200) continue;
      expect([429, 503]).toContain(answer.status);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { message: expect.any(String) } });
    }
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  }, 60_000);
});

describe('passthrough admission', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '2000',
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: '16',
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '16',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses what is beyond its slots and queue with 429 + Retry-After, like chat', async () => {
    const body = JSON.stringify({
      model: 'qwen2.5-1.5b-instruct',
      prompt: '1+1=',
      max_tokens: 4,
    });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => post(`${server.url}/v1/completions`, body)),
    );
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(admitted.length + refused.length).toBe(answers.length);
    expect(admitted.length).toBe(32);
    for (const answer of refused) {
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'overloaded' } });
    }
  }, 30_000);
});
