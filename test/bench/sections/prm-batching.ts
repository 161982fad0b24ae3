/**
 * PRM micro-batching, measured on the verifier itself (this process) over the PRM simulator:
 * `concurrent` simulated requests each score 16 paths per round, for `rounds` rounds, once with one
 * `/pooling` call per score (as shipped) and once through `createPrmBatcher`. Reported: upstream
 * calls, wall time, CPU of this process and of the PRM simulator per score call, and whether every
 * score matched the unbatched one. (The proxy wires the batcher only when main.ts passes one.)
 */
import { cpuMs } from '../lib/proc-stats';
import { getPrmFamily } from '../../../src/prm';
import { createPrmBatcher, createPrmVerifier, createUpstreamClient } from '../../../src/upstream';
import type { Verifier } from '../../../src/tts';
import { SIM_PRM_NAME } from '../lib/sim-names';
import { ratio, round } from '../lib/summarize';

export interface PrmBatchingOptions {
  concurrent: number;
  rounds: number;
  problems: readonly string[];
  /** PID of the PRM simulator, for its CPU. */
  prmPid: number;
}

const PATHS_PER_CALL = 16;

function pathsFor(request: number, roundIndex: number): string[][] {
  return Array.from({ length: PATHS_PER_CALL }, (_, p) =>
    Array.from(
      { length: 2 + ((roundIndex + p) % 6) },
      (_, s) =>
        `Step ${s + 1}: from the ledger entry ${request}-${p}-${s}, we add ${(request * 7 + p * 3 + s) % 50} items and remove ${(p + s) % 9}, giving ${(request + p + s) % 97} in total.`,
    ),
  );
}

async function drive(
  verifier: Verifier,
  options: PrmBatchingOptions,
): Promise<{ scores: number[][][]; wallMs: number; callsSeen: number }> {
  const scores: number[][][] = [];
  let callsSeen = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrent }, async (_, request) => {
      for (let r = 0; r < options.rounds; r++) {
        const result = await verifier.score(
          options.problems[request % options.problems.length] as string,
          pathsFor(request, r),
        );
        callsSeen += result.calls;
        scores[request * options.rounds + r] = result.scores;
      }
    }),
  );
  return { scores, wallMs: performance.now() - started, callsSeen };
}

export async function runPrmBatching(
  prmUrl: string,
  options: PrmBatchingOptions,
): Promise<Record<string, unknown>> {
  const family = getPrmFamily('qwen2.5-math-prm');
  const client = createUpstreamClient({
    name: 'prm',
    baseUrl: prmUrl,
    timeoutMs: 60_000,
    maxConnections: 32,
    retries: 0,
  });
  const scoreCalls = options.concurrent * options.rounds;
  const variants: Record<string, () => Verifier & { upstream: () => number }> = {
    unbatched: () => {
      const verifier = createPrmVerifier({
        client,
        servedName: SIM_PRM_NAME,
        family,
        maxInputTokens: 4096,
        cache: null,
      });
      return { score: verifier.score, upstream: () => NaN };
    },
    batched_window_0ms: () => {
      const batcher = createPrmBatcher({ client, windowMs: 0, maxInputs: 256 });
      const verifier = createPrmVerifier({
        client,
        servedName: SIM_PRM_NAME,
        family,
        maxInputTokens: 4096,
        cache: null,
        batcher,
      });
      return { score: verifier.score, upstream: () => batcher.stats().upstreamCalls };
    },
    batched_window_2ms: () => {
      const batcher = createPrmBatcher({ client, windowMs: 2, maxInputs: 256 });
      const verifier = createPrmVerifier({
        client,
        servedName: SIM_PRM_NAME,
        family,
        maxInputTokens: 4096,
        cache: null,
        batcher,
      });
      return { score: verifier.score, upstream: () => batcher.stats().upstreamCalls };
    },
  };
  const out: Record<string, unknown> = {
    concurrent_requests: options.concurrent,
    rounds: options.rounds,
    paths_per_score: PATHS_PER_CALL,
  };
  let reference: number[][][] | null = null;
  try {
    for (const [name, make] of Object.entries(variants)) {
      const verifier = make();
      await drive(verifier, { ...options, rounds: 2 });
      const upstreamBefore = verifier.upstream();
      const simBefore = cpuMs(options.prmPid);
      const cpuBefore = process.cpuUsage();
      const run = await drive(verifier, options);
      const cpu = process.cpuUsage(cpuBefore);
      const upstreamCalls =
        name === 'unbatched' ? run.callsSeen : verifier.upstream() - upstreamBefore;
      reference ??= run.scores;
      out[name] = {
        score_calls: scoreCalls,
        calls_seen_by_requests: run.callsSeen,
        upstream_pooling_calls: upstreamCalls,
        paths_per_upstream_call: round((scoreCalls * PATHS_PER_CALL) / upstreamCalls, 1),
        wall_ms: round(run.wallMs, 1),
        verifier_cpu_ms_per_score: ratio((cpu.user + cpu.system) / 1000, scoreCalls),
        prm_sim_cpu_ms_per_score: ratio(cpuMs(options.prmPid) - simBefore, scoreCalls),
        scores_identical_to_unbatched: JSON.stringify(run.scores) === JSON.stringify(reference),
      };
    }
  } finally {
    await client.close();
  }
  return out;
}
