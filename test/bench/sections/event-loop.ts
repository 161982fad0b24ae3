/**
 * Does a heavy vote stall other clients? A loop of light requests (concurrency 1) runs alone,
 * then beside Best-of-N-64 requests whose samples all disagree, in symbolic form (policy
 * simulator with `answerForms: 'all-distinct'`); the verdict quantity is the loop's p99 beside the load over
 * its p99 alone. Idle and loaded phases alternate (paired, rotated) so drift hits both alike.
 *
 * Two loops: `GET /v1/models`, answered by the proxy itself, isolates the proxy's event loop; plain
 * chat (passthrough) is what a client sees, but it also waits on the policy simulator, which
 * writes a request's samples in slices of at most 1 ms (docs/simulated-world.md#latency-and-serving):
 * a plain request waits at most a slice per heavy request in flight, besides contention for the cores.
 * So the same plain chat loop is also sent straight to the simulator in the same phases
 * (`plain_chat_straight_to_simulator`): what the upstream's answers alone do beside the load.
 *
 * The light loops run in a process of their own (children/probe-child.ts), pinned with the load
 * side: a client on its own machine. They used to run in this process, which also sends the
 * heavy load and reads its 64-sample answers on the simulators' CPU; beside the heavy load its
 * own event-loop delay p99 was about the light loop's whole p99 through the proxy, so the
 * verdict partly timed the client. A raised nice value was not enough to keep the client's
 * wake-ups prompt: under EEVDF (Linux ≥ 6.6) a running task keeps the CPU for the rest of its
 * slice whatever the waking one's nice value, and a scheduler trace (`perf sched timehist`) of
 * the pinned rig showed the light client waiting over 0.3 ms for its CPU, behind the
 * simulators and this process, often enough in a loaded phase to set its p99 (almost never in
 * an idle one). So on a pinned rig the load side (both simulators and this process)
 * runs in `SCHED_IDLE` for the section, which gives way at once to the light client's wake-ups
 * (the GPU servers and the heavy client are other machines in production); the proxy's own CPU
 * is untouched. `probe_run_queue_wait_share_by_round` shows what waiting for its CPU is left.
 *
 * A slow loop has two possible causes, and the verdict alone cannot tell them apart, so each
 * measured loop also reports (test/bench/lib/loop-stalls.ts): the proxy's own event-loop delay,
 * its late ticks split into "its thread was running" (its own synchronous work: a real stall to
 * fix) and "its thread was waiting for a CPU" (contention: the proxy, its grouping worker, both
 * simulators and the load generator share the machine's cores), how busy the machine's cores
 * were, the light client's own event-loop delay (it times the loop, so its stalls would count)
 * and this process's (the heavy load's generator).
 * Beside them, the CPU the proxy's other threads used in the window (V8's compiler and GC helpers,
 * the grouping worker): on a pinned rig they run on the event loop's CPU.
 * On a pinned rig a control server (children/control-child.ts, a bare `node:http` server with the
 * same answer) runs on the proxy's CPU and is timed in the same phases: what sharing that CPU with
 * the heavy requests costs a server with no heavy work of its own
 * (docs/performance.md#the-control-server).
 *
 * Idle phases are only a fair denominator when nothing from a loaded phase spills into them: the
 * section first runs unmeasured warm-up rounds (V8 compiles the heavy path's functions for
 * several rounds, on helper threads that share the proxy's CPU), and before every phase waits for
 * the proxy to go quiet (`settle`). It does not force a GC between phases: a forced full
 * collection makes V8 drop optimised code, and the next phase pays for compiling it again.
 * The verdict stays the median of per-round ratios; `pooled` gives the p99 of all rounds' samples
 * of each arm as a cross-check (lib/paired-rounds.ts says why a per-round p99 of a few hundred requests is fragile).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pairedRatios, pooledPercentileRatio, runPairedRounds } from '../lib/paired-rounds';
import os from 'node:os';
import type { LoopStallReport } from '../lib/loop-stalls';
import { startLoopStallMonitor, threadNameAndNice } from '../lib/loop-stalls';
import { cpuMs, machineBusyMs } from '../lib/proc-stats';
import { createLoadPool, runLoad } from '../lib/run-load';
import { setSchedulingPolicy, spawnChild, type BenchChild } from '../lib/spawn-child';
import type { ProbeRun } from '../children/probe-child';
import type { NoiseLedger } from '../lib/noise';
import type { Rig } from '../lib/start-rig';
import { mean, median, percentile, round } from '../lib/summarize';
import { SIM_POLICY_NAME } from '../lib/sim-names';
import { PROXY_MODEL, ttsBody } from '../lib/tts-wire';

export interface EventLoopOptions {
  rounds: number;
  /** Plain requests per phase. */
  plainRequests: number;
  heavyConcurrency: number;
  /** Unmeasured rounds first, so that V8 has compiled both phases' paths. */
  warmupRounds: number;
  /** Questions for the heavy requests, each used once (enough for the warm-up and every round). */
  questions: readonly string[];
  /** CPUs of the light client's process (the load side's; null unpinned). */
  probeCpus: string | null;
  /** CPUs of the proxy: the control server runs there (null unpinned: no control). */
  proxyCpus: string | null;
}

