/**
 * Section 1, passthrough overhead: the same plain request (small max_tokens), JSON and streamed
 * (SSE), direct to the upstream, through a bare http-proxy-middleware hop and through the proxy,
 * zero-latency upstream. Two routes, two forwarders: a chat completion with no TTS field (keys
 * `json_*`, `sse_*`: the chat route's own forwarder) and `/v1/completions` (keys
 * `completions_json_*`, `completions_sse_*`: the allow-listed /v1 passthrough,
 * src/server/passthrough/).
 *
 * Paired rounds, each cut into slices that visit the arms in balanced orders
 * (lib/paired-rounds.ts); the verdict quantity is the per-round throughput ratio proxy / bare hop
 * (median and minimum over the rounds), not a ratio of per-arm medians. Beside it, per round, the
 * CPU per request of the proxy over the hop's, and on a pinned rig how busy each side's CPUs
 * were: an arm whose load side (load generator + upstream) was busier than the process under
 * test was paced by the load side, and its throughput says little about the process under test
 * (`pace`; where the hop's load side was that busy or nearly, at concurrency > 1, the key's ratio
 * would flatter the proxy, so a ratio that meets its bound is not judged: lib/noise.ts `unjudged`).
 *
 * The upstream is the policy simulator's own answers replayed byte for byte
 * (children/replay-upstream-child.ts): a GPU server's CPU is not the proxy's machine's, and the
 * simulator's CPU per request is larger than the hop's.
 */
import {
  addUpSlices,
  measureSlice,
  medianOrNull,
  type ArmRound,
  type SliceCost,
  type SliceProbe,
  type SliceWakeups,
} from '../lib/arm-slice';
import { gcBetween, gcSum, NO_GC, startGcLedger, type GcTotals } from '../lib/gc-control';
import { ARM_ORDER, pairedRatios, runSlicedRounds } from '../lib/paired-rounds';
import type { PinPlan } from '../lib/pinning';
import { cpuNumbers, type SyscallCounts } from '../lib/proc-stats';
import { createLoadPool, runLoad } from '../lib/run-load';
import type { NoiseLedger } from '../lib/noise';
import type { BenchChild } from '../lib/spawn-child';
import type { Rig } from '../lib/start-rig';
import { median, round } from '../lib/summarize';
import { PROXY_MODEL } from '../lib/tts-wire';
import { SIM_POLICY_NAME } from '../lib/sim-names';

export interface PassthroughOptions {
  rounds: number;
  /** Slices per round: each arm's requests of a round are split over this many passes. */
  slices: number;
  /** Requests per target before anything is measured (V8 optimises the hot paths only after thousands). */
  initialWarmup: number;
  /** Unmeasured rounds of each key (route, mode, concurrency) before its measured ones. */
  keyWarmupRounds: number;
  /**
   * Per concurrency: warm-up requests before each slice, and the fewest measured requests per arm
   * and round (more when `minArmSeconds` asks for them).
   */
  plan: { concurrency: number; warmup: number; count: number }[];
  /**
   * Each arm's part of a measured round lasts at least this long, at the throughput the key's
   * warm-up rounds had (its slowest arm): a round of a quarter second moves with one GC pause or
   * scheduler hiccup, and how many requests make a second depends on the machine. 0: `count` only.
   */
  minArmSeconds: number;
  /**
   * Only these keys (`sse_c16`, `completions_json_c1`, ...), for working on a few of them
   * (`BENCH_PASSTHROUGH_KEYS`); null: all. The initial warm-up still covers every route and mode.
   */
  keys?: ReadonlySet<string> | null;
  /** The rig's pinning: each arm also reports how busy the two CPU sets were. */
  pin: PinPlan;
}

/** A slice with the collections it paid for: the process under test's and the load generator's. */
type GcSlice = SliceCost & { underTestGc: GcTotals; loadgenGc: GcTotals };

