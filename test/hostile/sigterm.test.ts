/**
 * SIGTERM under load, on the real CLI process (issue 13: a fixed 25 s grace cut long searches,
 * idle keep-alive sockets held every shutdown to the full grace, cuts were not logged, exit 0).
 */
import http from 'node:http';
import { send, type RawAnswer } from './support/raw-http';
import { spawnServer, type ServerProcess } from './support/spawn-server';

const IN_FLIGHT = 50;
const UPSTREAM_MS = '4000';

function tts(url: string, agent: http.Agent): Promise<RawAnswer> {
  const body = JSON.stringify({
    model: 'qwen2.5-1.5b-instruct',
    messages: [{ role: 'user', content: 'What is 12 + 30?' }],
    tts_strategy: 'best_of_n',
    tts_budget: 4,
  });
  return new Promise((resolve) => {
    const target = new URL(url);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        response.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
      },
    );
    request.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    request.end(body);
  });
}

function codeOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return null;
  }
}

/** Resolves once the server serves `count` requests at once (its /metrics counts itself too). */
async function untilInFlight(url: string, count: number): Promise<void> {
  for (;;) {
    const metrics = await send(url, { method: 'GET', path: '/metrics' });
    const found = /^tts_proxy_requests_in_flight (\d+)/m.exec(metrics.body);
    if (Number(found?.[1] ?? 0) >= count + 1) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('SIGTERM under load', () => {
  // Both processes start at once (each compiles the sources first).
  let draining: ServerProcess;
  let cutting: ServerProcess;
  beforeAll(async () => {
    [draining, cutting] = await Promise.all([
      spawnServer({ TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: UPSTREAM_MS }),
      spawnServer({
        TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: UPSTREAM_MS,
        TTS_PROXY__SERVER__DRAIN_TIMEOUT_MS: '1000',
      }),
    ]);
  }, 60_000);
  afterAll(() => {
    for (const server of [draining, cutting])
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it(`lets ${IN_FLIGHT} TTS requests on a ${UPSTREAM_MS} ms upstream finish, then exits 0`, async () => {
    const server = draining;
    // Keep-alive sockets: each one turns idle when its response ends and must not hold the exit.
    const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const answers = Promise.all(Array.from({ length: IN_FLIGHT }, () => tts(server.url, agent)));
    await untilInFlight(server.url, IN_FLIGHT);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const results = await answers;
    const code = await server.exited;
    const stoppedAfterMs = Date.now() - signalled;
    agent.destroy();
    if (process.env.HOSTILE_REPORT)
      console.log(
        JSON.stringify({
          inFlight: IN_FLIGHT,
          ok: results.filter((r) => r.status === 200).length,
          code,
          stoppedAfterMs,
        }),
      );
    expect(results.map((result) => result.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(code).toBe(0);
    expect(server.lines.filter((line) => String(line.msg).startsWith('request cut'))).toEqual([]);
  }, 60_000);

  it('cuts what is still running at the drain deadline with a 503, logs each cut, and exits 1', async () => {
    const server = cutting;
    const agent = new http.Agent({ keepAlive: false });
    const answers = Promise.all(Array.from({ length: 5 }, () => tts(server.url, agent)));
    await untilInFlight(server.url, 5);
    server.child.kill('SIGTERM');
    const results = await answers;
    const code = await server.exited;
    const cuts = server.lines.filter((line) => String(line.msg).startsWith('request cut'));
    if (process.env.HOSTILE_REPORT) console.log(JSON.stringify({ cut: cuts.length, code }));
    // Told why (before: a connection reset), and logged as cut before the process exited.
    expect(results.map((result) => [result.status, codeOf(result.body)])).toEqual(
      Array(5).fill([503, 'shutting_down']),
    );
    expect(cuts.map((line) => [line.method, line.url])).toEqual(
      Array(5).fill(['POST', '/v1/chat/completions']),
    );
    expect(server.lines.filter((line) => line.cutByShutdown === true)).toHaveLength(5);
    expect(code).toBe(1);
  }, 60_000);
});