/**
 * The light client's nice value: raised above the load side's (simulators, heavy load), as a
 * client on its own machine would be; needs CAP_SYS_NICE, else it stays at 0 (reported).
 */
const PROBE_NICE = -10;

/** One measured loop: its p99 and what the machine and the proxy's event loop did meanwhile. */
interface LoopRun {
  latencies: number[];
  p99: number;
  /** CLOCK_MONOTONIC seconds at the loop's start and end (perf's `-k CLOCK_MONOTONIC` clock). */
  window: { from: number; to: number };
  proxyLoop: LoopStallReport;
  /** The light client's own event loop (children/probe-child.ts). */
  probeLoop: LoopStallReport;
  /** This process's event loop: it sends the heavy load and reads its answers. */
  loadgenLoop: LoopStallReport;
  /** Light requests that failed (not timed). */
  errors: number;
  /** Busy share of all the machine's cores over the loop (1 = no idle core). */
  machineBusyShare: number;
}

/**
 * Runs one light loop in the probe child while watching the proxy's event loop, the probe's,
 * this process's and the machine's cores.
 */
async function watched(rig: Rig, probe: BenchChild, loop: 'models' | 'chat'): Promise<LoopRun> {
  await rig.proxy.call('stallsStart');
  const from = monotonicSeconds();
  const loadgen = startLoopStallMonitor();
  const busyBefore = machineBusyMs();
  const started = performance.now();
  const { latencies, errors, loop: probeLoop } = await probe.call<ProbeRun>(loop);
  const wallMs = performance.now() - started;
  const machineBusyShare = (machineBusyMs() - busyBefore) / wallMs / os.cpus().length;
  const loadgenLoop = loadgen.stop();
  const proxyLoop = await rig.proxy.call<LoopStallReport>('stallsStop');
  const window = { from: round(from, 6), to: round(monotonicSeconds(), 6) };
  return {
    latencies,
    p99: percentile(sortedCopy(latencies), 99),
    window,
    proxyLoop,
    probeLoop,
    loadgenLoop,
    errors,
    machineBusyShare,
  };
}