const ARMS = ['direct', 'bare_hop', 'proxy'] as const;
type Arm = (typeof ARMS)[number];
/**
 * `sse_long`: a whole answer streamed (max_tokens 512: the simulator's answer ends by itself, in
 * over a hundred events), where `sse` streams 16 tokens: what the relay costs per event, which a
 * 16-event stream weighs little beside its per-request cost. Chat route only.
 */
const MODES = ['json', 'sse', 'sse_long'] as const;
type Mode = (typeof MODES)[number];
const LONG_MAX_TOKENS = 512;
const ROUTES = [
  { prefix: '', path: '/v1/chat/completions', modes: MODES },
  { prefix: 'completions_', path: '/v1/completions', modes: ['json', 'sse'] as const },
] as const;
type Route = (typeof ROUTES)[number];

/** A key of the section's output and of `BENCH_PASSTHROUGH_KEYS`: `sse_c16`, `completions_json_c1`. */
function keyOf(route: Route, mode: Mode, concurrency: number): string {
  return `${route.prefix}${mode}_c${concurrency}`;
}

/**
 * Requests per slice for the measured rounds: enough that the slowest arm's part of a round lasts
 * `minArmSeconds` at its median throughput over the warm-up rounds, never fewer than planned.
 */
function sliceForSeconds(
  warm: Record<Arm, GcSlice[][]>,
  planned: number,
  options: Pick<PassthroughOptions, 'minArmSeconds' | 'slices'>,
  cpuCounts: { underTest: number; rest: number },
): number {
  if (options.minArmSeconds <= 0 || ARMS.some((arm) => warm[arm].length === 0)) return planned;
  const slowest = Math.min(
    ...ARMS.map((arm) =>
      median(warm[arm].map((slices) => addUpSlices(slices, cpuCounts).throughput)),
    ),
  );
  if (!Number.isFinite(slowest) || slowest <= 0) return planned;
  return Math.max(planned, Math.ceil((options.minArmSeconds * slowest) / options.slices));
}

/**
 * Which side set an arm's pace on a pinned rig: the one that used more of its own CPUs (its
 * processes' CPU time, medians over rounds); null unpinned or for direct calls.
 */
function pace(rounds: readonly ArmRound[]): 'process under test' | 'load side' | null {
  const underTest = medianOrNull(rounds.map((r) => r.underTestOwnShare));
  if (underTest === null) return null;
  return median(rounds.map((r) => r.loadSideOwnShare)) > underTest
    ? 'load side'
    : 'process under test';
}

/**
 * A hop whose load side came within this share of its own busy share is treated as paced by it:
 * near the edge the load side already squeezes the hop's throughput, and a hard edge would judge
 * exactly the runs where it just missed (the flattering ones).
 */
export const LOAD_SIDE_PACE_MARGIN = 0.9;

/** Whether the load side was busy enough, next to the hop, to have set or squeezed its pace. */
function loadSideNearlyPaced(rounds: readonly ArmRound[]): boolean {
  const underTest = medianOrNull(rounds.map((r) => r.underTestOwnShare));
  if (underTest === null) return false;
  return median(rounds.map((r) => r.loadSideOwnShare)) >= LOAD_SIDE_PACE_MARGIN * underTest;
}

/**
 * Read and write system calls per request of the process under test, the load generator and the
 * upstream (medians over rounds; null where /proc/<pid>/io is not readable). On a streamed answer
 * they say in how many pieces each process took it and passed it on: a relay that reads the
 * upstream's writes in more, smaller pieces writes more pieces, and the load generator then reads
 * more, which is load-side CPU (docs/performance.md, the passthrough section).
 */
function syscallMedians(rounds: readonly ArmRound[]): Record<string, unknown> {
  const side = (pick: (r: ArmRound) => SyscallCounts | null): SyscallCounts | null => {
    const reads = medianOrNull(
      rounds.map((r) => pick(r)?.reads ?? null),
      2,
    );
    const writes = medianOrNull(
      rounds.map((r) => pick(r)?.writes ?? null),
      2,
    );
    return reads === null || writes === null ? null : { reads, writes };
  };
  return {
    under_test: side((r) => r.syscallsPerRequest.underTest),
    load_generator: side((r) => r.syscallsPerRequest.loadGenerator),
    upstream: side((r) => r.syscallsPerRequest.upstream),
  };
}

