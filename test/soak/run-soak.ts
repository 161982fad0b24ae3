/**
 * Soak (not in CI): the real CLI as a child process under a steady hostile mix for a while —
 * TTS and plain chat, passthrough bursts, streamed passthrough, slow bodies, garbage — printing
 * the server's resident memory (from its /metrics) over time, one JSON line per sample.
 *
 *   npm run soak -- --minutes 10 --concurrency 32
 *
 * A leak shows as RSS that keeps climbing across samples once the first minute's warm-up is over.
 */
import http from 'node:http';
import { send } from '../hostile/support/raw-http';
import { spawnServer } from '../hostile/support/spawn-server';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const MINUTES = flag('minutes', 10);
const CONCURRENCY = flag('concurrency', 32);
const SAMPLE_MS = flag('sample-seconds', 10) * 1000;
const MODEL = 'qwen2.5-1.5b-instruct';
const JSON_HEADERS = { 'content-type': 'application/json' };

type Job = (url: string) => Promise<number>;

const jobs: Job[] = [
  async (url) =>
    (
      await send(url, {
        path: '/v1/chat/completions',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: `What is ${Math.floor(Math.random() * 90)} + 7?` }],
          tts_strategy: 'best_of_n',
          tts_budget: 4,
        }),
      })
    ).status,
  async (url) =>
    (
      await send(url, {
        path: '/v1/chat/completions',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
        }),
      })
    ).status,
  async (url) =>
    (
      await send(url, {
        path: '/v1/completions',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          model: 'sim-qwen2.5-1.5b-instruct',
          prompt: '1+1=',
          max_tokens: 8,
          stream: Math.random() < 0.5,
        }),
      })
    ).status,
  async (url) =>
    (await send(url, { path: '/v1/chat/completions', headers: JSON_HEADERS, body: '{"model":' }))
      .status,
  async (url) =>
    (
      await send(url, {
        path: '/v1/chat/completions',
        headers: JSON_HEADERS,
        body: `{"model":"${MODEL}","tools":${'['.repeat(3000)}${']'.repeat(3000)}}`,
      })
    ).status,
  async (url) =>
    (await send(url, { path: '/v1/%2e%2e/metrics', headers: JSON_HEADERS, body: '{}' })).status,
  // A slow body: 200 bytes declared, one every 300 ms (the body timeout ends it).
  (url) =>
    new Promise<number>((resolve) => {
      const target = new URL(url);
      const request = http.request({
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent: false,
        headers: { ...JSON_HEADERS, 'content-length': 200 },
      });
      const timer = setInterval(() => request.write(' '), 300);
      request.on('response', (response) => {
        clearInterval(timer);
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', () => {
        clearInterval(timer);
        resolve(0);
      });
      request.flushHeaders();
    }),
];

async function rssMb(url: string): Promise<number | null> {
  const metrics = await send(url, { method: 'GET', path: '/metrics' }).catch(() => null);
  const match = metrics && /^tts_proxy_process_resident_memory_bytes (\d+)/m.exec(metrics.body);
  return match ? Math.round(Number(match[1]) / 1024 / 1024) : null;
}

async function main(): Promise<void> {
  const server = await spawnServer(
    {
      TTS_PROXY__SERVER__BODY_TIMEOUT_MS: '5000',
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '200',
    },
    { keepLines: false },
  );
  const ends = Date.now() + MINUTES * 60_000;
  const statuses: Record<number, number> = {};
  let requests = 0;
  const started = Date.now();
  const sampler = setInterval(() => {
    void rssMb(server.url).then((rss) =>
      console.log(
        JSON.stringify({
          seconds: Math.round((Date.now() - started) / 1000),
          rssMb: rss,
          requests,
          statuses,
        }),
      ),
    );
  }, SAMPLE_MS);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; Date.now() < ends; i++) {
        const job = jobs[i % jobs.length] as Job;
        const status = await job(server.url).catch(() => 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        requests++;
      }
    }),
  );
  clearInterval(sampler);
  console.log(JSON.stringify({ done: true, requests, statuses, rssMb: await rssMb(server.url) }));
  server.child.kill('SIGTERM');
  console.log(JSON.stringify({ exitCode: await server.exited }));
}

void main();
