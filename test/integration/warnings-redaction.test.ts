/**
 * Client-facing `tts.warnings` never carry upstream addresses (issue 13: a PRM outage showed
 * `connect ECONNREFUSED 127.0.0.1:…` to every client).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

describe('warnings when the PRM is unreachable', () => {
  let server: RunningServer;
  let closedPort: number;
  beforeAll(async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    server = await startTestServer({
      TTS_PROXY__UPSTREAMS__PRM__URL: `http://127.0.0.1:${closedPort}`,
      TTS_PROXY__UPSTREAMS__PRM__RETRIES: '0',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('degrades to a majority vote and names the failure without the address', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: 'qwen2.5-1.5b-instruct',
        messages: [{ role: 'user', content: 'What is 2 + 3?' }],
        tts_strategy: 'best_of_n',
        tts_budget: 4,
      });
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    expect(text).toMatch(/unreachable \(ECONNREFUSED\)/);
    expect(text).not.toContain(`127.0.0.1:${closedPort}`);
    expect(text).not.toContain(String(closedPort));
  });
});