/**
 * Wake-ups per request (medians over rounds; null where not readable): how often each process's
 * event loop slept, and the cross-CPU interrupts each pinned CPU set took. They tell whether a
 * relay that reads in more pieces also costs the load side more to wake it.
 */
function wakeupMedians(rounds: readonly ArmRound[]): Record<string, number | null> {
  const of = (pick: (w: SliceWakeups) => number | null): number | null =>
    medianOrNull(
      rounds.map((r) => pick(r.wakeupsPerRequest)),
      2,
    );
  return {
    under_test_sleeps: of((w) => w.underTestSleeps),
    load_generator_sleeps: of((w) => w.loadGeneratorSleeps),
    upstream_sleeps: of((w) => w.upstreamSleeps),
    under_test_cpu_interrupts: of((w) => w.underTestCpuInterrupts),
    load_side_cpu_interrupts: of((w) => w.restCpuInterrupts),
  };
}

/**
 * One arm's rounds, for reading a wide round-to-round spread: which process's cost moved, and
 * whether a collection (in it or in the load generator) came with it.
 */
function byRound(
  rounds: readonly ArmRound[],
  slices: readonly GcSlice[][],
): Record<string, unknown> {
  const gc = slices.map((round) => ({
    underTest: gcSum(round.map((slice) => slice.underTestGc)),
    loadgen: gcSum(round.map((slice) => slice.loadgenGc)),
  }));
  return {
    throughput_rps: rounds.map((r) => round(r.throughput, 1)),
    under_test_cpu_ms_per_request: rounds.map((r) =>
      r.underTestCpuMsPerRequest === null ? null : round(r.underTestCpuMsPerRequest),
    ),
    load_side_cpu_ms_per_request: rounds.map((r) => round(r.loadSideCpuMsPerRequest)),
    under_test_gc_ms: gc.map((g) => round(g.underTest.totalMs, 1)),
    under_test_major_gcs: gc.map((g) => g.underTest.majorCount),
    loadgen_gc_ms: gc.map((g) => round(g.loadgen.totalMs, 1)),
  };
}

