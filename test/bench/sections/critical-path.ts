/**
 * Section 2, search on the critical path: with a fixed per-call latency in the simulators (and
 * nothing per token), a search can take no less than its sequential upstream calls × that latency.
 * Requests run one at a time so the simulators' route counters attribute every upstream call to
 * its request; the ideal wall time counts the calls that carry the simulated latency
 * (/v1/completions, /pooling), the zero-latency calls (/tokenize, /detokenize) are listed apart.
 */
import type { Pool } from 'undici';
import { createLoadPool, runLoad } from '../lib/run-load';
import type { Rig, SimStatsWire } from '../lib/start-rig';
import { mean, ratio, round } from '../lib/summarize';
import { ttsBody, ttsMeta, type TtsMetaWire } from '../lib/tts-wire';

export interface CriticalPathOptions {
  perCallMs: number;
  /** Measured questions: never the warm-up ones (a warm PRM cache would flatter the PRM calls). */
  problems: readonly string[];
  warmupProblems: readonly string[];
  /** Requests (problems) per method. */
  requests: number;
  /** Concurrent beam-16 requests for the under-load check (0 = skip). */
  concurrent: number;
  /** Unmeasured requests per method first (at concurrency 16). */
  warmupPerMethod: number;
}

interface Measured {
  wallMs: number;
  meta: TtsMetaWire;
  calls: Record<string, number>;
  /** Time the proxy spent waiting on upstream calls (its own histogram), ms. */
  upstreamMs: number;
  /** The request's rounds as the simulators saw them (`readRounds`). */
  rounds: ObservedRounds;
}

/**
 * A search's rounds read from the upstreams' own call logs, not from the proxy's metadata: the
 * latency-bearing calls of one request in order of arrival, where a round is the policy calls
 * that arrive together and the PRM call that scores them. `policyCallsByRound` holds each scored
 * round's policy calls; `prmCallsWithoutNewSteps` counts PRM calls with no policy call since the
 * previous one (a round scored twice), `unscoredPolicyGroups` policy calls left without a PRM call
 * after them (a round never scored).
 */
export interface ObservedRounds {
  policyCallsByRound: number[];
  prmCallsWithoutNewSteps: number;
  unscoredPolicyGroups: number;
}

const POLICY_STEP_ROUTE = 'POST /v1/completions';
const PRM_ROUTE = 'POST /pooling';

export function readRounds(
  calls: readonly { side: 'policy' | 'prm'; route: string; monotonicMs: number }[],
): ObservedRounds {
  const ordered = [...calls]
    .filter(
      (call) =>
        (call.side === 'policy' && call.route === POLICY_STEP_ROUTE) ||
        (call.side === 'prm' && call.route === PRM_ROUTE),
    )
    .sort((a, b) => a.monotonicMs - b.monotonicMs);
  const policyCallsByRound: number[] = [];
  let prmCallsWithoutNewSteps = 0;
  let sinceScore = 0;
  for (const call of ordered) {
    if (call.side === 'policy') sinceScore += 1;
    else if (sinceScore === 0) prmCallsWithoutNewSteps += 1;
    else {
      policyCallsByRound.push(sinceScore);
      sinceScore = 0;
    }
  }
  return {
    policyCallsByRound,
    prmCallsWithoutNewSteps,
    unscoredPolicyGroups: sinceScore > 0 ? 1 : 0,
  };
}

function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Sum of `tts_proxy_upstream_call_duration_seconds_sum` over all labels, in ms. */
async function upstreamWaitMs(metricsPool: Pool): Promise<number> {
  const response = await metricsPool.request({ path: '/metrics', method: 'GET' });
  const text = await response.body.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('tts_proxy_upstream_call_duration_seconds_sum'))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum * 1000;
}

const LATENCY_ROUTES = ['POST /v1/completions', 'POST /v1/chat/completions', 'POST /pooling'];

function delta(after: SimStatsWire, before: SimStatsWire, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(after.requestsByRoute)) {
    const d = count - (before.requestsByRoute[route] ?? 0);
    if (d > 0) out[`${prefix} ${route}`] = d;
  }
  return out;
}

