/**
 * Does a heavy vote stall other clients? A loop of light requests (concurrency 1) runs alone,
 * then beside Best-of-N-64 requests whose samples all disagree, in symbolic form (policy
 * simulator with `answerForms: 'all-distinct'`); the verdict quantity is the loop's p99 beside the load over
 * its p99 alone. Idle and loaded phases alternate (paired, rotated) so drift hits both alike.
 *
 * Two loops: `GET /v1/models`, answered by the proxy itself, isolates the proxy's event loop; plain
 * chat (passthrough) is what a client sees, but it also waits on the policy simulator, which
 * generates the heavy requests' 64 samples in one synchronous block on the same 2 cores.
 */
import type { Pool } from 'undici';
import { pairedRatios, runPairedRounds } from '../lib/paired-rounds';
import { createLoadPool, runLoad } from '../lib/run-load';
import type { NoiseLedger } from '../lib/noise';
import type { Rig } from '../lib/start-rig';
import { mean, percentile, round } from '../lib/summarize';
import { PROXY_MODEL, ttsBody } from '../lib/tts-wire';

export interface EventLoopOptions {
  rounds: number;
  /** Plain requests per phase. */
  plainRequests: number;
  heavyConcurrency: number;
  questions: readonly string[];
}

async function modelsLoop(pool: Pool, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await pool.request({ path: '/v1/models', method: 'GET' });
    await response.body.text();
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function plainLoop(pool: Pool, count: number, offset: number): Promise<number[]> {
  const result = await runLoad({
    pool,
    path: '/v1/chat/completions',
    count,
    concurrency: 1,
    body: (i) => ({
      model: PROXY_MODEL,
      messages: [{ role: 'user', content: `Plain question ${offset + i}: what is 2 + 2?` }],
      max_tokens: 16,
    }),
  });
  return result.latenciesMs;
}

export async function runEventLoop(
  rig: Rig,
  noise: NoiseLedger,
  options: EventLoopOptions,
): Promise<Record<string, unknown>> {
  const plainPool = createLoadPool(rig.proxyUrl, 1);
  const heavyPool = createLoadPool(rig.proxyUrl, options.heavyConcurrency);
  let nextQuestion = 0;
  const distinctAnswers: number[] = [];
  const heavyLatencies: number[] = [];
  const done = noise.section('event_loop', [rig.proxy.pid, rig.policySim.pid, rig.prmSim.pid]);
  try {
    await plainLoop(plainPool, options.plainRequests, 0);
    await modelsLoop(plainPool, options.plainRequests);
    let offset = 10_000;
    const measureLoops = async (): Promise<{ models: number; chat: number }> => {
      offset += options.plainRequests;
      const models = percentile(sortedCopy(await modelsLoop(plainPool, options.plainRequests)), 99);
      const chat = percentile(
        sortedCopy(await plainLoop(plainPool, options.plainRequests, offset)),
        99,
      );
      return { models, chat };
    };
    const runs = await runPairedRounds(['idle', 'loaded'] as const, options.rounds, async (arm) => {
      if (arm === 'idle') return measureLoops();
      let isRunning = true;
      const heavy = (async () => {
        while (isRunning) {
          await runLoad({
            pool: heavyPool,
            path: '/v1/chat/completions',
            count: options.heavyConcurrency,
            concurrency: options.heavyConcurrency,
            body: () =>
              ttsBody(
                options.questions[nextQuestion++ % options.questions.length] ?? '',
                { n: 64, strategy: 'best_of_n' },
                { seed: nextQuestion },
              ),
            onResponse: (_i, _s, json, latency) => {
              heavyLatencies.push(latency);
              const table = (json as { tts?: { vote_table?: unknown[] } }).tts?.vote_table;
              if (Array.isArray(table)) distinctAnswers.push(table.length);
            },
          });
        }
      })();
      // Let the heavy requests get going before the measured loops start.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const p99 = await measureLoops();
      isRunning = false;
      await heavy;
      return p99;
    });
    const pick = (arm: 'idle' | 'loaded', loop: 'models' | 'chat'): number[] =>
      runs[arm].map((run) => round(run[loop]));
    return {
      plain_requests_per_phase: options.plainRequests,
      proxy_only_get_models: {
        idle_p99_ms_by_round: pick('idle', 'models'),
        loaded_p99_ms_by_round: pick('loaded', 'models'),
        p99_ratio_loaded_vs_idle: pairedRatios(pick('loaded', 'models'), pick('idle', 'models')),
      },
      plain_chat_passthrough: {
        idle_p99_ms_by_round: pick('idle', 'chat'),
        loaded_p99_ms_by_round: pick('loaded', 'chat'),
        p99_ratio_loaded_vs_idle: pairedRatios(pick('loaded', 'chat'), pick('idle', 'chat')),
      },
      heavy: `best_of_n N=64 over hard questions, ${options.heavyConcurrency} concurrent, policy simulator with answerForms all-distinct (a different symbolic answer per sample)`,
      heavy_requests: heavyLatencies.length,
      heavy_latency_ms_mean: round(mean(heavyLatencies)),
      distinct_answers_per_heavy_request_mean: round(mean(distinctAnswers), 1),
    };
  } finally {
    done();
    await plainPool.close();
    await heavyPool.close();
  }
}

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