export async function runPassthrough(
  rig: Rig,
  noise: NoiseLedger,
  options: PassthroughOptions,
): Promise<Record<string, unknown>> {
  const hop = rig.hop;
  if (!hop) throw new Error('passthrough needs the bare hop');
  const allKeys = ROUTES.flatMap((r) =>
    r.modes.flatMap((m) => options.plan.map((step) => keyOf(r, m, step.concurrency))),
  );
  const unknownKeys = [...(options.keys ?? [])].filter((key) => !allKeys.includes(key));
  // A misspelt key would run nothing and read as "not measured".
  if (unknownKeys.length > 0)
    throw new Error(
      `unknown passthrough key(s) ${unknownKeys.join(', ')}; the keys are ${allKeys.join(', ')}`,
    );
  const upstreamPid = rig.replayUpstream?.pid ?? rig.policySim.pid;
  await rig.replayUpstream?.call('replay');
  const targets: Record<
    Arm,
    { url: string; model: string; pid: number | null; child: BenchChild | null }
  > = {
    direct: { url: rig.upstreamUrl, model: SIM_POLICY_NAME, pid: null, child: null },
    bare_hop: { url: hop.urls.url as string, model: SIM_POLICY_NAME, pid: hop.pid, child: hop },
    proxy: { url: rig.proxyUrl, model: PROXY_MODEL, pid: rig.proxy.pid, child: rig.proxy },
  };
  const loadgenGc = startGcLedger();
  const gcStats = async (child: BenchChild | null): Promise<GcTotals> =>
    child === null ? NO_GC : child.call<GcTotals>('gcStats');
  const bodyFor = (route: Route, arm: Arm, mode: Mode, index: number): unknown => {
    const question = `What is ${17 + (index % 50)} * 23 - 5?`;
    return {
      model: targets[arm].model,
      ...(route.path === '/v1/completions'
        ? { prompt: question }
        : { messages: [{ role: 'user', content: question }] }),
      max_tokens: mode === 'sse_long' ? LONG_MAX_TOKENS : 16,
      ...(mode === 'json' ? {} : { stream: true }),
    };
  };
  // A 200 is counted only when its body is whole: a stream that ends in [DONE] (and carries no
  // error event), a JSON answer with its choices. A cut or error-wrapped answer is not throughput.
  const isComplete = (mode: Mode) =>
    mode !== 'json'
      ? (text: string): boolean => text.endsWith('data: [DONE]\n\n') && !text.includes('"error"')
      : (text: string): boolean => text.endsWith('}') && text.includes('"choices"');
  const underTestCpus = options.pin.underTest === null ? null : cpuNumbers(options.pin.underTest);
  const restCpus = options.pin.rest === null ? null : cpuNumbers(options.pin.rest);
  const cpuCounts = { underTest: underTestCpus?.length ?? 1, rest: restCpus?.length ?? 1 };
  const done = noise.section('passthrough', [
    rig.proxy.pid,
    hop.pid,
    rig.policySim.pid,
    upstreamPid,
  ]);
  for (const arm of ARMS) {
    const pool = createLoadPool(targets[arm].url, 32);
    for (const route of ROUTES)
      for (const mode of route.modes)
        await runLoad({
          pool,
          path: route.path,
          count: options.initialWarmup,
          concurrency: 32,
          body: (i) => bodyFor(route, arm, mode, i),
          isComplete: isComplete(mode),
        });
    await pool.close();
  }
  const out: Record<string, unknown> = {};
  for (const [route, mode] of ROUTES.flatMap((r) => r.modes.map((m): [Route, Mode] => [r, m]))) {
    for (const step of options.plan) {
      const key = keyOf(route, mode, step.concurrency);
      if (options.keys && !options.keys.has(key)) continue;
      const pools = Object.fromEntries(
        ARMS.map((arm) => [arm, createLoadPool(targets[arm].url, step.concurrency)]),
      ) as Record<Arm, ReturnType<typeof createLoadPool>>;
      let perSlice = Math.ceil(step.count / options.slices);
      try {
        const slice = async (arm: Arm): Promise<GcSlice> => {
          const load = {
            pool: pools[arm],
            path: route.path,
            concurrency: step.concurrency,
            isComplete: isComplete(mode),
          };
          const body = (i: number): unknown => bodyFor(route, arm, mode, i);
          await runLoad({ ...load, count: step.warmup, body });
          const probe: SliceProbe = {
            underTestPid: targets[arm].pid,
            simulatorPid: upstreamPid,
            underTestCpus,
            restCpus,
          };
          const underTestGc = await gcStats(targets[arm].child);
          const loadgen = loadgenGc.read();
          const cost = await measureSlice(probe, { ...load, count: perSlice, body });
          return {
            ...cost,
            underTestGc: gcBetween(underTestGc, await gcStats(targets[arm].child)),
            loadgenGc: gcBetween(loadgen, loadgenGc.read()),
          };
        };
        // Whole rounds first, not measured, at this key's route, mode and concurrency: after the
        // initial warm-up (concurrency 32) V8 still compiled and deoptimised the proxy's code in
        // each key's first rounds, the concurrency-1 keys most.
        const warm = await runSlicedRounds(ARMS, options.keyWarmupRounds, options.slices, slice);
        perSlice = sliceForSeconds(warm, perSlice, options, cpuCounts);
        // Marks the key's measured rounds in the proxy's V8 code log when it keeps one
        // (BENCH_PROXY_FLAGS; test/bench/v8-phase-log.ts reads such marks).
        await rig.proxy.call('windowStart');
        const sliced = await runSlicedRounds(ARMS, options.rounds, options.slices, slice);
        await rig.proxy.call('windowStop');
        const runs = Object.fromEntries(
          ARMS.map((arm) => [arm, sliced[arm].map((slices) => addUpSlices(slices, cpuCounts))]),
        ) as Record<Arm, ArmRound[]>;
        const ratio = pairedRatios(
          runs.proxy.map((r) => r.throughput),
          runs.bare_hop.map((r) => r.throughput),
        );
        noise.spread(`passthrough ${key}`, ratio.by_round);
        // Throughput counts whole answers only: an arm that lost some is not comparable.
        for (const arm of ARMS) {
          const failed = runs[arm].reduce((sum, r) => sum + r.errors, 0);
          if (failed > 0)
            noise.flag(
              `passthrough ${key}: ${failed} ${arm} requests failed or came back incomplete`,
            );
        }
        if (underTestCpus !== null && step.concurrency > 1 && loadSideNearlyPaced(runs.bare_hop))
          noise.unjudged(
            `passthrough ${key}`,
            `the bare hop's load side used at least ${LOAD_SIDE_PACE_MARGIN} of the share of its CPUs the hop used of its own, so it set or squeezed the hop's pace and the throughput ratio would flatter the proxy`,
          );
        const arm = (name: Arm): Record<string, unknown> => ({
          throughput_rps_median: round(median(runs[name].map((r) => r.throughput)), 1),
          p50_ms_median: round(median(runs[name].map((r) => r.p50))),
          p99_ms_median: round(median(runs[name].map((r) => r.p99))),
          hop_cpu_ms_per_request_median:
            name === 'direct'
              ? null
              : medianOrNull(runs[name].map((r) => r.underTestCpuMsPerRequest)),
          load_side_cpu_ms_per_request_median: round(
            median(runs[name].map((r) => r.loadSideCpuMsPerRequest)),
          ),
          syscalls_per_request_median: syscallMedians(runs[name]),
          wakeups_per_request_median: wakeupMedians(runs[name]),
          errors: runs[name].reduce((sum, r) => sum + r.errors, 0),
          by_round: byRound(runs[name], sliced[name]),
          ...(underTestCpus === null
            ? {}
            : {
                cpu_busy_share_median: {
                  under_test: medianOrNull(runs[name].map((r) => r.underTestBusyShare)),
                  load_side: medianOrNull(runs[name].map((r) => r.restBusyShare)),
                },
                own_cpu_share_median: {
                  under_test: medianOrNull(runs[name].map((r) => r.underTestOwnShare)),
                  load_side: round(median(runs[name].map((r) => r.loadSideOwnShare))),
                },
                pace: name === 'direct' ? null : pace(runs[name]),
              }),
        });
        out[key] = {
          route: route.path,
          mode,
          concurrency: step.concurrency,
          requests_per_round: perSlice * options.slices,
          // The rounds' length rule: requests_per_round is `count` or more, so that the slowest
          // arm's part of a round lasted this long at its warm-up throughput.
          min_arm_seconds: options.minArmSeconds,
          rounds: options.rounds,
          warmup_rounds: options.keyWarmupRounds,
          slices_per_round: options.slices,
          arm_order: ARM_ORDER,
          direct: arm('direct'),
          bare_hop: arm('bare_hop'),
          proxy: arm('proxy'),
          throughput_ratio_proxy_vs_bare_hop: ratio,
          cpu_per_request_ratio_proxy_vs_bare_hop: pairedRatios(
            runs.proxy.map((r) => r.underTestCpuMsPerRequest ?? NaN),
            runs.bare_hop.map((r) => r.underTestCpuMsPerRequest ?? NaN),
          ),
          proxy_added_p50_vs_bare_hop_ms: round(
            median(runs.proxy.map((r, i) => r.p50 - (runs.bare_hop[i]?.p50 ?? NaN))),
          ),
        };
      } finally {
        await Promise.all(Object.values(pools).map((pool) => pool.close()));
      }
    }
  }
  done();
  return out;
}