async function measureOne(
  rig: Rig,
  pool: Pool,
  metricsPool: Pool,
  body: unknown,
): Promise<Measured> {
  const before = await rig.simStats();
  const waitBefore = await upstreamWaitMs(metricsPool);
  const from = monotonicMs();
  let meta: TtsMetaWire | null = null;
  const result = await runLoad({
    pool,
    path: '/v1/chat/completions',
    count: 1,
    concurrency: 1,
    body: () => body,
    onResponse: (_i, _status, json) => {
      meta = ttsMeta(json);
    },
  });
  if (result.errors > 0 || meta === null)
    throw new Error(`critical-path request failed: ${result.firstError}`);
  const to = monotonicMs();
  const after = await rig.simStats();
  const upstreamMs = (await upstreamWaitMs(metricsPool)) - waitBefore;
  // One request at a time: every call that arrived while it ran is its own.
  const arrivals = (['policy', 'prm'] as const).flatMap((side) =>
    after[side].recentArrivals
      .filter((call) => call.monotonicMs >= from && call.monotonicMs <= to)
      .map((call) => ({ side, ...call })),
  );
  return {
    wallMs: result.latenciesMs[0] as number,
    meta,
    upstreamMs,
    rounds: readRounds(arrivals),
    calls: {
      ...delta(after.policy, before.policy, 'policy'),
      ...delta(after.prm, before.prm, 'prm'),
    },
  };
}

/** Every upstream call the request's metadata accounts for. */
function metadataCalls(meta: TtsMetaWire): number {
  return meta.policy_calls + meta.policy_prompt_calls + meta.prm_calls;
}

function totalCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

function latencyCalls(calls: Record<string, number>, prefix = ''): number {
  return Object.entries(calls).reduce(
    (sum, [key, count]) =>
      key.startsWith(prefix) && LATENCY_ROUTES.some((route) => key.endsWith(route))
        ? sum + count
        : sum,
    0,
  );
}

/**
 * Latency-bearing calls one after another: a search round's policy calls (one per open path)
 * go out at once, so a round costs one policy latency however many paths it has; PRM calls
 * (one per round) and the rest follow each other.
 */
function sequentialLatencyCalls(run: Measured): number {
  return latencyCalls(run.calls) - latencyCalls(run.calls, 'policy ') + run.meta.rounds;
}

function summarizeMethod(runs: Measured[], perCallMs: number): Record<string, unknown> {
  const ratios = runs.map((run) => run.wallMs / (sequentialLatencyCalls(run) * perCallMs));
  const overUpstream = runs.map((run) => run.wallMs / run.upstreamMs);
  const callTotals: Record<string, number> = {};
  for (const run of runs)
    for (const [key, count] of Object.entries(run.calls))
      callTotals[key] = (callTotals[key] ?? 0) + count;
  const rounds = runs.reduce((sum, run) => sum + run.meta.rounds, 0);
  return {
    requests: runs.length,
    wall_ms_mean: round(mean(runs.map((r) => r.wallMs))),
    sequential_latency_calls_mean: round(mean(runs.map(sequentialLatencyCalls))),
    latency_calls_mean: round(mean(runs.map((r) => latencyCalls(r.calls)))),
    ideal_wall_ms_mean: round(mean(runs.map((r) => sequentialLatencyCalls(r) * perCallMs))),
    wall_over_ideal_mean: round(mean(ratios)),
    wall_over_ideal_max: round(Math.max(...ratios)),
    upstream_wait_ms_mean: round(mean(runs.map((r) => r.upstreamMs))),
    wall_over_upstream_wait_mean: round(mean(overUpstream)),
    rounds_mean: round(rounds / runs.length),
    policy_calls_per_round: ratio(
      runs.reduce((s, r) => s + r.meta.policy_calls, 0),
      rounds,
    ),
    prm_calls_per_round: ratio(
      runs.reduce((s, r) => s + r.meta.prm_calls, 0),
      rounds,
    ),
    // From the simulators' call logs (`readRounds`), request by request and round by round; only
    // for methods a PRM guides (a CoT request has rounds no PRM call closes, by design).
    observed_rounds: !runs.some((r) => r.meta.prm_calls > 0)
      ? null
      : {
          max_policy_calls_in_one_round: Math.max(
            0,
            ...runs.flatMap((r) => r.rounds.policyCallsByRound),
          ),
          policy_calls_by_round_first_request: runs[0]?.rounds.policyCallsByRound ?? [],
          requests_with_a_round_not_scored_exactly_once: runs.filter(
            (r) => r.rounds.prmCallsWithoutNewSteps > 0 || r.rounds.unscoredPolicyGroups > 0,
          ).length,
          requests_whose_scored_rounds_differ_from_metadata_rounds: runs.filter(
            (r) => r.rounds.policyCallsByRound.length !== r.meta.rounds,
          ).length,
        },
    // Every upstream call the simulators counted against what the request's metadata says.
    upstream_calls_not_in_metadata_per_request: round(
      mean(runs.map((r) => totalCalls(r.calls) - metadataCalls(r.meta))),
    ),
    requests_whose_metadata_miscounts_upstream_calls: runs.filter(
      (r) => totalCalls(r.calls) !== metadataCalls(r.meta),
    ).length,
    upstream_calls_per_request_by_route: Object.fromEntries(
      Object.entries(callTotals).map(([key, count]) => [key, round(count / runs.length)]),
    ),
    metadata_policy_plus_prm_calls_mean: round(
      mean(runs.map((r) => r.meta.policy_calls + r.meta.prm_calls)),
    ),
  };
}