/** The per-round diagnostics of one loop in one arm. */
function diagnostics(
  runs: readonly LoopRun[],
): Record<string, number[] | (number | null)[] | number[][]> {
  return {
    window_monotonic_s_by_round: runs.map((run) => [run.window.from, run.window.to]),
    machine_cpu_busy_share_by_round: runs.map((run) => round(run.machineBusyShare)),
    proxy_loop_delay_p99_ms_by_round: runs.map((run) => run.proxyLoop.delayP99Ms),
    proxy_loop_delay_max_ms_by_round: runs.map((run) => run.proxyLoop.delayMaxMs),
    proxy_late_ticks_by_round: runs.map((run) => run.proxyLoop.lateTicks),
    proxy_late_ticks_mostly_running_by_round: runs.map((run) => run.proxyLoop.blockedTicks),
    proxy_late_ticks_mostly_waiting_for_cpu_by_round: runs.map(
      (run) => run.proxyLoop.contendedTicks,
    ),
    proxy_late_on_cpu_ms_by_round: runs.map((run) => run.proxyLoop.lateOnCpuMs),
    proxy_late_waiting_for_cpu_ms_by_round: runs.map((run) => run.proxyLoop.lateWaitMs),
    proxy_longest_on_cpu_in_one_late_tick_ms_by_round: runs.map(
      (run) => run.proxyLoop.longestOnCpuMs,
    ),
    proxy_run_queue_wait_share_by_round: runs.map((run) =>
      run.proxyLoop.runQueueWaitMs === null
        ? null
        : round(run.proxyLoop.runQueueWaitMs / run.proxyLoop.wallMs),
    ),
    proxy_other_threads_on_cpu_ms_by_round: runs.map((run) => run.proxyLoop.otherThreadsOnCpuMs),
    proxy_busiest_other_thread_on_cpu_ms_by_round: runs.map(
      (run) => run.proxyLoop.busiestOtherThreadOnCpuMs,
    ),
    proxy_gc_pauses_by_round: runs.map((run) => run.proxyLoop.gcPauses),
    proxy_gc_total_ms_by_round: runs.map((run) => run.proxyLoop.gcTotalMs),
    proxy_gc_longest_ms_by_round: runs.map((run) => run.proxyLoop.gcLongestMs),
    // Which collections the pauses were: scavenges (minor) or a mark-compact's final pause.
    proxy_gc_minor_pauses_by_round: runs.map((run) => run.proxyLoop.gcByKind.minor?.pauses ?? 0),
    proxy_gc_minor_longest_ms_by_round: runs.map(
      (run) => run.proxyLoop.gcByKind.minor?.longestMs ?? 0,
    ),
    proxy_gc_major_pauses_by_round: runs.map((run) => run.proxyLoop.gcByKind.major?.pauses ?? 0),
    proxy_gc_major_longest_ms_by_round: runs.map(
      (run) => run.proxyLoop.gcByKind.major?.longestMs ?? 0,
    ),
    // Threads running below the event loop's priority (the grouping workers lower their own).
    proxy_lowered_priority_threads_on_cpu_ms_by_round: runs.map((run) =>
      loweredPriorityMs(run.proxyLoop.otherThreadsOnCpuMsByThread),
    ),
    errors_by_round: runs.map((run) => run.errors),
    probe_loop_delay_p99_ms_by_round: runs.map((run) => run.probeLoop.delayP99Ms),
    probe_run_queue_wait_share_by_round: runs.map((run) =>
      run.probeLoop.runQueueWaitMs === null
        ? null
        : round(run.probeLoop.runQueueWaitMs / run.probeLoop.wallMs),
    ),
    probe_gc_total_ms_by_round: runs.map((run) => run.probeLoop.gcTotalMs),
    loadgen_loop_delay_p99_ms_by_round: runs.map((run) => run.loadgenLoop.delayP99Ms),
    loadgen_gc_total_ms_by_round: runs.map((run) => run.loadgenLoop.gcTotalMs),
  };
}

/** CPU of the threads whose label shows a nice value above 0 (null without schedstat). */
function loweredPriorityMs(byThread: Record<string, number> | null): number | null {
  if (byThread === null) return null;
  let sum = 0;
  for (const [label, ms] of Object.entries(byThread))
    if (Number(/ nice (-?\d+)$/.exec(label)?.[1] ?? 0) > 0) sum += ms;
  return round(sum);
}

/**
 * What the numbers say about the loaded p99, in words computed from them: blocking when the
 * proxy's thread was on a CPU for a late tick's whole interval, contention when it waited for one.
 */
