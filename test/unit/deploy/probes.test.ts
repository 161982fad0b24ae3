/**
 * The probe design of docker/k8s/deployment.yaml, checked against the real server started with the
 * deployment config (config/vllm.yaml) and its upstreams on loopback:
 * - readiness `/health` is 200 while some upstream answers and 503 when none does;
 * - liveness and startup `/metrics` stay 200 when every upstream is down, so a vLLM outage takes
 *   pods out of the Service but never restarts them.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { startServer, type RunningServer } from '../../../src/main';

const CONFIG = path.resolve(__dirname, '../../../config/vllm.yaml');

/** A loopback port with nothing listening (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A stand-in vLLM that is up: /health 200, /v1/models lists the policy config/vllm.yaml names
 * (the proxy checks its served names there before calling the upstream ready), the rest 404.
 */
async function startHealthyUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url === '/v1/models') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'Qwen/Qwen2.5-1.5B-Instruct', object: 'model' }],
        }),
      );
      return;
    }
    response.statusCode = request.url === '/health' ? 200 : 404;
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function startProxy(policyUrl: string, prmUrl: string): Promise<RunningServer> {
  return startServer({
    configPath: CONFIG,
    env: {
      TTS_PROXY__UPSTREAMS__POLICY__URL: policyUrl,
      TTS_PROXY__UPSTREAMS__PRM__URL: prmUrl,
      TTS_PROXY__AB__SHADOW_RATE: '0',
    },
    logger: pino({ level: 'silent' }),
    port: 0,
    host: '127.0.0.1',
  });
}

describe('deployment probes against the proxy', () => {
  it('is not ready but still alive when every upstream is down', async () => {
    const proxy = await startProxy(
      `http://127.0.0.1:${await closedPort()}`,
      `http://127.0.0.1:${await closedPort()}`,
    );
    try {
      const health = await fetch(`${proxy.url}/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { status: string }).status).toBe('down');
      expect((await fetch(`${proxy.url}/metrics`)).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('stays ready with one upstream down (searches degrade, they do not fail)', async () => {
    const policy = await startHealthyUpstream();
    const proxy = await startProxy(policy.url, `http://127.0.0.1:${await closedPort()}`);
    try {
      const health = await fetch(`${proxy.url}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('degraded');
    } finally {
      await proxy.close();
      policy.server.close();
    }
  });
});