export async function runCriticalPath(
  rig: Rig,
  pool: Pool,
  options: CriticalPathOptions,
): Promise<Record<string, unknown>> {
  const metricsPool = createLoadPool(rig.proxyUrl, 1);
  try {
    return await criticalPath(rig, pool, metricsPool, options);
  } finally {
    await metricsPool.close();
  }
}

async function criticalPath(
  rig: Rig,
  pool: Pool,
  metricsPool: Pool,
  options: CriticalPathOptions,
): Promise<Record<string, unknown>> {
  const methods = {
    beam_search: { n: 16, m: 4, strategy: 'beam_search' },
    dvts: { n: 16, m: 4, strategy: 'dvts' },
    best_of_n: { n: 16, strategy: 'best_of_n' },
    cot: { n: 1, strategy: 'cot' },
  } as const;
  // Warm the proxy's code paths (not measured): a cold proxy runs its first requests unoptimised.
  for (const budget of Object.values(methods)) {
    await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.warmupPerMethod,
      concurrency: 16,
      body: (i) =>
        ttsBody(options.warmupProblems[i % options.warmupProblems.length] as string, budget, {
          seed: 90_000 + i,
        }),
    });
  }

  const results: Record<string, Measured[]> = {};
  let nextQuestion = 0;
  for (const [name, budget] of Object.entries(methods)) {
    results[name] = [];
    for (let i = 0; i < options.requests; i++) {
      // Every measured request has a question no earlier request used.
      const question = options.problems[nextQuestion++ % options.problems.length] as string;
      results[name]?.push(
        await measureOne(rig, pool, metricsPool, ttsBody(question, budget, { seed: 1000 + i })),
      );
    }
  }
  const summaries = Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [name, summarizeMethod(runs, options.perCallMs)]),
  );
  const bonWall = mean((results.best_of_n ?? []).map((r) => r.wallMs));
  const cotWall = mean((results.cot ?? []).map((r) => r.wallMs));

  let underLoad: Record<string, unknown> | null = null;
  if (options.concurrent > 0) {
    const metas: { wall: number; meta: TtsMetaWire }[] = [];
    const load = await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.concurrent,
      concurrency: options.concurrent,
      body: (i) =>
        ttsBody(
          options.problems[(nextQuestion + i) % options.problems.length] as string,
          methods.beam_search,
          { seed: 2000 + i },
        ),
      onResponse: (_i, _s, json, latency) => metas.push({ wall: latency, meta: ttsMeta(json) }),
    });
    // Without per-request route counters, the ideal is the metadata's rounds (each round's
    // policy calls go out at once) + PRM calls.
    const ratios = metas.map(
      (m) => m.wall / ((m.meta.rounds + m.meta.prm_calls) * options.perCallMs),
    );
    underLoad = {
      concurrent_requests: options.concurrent,
      errors: load.errors,
      wall_over_ideal_mean: round(mean(ratios)),
      wall_over_ideal_max: round(Math.max(...ratios)),
      note: 'ideal = (rounds + prm_calls from tts metadata) x per-call latency: a round sends its policy calls at once',
    };
  }
  return {
    per_call_latency_ms: options.perCallMs,
    per_token_latency_ms: 0,
    methods: summaries,
    bon16_wall_over_one_sample_wall: ratio(bonWall, cotWall),
    bon16_wall_over_one_sample_plus_one_prm_call: ratio(bonWall, cotWall + options.perCallMs),
    beam16_concurrent: underLoad,
    definitions: {
      wall_over_upstream_wait:
        "request wall time / the summed durations of its upstream calls (the proxy's tts_proxy_upstream_call_duration_seconds histogram). A search round's calls run at once, so the sum exceeds the wall and this ratio falls below 1 with the paths per round; it says how much the calls overlapped, not what the proxy adds (wall_over_ideal says that)",
      wall_over_ideal:
        "request wall time / (upstream calls that carry the simulated latency and follow each other, i.e. one /v1/completions per search round (a round sends one call per open path, all at once) + every other /v1/completions and /pooling, x per-call latency); /tokenize and /detokenize (prompt render, PRM length checks) cost 0 in the simulator and are listed under upstream_calls_per_request_by_route. The per-call latency is a service time counted from the call's arrival at the simulator, its own CPU inside it when it fits (docs/simulated-world.md#latency-and-serving): what exceeds 1 is the proxy, the transport and timer lateness",
      one_sample: "a tts_strategy 'cot' request: prompt render + one policy call",
    },
  };
}