function diagnose(loaded: readonly LoopRun[]): string {
  const loops = loaded.map((run) => run.proxyLoop);
  if (loops.some((loop) => loop.lateOnCpuMs === null || loop.runQueueWaitMs === null))
    return 'no scheduler statistics (/proc/thread-self/schedstat): cause not measured';
  const onCpu = loops.reduce((sum, loop) => sum + (loop.lateOnCpuMs ?? 0), 0);
  const waiting = loops.reduce((sum, loop) => sum + (loop.lateWaitMs ?? 0), 0);
  const longest = median(loops.map((loop) => loop.longestOnCpuMs ?? 0));
  const busy = median(loaded.map((run) => run.machineBusyShare));
  const wait = median(loops.map((loop) => (loop.runQueueWaitMs ?? 0) / loop.wallMs));
  const cause =
    onCpu > waiting
      ? 'mostly the proxy blocking its own event loop'
      : 'mostly contention for CPU, not blocking';
  return (
    `${cause}: beside the heavy requests the machine's cores were ${Math.round(busy * 100)}% busy ` +
    `and the proxy's event-loop thread waited for a CPU ${Math.round(wait * 100)}% of the time ` +
    `(medians over rounds); while its timer ticks were late the thread ran ${Math.round(onCpu)} ms ` +
    `and waited for a CPU ${Math.round(waiting)} ms; the most it ran inside one late tick was ` +
    `${round(longest)} ms (median over rounds)`
  );
}

/**
 * Before every phase, idle and loaded alike: wait until the proxy is quiet (its CPU over a 200 ms
 * window at most one 10 ms tick, or 3 s at most), so that no phase pays for what the one before
 * it left behind (optimising compiles on V8's helper threads, which share the proxy's CPU on a
 * pinned rig; old-generation marking). Returns the time waited.
 */
async function settle(rig: Rig): Promise<number> {
  const started = performance.now();
  let last = cpuMs(rig.proxy.pid);
  while (performance.now() - started < 3000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = cpuMs(rig.proxy.pid);
    if (now - last <= 10) break;
    last = now;
  }
  return performance.now() - started;
}

