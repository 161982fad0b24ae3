/**
 * The retry rule each stack kind gets, as the app wires it (upstream-clients.ts): a FastChat
 * worker's 500 is never repeated (each failed call leaks one of the worker's concurrency permits,
 * base_model_worker.py @0ee2578), on one server and through a replica pool alike, while a vLLM
 * upstream still retries a 500.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../../src/config';
import { createUpstreamClients } from '../../../src/app/upstream-clients';
import { createMetrics } from '../../../src/server/metrics';

const DEFAULT = path.resolve(__dirname, '../../../config/default.yaml');

describe('createUpstreamClients retry rules', () => {
  let server: http.Server;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests += 1;
      request.resume();
      request.on('end', () => {
        response.statusCode = 500;
        response.end('Internal Server Error');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function clientsFor(upstreams: Config['upstreams']) {
    const config = structuredClone(loadConfig(DEFAULT, {}));
    config.upstreams = upstreams;
    return createUpstreamClients(
      config,
      {},
      {
        env: {},
        configPath: DEFAULT,
        metrics: createMetrics({ collectDefaults: false }),
        logger: pino({ level: 'silent' }),
      },
    );
  }

  async function attemptsOf(upstreams: Config['upstreams'], name: string): Promise<number> {
    const clients = clientsFor(upstreams);
    requests = 0;
    await expect(clients.client(name).postJson('/x', {})).rejects.toThrow();
    for (const client of clients.clients.values()) await client.close();
    return requests;
  }

  it('asks a FastChat worker once on a 500, on one server and through replicas', async () => {
    const base = structuredClone(loadConfig(DEFAULT, {}).upstreams.policy) as NonNullable<
      Config['upstreams']['policy']
    >;
    const single = { ...base, url, kind: 'fastchat' as const, retries: 2 };
    expect(await attemptsOf({ fc: single }, 'fc')).toBe(1);
    const { url: _unused, ...withoutUrl } = single;
    const pooled = { ...withoutUrl, replicas: [url, url], pool: base.pool };
    expect(await attemptsOf({ fc: pooled }, 'fc')).toBe(1);
    // A vLLM upstream repeats the same 500 (retries: 2).
    expect(await attemptsOf({ vl: { ...single, kind: 'vllm' } }, 'vl')).toBe(3);
  });
});
