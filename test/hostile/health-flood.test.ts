/**
 * A flood of GET /health (no key needed) must not make a healthy upstream look down: requests
 * share one probe round (src/app/health.ts). Each used to probe every upstream anew on its one
 * probe connection, and 250 keep-alive loops queued the probes past their 2 s timeout: 503
 * `down` for a healthy pod (review 25, hostile F1).
 */
import { Agent, request } from 'undici';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';

describe('a /health flood', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers every request from shared probe rounds and keeps reporting a healthy upstream up', async () => {
    const policy = server.simulators.policy;
    if (policy === undefined) throw new Error('the default config simulates the policy');
    policy.resetStats();
    const agent = new Agent({ connections: 200 });
    try {
      const started = Date.now();
      const statuses: number[] = [];
      // 200 connections, five requests each, back to back.
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          for (let i = 0; i < 5; i++) {
            const answer = await request(`${server.url}/health`, { dispatcher: agent });
            statuses.push(answer.statusCode);
            await answer.body.text();
          }
        }),
      );
      expect(statuses).toHaveLength(1000);
      expect(statuses.every((status) => status === 200)).toBe(true);
      // About one probe round per second of flood, not one per request.
      const seconds = (Date.now() - started) / 1000;
      const probes = policy.stats().requestsByRoute['GET /health'] ?? 0;
      expect(probes).toBeGreaterThanOrEqual(1);
      expect(probes).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      await agent.close();
    }
  });
});