export async function runEventLoop(
  rig: Rig,
  noise: NoiseLedger,
  options: EventLoopOptions,
): Promise<Record<string, unknown>> {
  const control = options.proxyCpus === null ? null : await startControl(rig, options.proxyCpus);
  let probe: BenchChild;
  try {
    probe = await spawnChild({
      name: 'probe',
      script: 'probe-child.js',
      env: {
        BENCH_PROBE_URL: rig.proxyUrl,
        BENCH_PROBE_MODEL: PROXY_MODEL,
        BENCH_PROBE_COUNT: String(options.plainRequests),
        // The proxy's upstream itself, for the plain chat's direct loop.
        BENCH_PROBE_DIRECT_URL: rig.policyUrl,
        BENCH_PROBE_DIRECT_MODEL: SIM_POLICY_NAME,
        ...(control === null ? {} : { BENCH_PROBE_CONTROL_URL: urlOf(control) }),
      },
      ...(options.probeCpus === null ? {} : { cpus: options.probeCpus }),
    });
  } catch (error) {
    await control?.stop();
    throw error;
  }
  const probeNice = raisePriority(probe.pid);
  // This process runs later sections too, and leaving SCHED_IDLE needs CAP_SYS_NICE (or a high
  // RLIMIT_NICE): it gives way only where it can come back, which the probe's raised nice shows.
  const canRestoreSelf = probeNice === PROBE_NICE;
  let isSelfIdle = false;
  const heavyPool = createLoadPool(rig.proxyUrl, options.heavyConcurrency);
  const heavyQuestions = [...options.questions];
  const distinctAnswers: number[] = [];
  const heavyLatencies: number[] = [];
  let isMeasured = false;
  /** Starts the heavy load (BoN-64, fresh questions); the returned function stops it. */
  const startHeavy = (): (() => Promise<void>) => {
    let isRunning = true;
    const loop = (async () => {
      while (isRunning) {
        await runLoad({
          pool: heavyPool,
          path: '/v1/chat/completions',
          count: options.heavyConcurrency,
          concurrency: options.heavyConcurrency,
          body: () => {
            const question = heavyQuestions.shift();
            if (question === undefined) throw new Error('event_loop: out of heavy questions');
            return ttsBody(question, { n: 64, strategy: 'best_of_n' }, { seed: 1 });
          },
          onResponse: (_i, _s, json, latency) => {
            if (!isMeasured) return;
            heavyLatencies.push(latency);
            const table = (json as { tts?: { vote_table?: unknown[] } }).tts?.vote_table;
            if (Array.isArray(table)) distinctAnswers.push(table.length);
          },
        });
      }
    })();
    return async () => {
      isRunning = false;
      await loop;
    };
  };
  // The light client and the control server are the bench's own: their CPU is not foreign.
  const done = noise.section('event_loop', [
    rig.proxy.pid,
    rig.policySim.pid,
    rig.prmSim.pid,
    probe.pid,
    ...(control === null ? [] : [control.pid]),
  ]);
  try {
    // Pinned only: unpinned, the load side would also give way to the proxy, and change its
    // picture. The simulators stop with their rig.
    const areSimulatorsIdle =
      options.probeCpus !== null &&
      [rig.policySim.pid, rig.prmSim.pid]
        .map((pid) => setSchedulingPolicy(pid, 'idle'))
        .every((isDone) => isDone);
    isSelfIdle =
      options.probeCpus !== null && canRestoreSelf && setSchedulingPolicy(process.pid, 'idle');
    const hasControl = control !== null;
    // The proxy's GET loop and the control's take turns at going first (even rounds the proxy),
    // so neither always meets the heavy load at the same point of a phase.
    const measureLoops = async (roundIndex: number): Promise<PhaseLoops> => {
      const controlLoop = async (): Promise<ProbeRun | null> =>
        hasControl ? probe.call<ProbeRun>('control') : null;
      let models: LoopRun;
      let control: ProbeRun | null;
      if (roundIndex % 2 === 0) {
        models = await watched(rig, probe, 'models');
        control = await controlLoop();
      } else {
        control = await controlLoop();
        models = await watched(rig, probe, 'models');
      }
      // The plain chat through the proxy and straight to the simulator take turns the same way.
      let chat: LoopRun;
      let chatDirect: ProbeRun;
      if (roundIndex % 2 === 0) {
        chat = await watched(rig, probe, 'chat');
        chatDirect = await probe.call<ProbeRun>('chat-direct');
      } else {
        chatDirect = await probe.call<ProbeRun>('chat-direct');
        chat = await watched(rig, probe, 'chat');
      }
      return { models, control, chat, chatDirect };
    };
    const phase = async (arm: 'idle' | 'loaded', roundIndex: number): Promise<PhaseLoops> => {
      if (arm === 'idle') return measureLoops(roundIndex);
      const stopHeavy = startHeavy();
      // Let the heavy requests get going before the measured loops start.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const loops = await measureLoops(roundIndex);
      await stopHeavy();
      return loops;
    };
    const settleMs: Record<'idle' | 'loaded', number[]> = { idle: [], loaded: [] };
    // Warm-up: whole rounds, not measured, until V8 has compiled both phases' paths (the heavy
    // path too: without it the first loaded rounds ran while TurboFan compiled it on the
    // proxy's CPU, tens of functions per phase).
    await runPairedRounds(['idle', 'loaded'] as const, options.warmupRounds, async (arm, r) => {
      await settle(rig);
      return phase(arm, r);
    });
    isMeasured = true;
    const runs = await runPairedRounds(
      ['idle', 'loaded'] as const,
      options.rounds,
      async (arm, r) => {
        settleMs[arm].push(round(await settle(rig)));
        return phase(arm, r);
      },
    );
    const pick = (arm: 'idle' | 'loaded', loop: 'models' | 'chat'): number[] =>
      runs[arm].map((run) => round(run[loop].p99));
    /** The body of each round's latencies beside its tail: a tail alone cannot say whether
     * most requests slowed a little or a few a lot. */
    const spreadOf = (arm: 'idle' | 'loaded', loop: 'models' | 'chat') => {
      const sorted = runs[arm].map((run) => [...run[loop].latencies].sort((a, b) => a - b));
      return {
        p50_ms_by_round: sorted.map((values) => round(percentile(values, 50))),
        p90_ms_by_round: sorted.map((values) => round(percentile(values, 90))),
      };
    };
    const loopReport = (loop: 'models' | 'chat'): Record<string, unknown> => ({
      idle_p99_ms_by_round: pick('idle', loop),
      loaded_p99_ms_by_round: pick('loaded', loop),
      idle_body: spreadOf('idle', loop),
      loaded_body: spreadOf('loaded', loop),
      p99_ratio_loaded_vs_idle: pairedRatios(pick('loaded', loop), pick('idle', loop)),
      pooled: pooledPercentileRatio(
        runs.loaded.map((run) => run[loop].latencies),
        runs.idle.map((run) => run[loop].latencies),
        99,
      ),
      idle: diagnostics(runs.idle.map((run) => run[loop])),
      loaded: diagnostics(runs.loaded.map((run) => run[loop])),
      diagnosis: diagnose(runs.loaded.map((run) => run[loop])),
    });
    return {
      plain_requests_per_phase: options.plainRequests,
      light_client: `its own process (children/probe-child.ts), pinned with the load side, nice ${probeNice}${probeNice === PROBE_NICE ? '' : ' (could not raise it)'}`,
      load_side_policy:
        areSimulatorsIdle && isSelfIdle
          ? 'SCHED_IDLE (both simulators and the bench process, for this section): the light client wakes at once beside them'
          : areSimulatorsIdle
            ? 'SCHED_IDLE for both simulators; the bench process (heavy load) kept its policy (it could not have left SCHED_IDLE without CAP_SYS_NICE): the light client may wait behind it (probe_run_queue_wait_share_by_round)'
            : 'default (unpinned, or chrt unavailable): the light client may wait for its CPU behind the load side (probe_run_queue_wait_share_by_round)',
      settle_before_phase_ms_by_round: settleMs,
      warmup_rounds: options.warmupRounds,
      settle_rule:
        'before every phase (idle and loaded alike) the bench waits until the proxy used at most one 10 ms CPU tick in 200 ms (3 s at most), so no phase pays for the previous one; no forced GC (a forced full GC drops optimised code, and the next phase recompiles it)',
      proxy_only_get_models: loopReport('models'),
      control_server_on_proxy_cpu:
        control === null
          ? null
          : sideLoopReport(
              runs,
              (phase) => {
                if (phase.control === null)
                  throw new Error('event_loop: a phase ran without its control loop');
                return phase.control;
              },
              { idle: pick('idle', 'models'), loaded: pick('loaded', 'models') },
              "a bare node:http server answering the same bytes, pinned on the proxy's CPU, timed by the same light client in the same phases (children/control-child.ts); diagnostic, not a verdict",
              'proxy_p99_over_control_p99',
            ),
      plain_chat_passthrough: loopReport('chat'),
      plain_chat_straight_to_simulator: sideLoopReport(
        runs,
        (phase) => phase.chatDirect,
        { idle: pick('idle', 'chat'), loaded: pick('loaded', 'chat') },
        "the same plain chat loop sent straight to the policy simulator (the proxy's upstream), timed by the same light client in the same phases; diagnostic, not a verdict",
        'proxy_p99_over_direct_p99',
      ),
      heavy: `best_of_n N=64 over hard questions, ${options.heavyConcurrency} concurrent, policy simulator with answerForms all-distinct (a different symbolic answer per sample)`,
      heavy_requests: heavyLatencies.length,
      heavy_latency_ms_mean: round(mean(heavyLatencies)),
      distinct_answers_per_heavy_request_mean: round(mean(distinctAnswers), 1),
      proxy_pid: rig.proxy.pid,
      proxy_threads: threadLabels(rig.proxy.pid),
    };
  } finally {
    done();
    await probe.stop();
    await control?.stop();
    await heavyPool.close();
    // This process goes on to other sections: they must not run its load generator idle.
    if (isSelfIdle && !setSchedulingPolicy(process.pid, 'other'))
      throw new Error('event_loop: could not return the bench process to SCHED_OTHER');
  }
}

