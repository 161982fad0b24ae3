/**
 * Bench child: the event-loop section's light client (concurrency 1), in a process of its own.
 * In the bench process, which also sends the heavy Best-of-N-64 load and reads its answers, the
 * light loop's timings carried that process's own delays: beside the heavy load the bench
 * process's event-loop delay p99 was about as large as the light loop's latency p99 through the
 * proxy, so the verdict partly measured the client. Here the loop waits only on the proxy, and
 * the parent raises this process's priority where it may: a client on a machine of its own,
 * which in production a client is. It watches its own event loop too (`loop` in every answer),
 * so a delay of its own would still show.
 *
 * Env: BENCH_PROBE_URL (the proxy), BENCH_PROBE_COUNT (requests per call), BENCH_PROBE_MODEL,
 * BENCH_PROBE_CONTROL_URL (optional: the control server, children/control-child.ts),
 * BENCH_PROBE_DIRECT_URL and BENCH_PROBE_DIRECT_MODEL (optional: the policy simulator and its
 * served name). Calls: `models` (GET /v1/models, answered by the proxy itself), `chat` (a plain
 * chat completion, passthrough; each call asks questions no earlier call asked), `control` (the
 * same GET as `models`, to the control server) and `chat-direct` (the same plain chat straight
 * to the policy simulator, no proxy between), each answering `ProbeRun`.
 */
import type { Pool } from 'undici';
import { serveChild } from '../lib/child-protocol';
import { startLoopStallMonitor, type LoopStallReport } from '../lib/loop-stalls';
import { createLoadPool, runLoad } from '../lib/run-load';

export interface ProbeRun {
  latencies: number[];
  /** Requests that failed (not in `latencies`). */
  errors: number;
  /** This process's own event loop over the run. */
  loop: LoopStallReport;
}

function main(): void {
  const url = process.env.BENCH_PROBE_URL;
  const model = process.env.BENCH_PROBE_MODEL ?? '';
  const count = Number(process.env.BENCH_PROBE_COUNT);
  if (!url || !model || !Number.isInteger(count) || count <= 0)
    throw new Error('BENCH_PROBE_URL, BENCH_PROBE_MODEL and BENCH_PROBE_COUNT must be set');
  const pool = createLoadPool(url, 1);
  const controlUrl = process.env.BENCH_PROBE_CONTROL_URL;
  const controlPool = controlUrl ? createLoadPool(controlUrl, 1) : null;
  const directUrl = process.env.BENCH_PROBE_DIRECT_URL;
  const directModel = process.env.BENCH_PROBE_DIRECT_MODEL;
  const direct =
    directUrl && directModel ? { pool: createLoadPool(directUrl, 1), model: directModel } : null;
  let asked = 0;

  async function watched(
    loop: () => Promise<{ latencies: number[]; errors: number }>,
  ): Promise<ProbeRun> {
    const monitor = startLoopStallMonitor();
    const { latencies, errors } = await loop();
    return { latencies, errors, loop: monitor.stop() };
  }

  async function models(to: Pool = pool): Promise<{ latencies: number[]; errors: number }> {
    const latencies: number[] = [];
    let errors = 0;
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const response = await to.request({ path: '/v1/models', method: 'GET' });
      await response.body.text();
      if (response.statusCode === 200) latencies.push(performance.now() - started);
      else errors += 1;
    }
    return { latencies, errors };
  }

  async function chat(
    to: { pool: Pool; model: string } = { pool, model },
  ): Promise<{ latencies: number[]; errors: number }> {
    const offset = asked;
    asked += count;
    const result = await runLoad({
      pool: to.pool,
      path: '/v1/chat/completions',
      count,
      concurrency: 1,
      body: (i) => ({
        model: to.model,
        messages: [{ role: 'user', content: `Plain question ${offset + i}: what is 2 + 2?` }],
        max_tokens: 16,
      }),
    });
    return { latencies: result.latenciesMs, errors: result.errors };
  }

  serveChild(
    {},
    {
      models: () => watched(() => models()),
      chat: () => watched(() => chat()),
      control: () => {
        if (controlPool === null) throw new Error('BENCH_PROBE_CONTROL_URL is not set');
        return watched(() => models(controlPool));
      },
      'chat-direct': () => {
        if (direct === null) throw new Error('BENCH_PROBE_DIRECT_URL/_MODEL are not set');
        return watched(() => chat(direct));
      },
    },
    async () => {
      await pool.close();
      await controlPool?.close();
      await direct?.pool.close();
    },
  );
}

main();