/**
 * The proxy's threads at the end of the section, tid → `<name> nice <n>` (Linux; {} elsewhere),
 * so a scheduler trace (sched-waits.ts) can name the thread that held the CPU: Node names all
 * its threads `node`, and the grouping workers are the ones that lowered their priority.
 */
function threadLabels(pid: number): Record<string, string> {
  const labels: Record<string, string> = {};
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const { name, nice } = threadNameAndNice(
        readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'),
      );
      labels[tid] = `${tid === String(pid) ? 'main' : name} nice ${nice ?? '?'}`;
    }
  } catch {
    // Not Linux, or the proxy is gone: no labels.
  }
  return labels;
}

/**
 * The light loops of one phase; `control` is the control server's loop (null: no control),
 * `chatDirect` the plain chat sent straight to the policy simulator.
 */
interface PhaseLoops {
  models: LoopRun;
  control: ProbeRun | null;
  chat: LoopRun;
  chatDirect: ProbeRun;
}

function urlOf(child: BenchChild): string {
  const url = child.urls.url;
  if (url === undefined) throw new Error(`event_loop: the ${child.name} child sent no url`);
  return url;
}

/**
 * Starts the control server on the proxy's CPUs (children/control-child.ts), answering with the
 * bytes the proxy answers `GET /v1/models` with, so both loops move the same bytes.
 */
async function startControl(rig: Rig, cpus: string): Promise<BenchChild> {
  const response = await fetch(`${rig.proxyUrl}/v1/models`);
  if (!response.ok) throw new Error(`event_loop: GET /v1/models answered ${response.status}`);
  return spawnChild({
    name: 'control',
    script: 'control-child.js',
    env: { BENCH_CONTROL_BODY: await response.text() },
    cpus,
  });
}

/**
 * A loop timed beside one of the proxy's, from the same phases, that does not go through the
 * proxy's event loop: the control server on the proxy's CPU (beside the GET loop: what sharing
 * that CPU with the heavy requests costs any server) or the plain chat sent straight to the
 * policy simulator (beside the plain chat: what the heavy load does to the upstream's answers by
 * themselves). Its own loaded / idle ratio, and the proxy's p99 over it in each arm (`overKey`):
 * what the proxy adds. A diagnostic beside the verdict, which stays the proxy's own ratio.
 */
function sideLoopReport(
  runs: Record<'idle' | 'loaded', readonly PhaseLoops[]>,
  side: (phase: PhaseLoops) => ProbeRun,
  proxyP99s: Record<'idle' | 'loaded', readonly number[]>,
  what: string,
  overKey: string,
): Record<string, unknown> {
  const loops = (arm: 'idle' | 'loaded'): ProbeRun[] => runs[arm].map(side);
  const p99s = (arm: 'idle' | 'loaded'): number[] =>
    loops(arm).map((run) => round(percentile(sortedCopy(run.latencies), 99)));
  const byArm = <T>(read: (run: ProbeRun) => T): Record<'idle' | 'loaded', T[]> => ({
    idle: loops('idle').map(read),
    loaded: loops('loaded').map(read),
  });
  return {
    what,
    idle_p99_ms_by_round: p99s('idle'),
    loaded_p99_ms_by_round: p99s('loaded'),
    p99_ratio_loaded_vs_idle: pairedRatios(p99s('loaded'), p99s('idle')),
    pooled: pooledPercentileRatio(
      loops('loaded').map((run) => run.latencies),
      loops('idle').map((run) => run.latencies),
      99,
    ),
    // Failed requests are not timed; the light client's own delays would count in the p99.
    errors_by_round: byArm((run) => run.errors),
    probe_loop_delay_p99_ms_by_round: byArm((run) => run.loop.delayP99Ms),
    [overKey]: {
      idle: pairedRatios(proxyP99s.idle, p99s('idle')),
      loaded: pairedRatios(proxyP99s.loaded, p99s('loaded')),
    },
  };
}

/** Raise the probe's priority (its main thread, which does all its work); the nice it runs at. */
function raisePriority(pid: number): number {
  try {
    os.setPriority(pid, PROBE_NICE);
    return os.getPriority(pid);
  } catch {
    return os.getPriority(pid);
  }
}

function monotonicSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
