/**
 * `node dist-bench/test/bench/profile-proxy.js [scenario] [count] [concurrency]`: the profiling
 * tool behind the bench's fixes. Runs the proxy child against zero-latency simulators with one
 * steady load (scenarios: passthrough, cot, bon<N>, majority<N>, beam16, dvts16), after a warm-up,
 * and prints its CPU per request and where that CPU goes. Plain scenarios: `passthrough` (chat
 * with no TTS field, the chat route's forwarder), `completions` (`/v1/completions`, the /v1
 * passthrough's forwarder); a `-sse` suffix streams them. BENCH_HOP=1 also runs the same load
 * through the bare http-proxy-middleware hop, at the same time, and prints its CPU per request
 * beside the proxy's (BENCH_HOP_KIND=undici or node-http: a minimal relay on that client instead,
 * lib/hop-kinds.ts).
 * Where the CPU goes:
 * - default: the V8 CPU profiler (what `node --cpu-prof` runs), started and stopped over the
 *   measured window only; top functions by self time. Its samples are wall-clock, so on an
 *   oversubscribed machine syscalls (writev) look far bigger than their CPU.
 * - BENCH_HEAP=1: V8's sampling heap profiler over the window, bytes allocated per request by
 *   allocating function (freed ones included: what a request churns for the GC).
 * - BENCH_PERF=1: Linux `perf record` of the proxy (on-CPU samples only) with `--perf-basic-prof`
 *   JIT symbols, each sample charged to its innermost JS frame. Use this one for decisions.
 *   BENCH_PERF=hop: the same of the bare hop, under the same load at the same time.
 * Env: BENCH_WARMUP (requests before measuring; V8 needs thousands), BENCH_NO_PROFILE=1,
 * BENCH_MAX_TOKENS (plain scenarios' max_tokens, 16 by default; 512 streams whole answers),
 * BENCH_REPLAY=1 (plain answers from the passthrough section's replaying upstream),
 * BENCH_IDLE_MS (a quiet stretch before the first request; 0 by default),
 * BENCH_PIN=1 (proxy on CPU 0, the rest on CPU 1), BENCH_DECODE_MS (the simulator's decode ms per
 * token: events a decode step apart, as a real server streams them; 0 by default),
 * BENCH_PROXY_ENV (JSON of TTS_PROXY__ overrides),
 * BENCH_PROXY_FLAGS (node flags for the proxy, after the shipped ones: src/app/node-flags.ts),
 * BENCH_TOP, BENCH_ANSWER_FORMS (`all-distinct`: every sample a different symbolic answer, as the
 * event-loop section's heavy load; `1`: varied forms).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateProblems } from '../../src/sim';
import { cpuMs, cpuSplitMs } from './lib/proc-stats';
import { createLoadPool, runLoad } from './lib/run-load';
import { planPinning, UNPINNED } from './lib/pinning';
import { pinProcess, type BenchChild } from './lib/spawn-child';
import { SIM_POLICY_NAME } from './lib/sim-names';
import { startRig } from './lib/start-rig';
import { summarizePerf } from './lib/summarize-perf';
import type { ThreadCpuReport } from './lib/loop-stalls';
import { summarizeHeap } from './lib/summarize-heap';
import type { GcWindowSummary } from './lib/summarize-gc';
import { summarizeProfile } from './lib/summarize-profile';
import { summarize } from './lib/summarize';
import { PROXY_MODEL, ttsBody } from './lib/tts-wire';

/**
 * The same plain load through the bare hop (to the simulator's own model name), run at the same
 * time as the proxy's measured load so both see the same machine: on shared cores CPU per request
 * drifts by tens of percent between windows, far less between two processes in one window.
 */
function startHop(
  hop: BenchChild,
  route: string,
  count: number,
  concurrency: number,
  plainBody: (i: number, model: string) => unknown,
): { warm(): Promise<void>; measure(): Promise<Record<string, unknown>>; close(): Promise<void> } {
  const pool = createLoadPool(hop.urls.url as string, concurrency);
  const load = { pool, path: route, concurrency };
  return {
    async warm() {
      const warmup = Number(process.env.BENCH_WARMUP ?? Math.max(20, Math.round(count / 10)));
      await runLoad({
        ...load,
        count: warmup,
        body: (i) => plainBody(i + 100_000, SIM_POLICY_NAME),
      });
    },
    async measure() {
      const before = cpuMs(hop.pid);
      const result = await runLoad({ ...load, count, body: (i) => plainBody(i, SIM_POLICY_NAME) });
      return {
        errors: result.errors,
        throughput: result.throughput,
        latency: summarize(result.latenciesMs),
        hopCpuMsPerRequest: (cpuMs(hop.pid) - before) / count,
      };
    },
    close: () => pool.close(),
  };
}

async function main(): Promise<void> {
  const [scenario = 'bon16', countArg = '300', concurrencyArg = '8'] = process.argv.slice(2);
  const count = Number(countArg);
  const concurrency = Number(concurrencyArg);
  const dir = mkdtempSync(path.join(tmpdir(), 'tts-prof-'));
  // BENCH_PERF=1: sample the proxy with Linux perf (on-CPU time only, JIT symbols from
  // --perf-basic-prof) instead of the V8 profiler, whose wall-clock samples over-count syscalls
  // when the two cores are oversubscribed.
  // BENCH_PERF=hop: the same, of the bare hop (BENCH_HOP=1) instead, to set the two side by side.
  const perfTarget =
    process.env.BENCH_PERF === 'hop' ? 'hop' : process.env.BENCH_PERF === '1' ? 'proxy' : null;
  const usePerf = perfTarget !== null;
  // BENCH_HEAP=1: sample allocations (bytes by allocating function) instead of CPU.
  const useHeap = process.env.BENCH_HEAP === '1';
  const noProfile = process.env.BENCH_NO_PROFILE === '1' || usePerf || useHeap;
  const pin = process.env.BENCH_PIN === '1' ? planPinning('1') : UNPINNED;
  if (pin.rest !== null) pinProcess(process.pid, pin.rest);
  const answerForms = process.env.BENCH_ANSWER_FORMS;
  const rig = await startRig({
    pin,
    answerForms: answerForms === 'all-distinct' ? 'all-distinct' : answerForms === '1',
    proxyCwd: dir,
    // BENCH_DECODE_MS: the simulator's decode time per token (0: zero latency). With a few ms, a
    // stream's events arrive a decode step apart, as from a real server, instead of back to back.
    latency: {
      perCallMs: 0,
      prefillMsPerToken: 0,
      decodeMsPerToken: Number(process.env.BENCH_DECODE_MS ?? 0),
    },
    withHop: process.env.BENCH_HOP === '1' || perfTarget === 'hop',
    // BENCH_REPLAY=1: the passthrough section's replaying upstream (children/replay-upstream-child.ts).
    withReplayUpstream: process.env.BENCH_REPLAY === '1',
    ...(perfTarget === 'hop' ? { hopExecArgv: ['--perf-basic-prof'] } : {}),
    proxyExecArgv: [
      ...(perfTarget === 'proxy' ? ['--perf-basic-prof'] : []),
      ...(process.env.BENCH_PROXY_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
    ],
    proxyEnv: {
      BENCH_PROFILE_DIR: dir,
      ...(JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>),
    },
  });
  await rig.replayUpstream?.call('replay');
  // BENCH_IDLE_MS: a quiet stretch before the first request, as a server sees between start-up and
  // its traffic. After one, a long-lived per-request Map once had V8 promote every request
  // (docs/performance.md#what-a-scavenge-keeps); a load that starts at once does not show that.
  const idleMs = Number(process.env.BENCH_IDLE_MS ?? 0);
  if (!Number.isFinite(idleMs) || idleMs < 0)
    throw new Error(
      `BENCH_IDLE_MS must be a number of milliseconds, got '${process.env.BENCH_IDLE_MS}'`,
    );
  if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
  // Distinct questions (no cross-request cache reuse), as many as requests up to 5000.
  const problems = generateProblems({ seed: 7, count: Math.min(5000, count) }).map(
    (p) => p.problem,
  );
  const isStream = scenario.endsWith('-sse');
  const plain = scenario.replace(/-sse$/, '');
  const route = plain === 'completions' ? '/v1/completions' : '/v1/chat/completions';
  const plainBody = (i: number, model: string): unknown => {
    const question = problems[i % problems.length] as string;
    return {
      model,
      ...(plain === 'completions'
        ? { prompt: question }
        : { messages: [{ role: 'user', content: question }] }),
      max_tokens: Number(process.env.BENCH_MAX_TOKENS ?? 16),
      ...(isStream ? { stream: true } : {}),
    };
  };
  const body = (i: number): unknown => {
    const question = problems[i % problems.length] as string;
    if (plain === 'passthrough' || plain === 'completions') return plainBody(i, PROXY_MODEL);
    if (scenario === 'beam16')
      return ttsBody(question, { n: 16, m: 4, strategy: 'beam_search' }, { seed: i });
    if (scenario === 'dvts16')
      return ttsBody(question, { n: 16, m: 4, strategy: 'dvts' }, { seed: i });
    if (scenario === 'cot') return ttsBody(question, { n: 1, strategy: 'cot' }, { seed: i });
    const bon = /^bon(\d+)$/.exec(scenario);
    if (bon) return ttsBody(question, { n: Number(bon[1]), strategy: 'best_of_n' }, { seed: i });
    const majority = /^majority(\d+)$/.exec(scenario);
    if (majority)
      return ttsBody(question, { n: Number(majority[1]), strategy: 'majority' }, { seed: i });
    throw new Error(`unknown scenario ${scenario}`);
  };
  const pool = createLoadPool(rig.proxyUrl, concurrency);
  const hop = rig.hop ? startHop(rig.hop, route, count, concurrency, plainBody) : null;
  let profileFile: string | null = null;
  let heapFile: string | null = null;
  try {
    await runLoad({
      pool,
      path: route,
      count: Number(process.env.BENCH_WARMUP ?? Math.max(20, Math.round(count / 10))),
      concurrency,
      body: (i) => body(i + 100_000),
    });
    if (!noProfile) await rig.proxy.call('profileStart');
    if (useHeap) await rig.proxy.call('heapStart');
    // GC pauses by kind and each thread's CPU over the window (lib/loop-stalls.ts): no ticker in
    // the proxy, whose CPU per request is the measurement.
    await rig.proxy.call('threadsStart');
    await rig.proxy.call('gcStart');
    const perfPid =
      perfTarget === 'hop' ? (rig.hop?.pid ?? null) : perfTarget === 'proxy' ? rig.proxy.pid : null;
    const perf =
      perfPid !== null
        ? spawn(
            'perf',
            [
              'record',
              '-q',
              '-e',
              'cpu-clock',
              '-F',
              '1999',
              '-g',
              '-p',
              String(perfPid),
              '-o',
              path.join(dir, 'perf.data'),
            ],
            { stdio: 'inherit' },
          )
        : null;
    if (perf) await new Promise((resolve) => setTimeout(resolve, 500));
    await hop?.warm();
    const before = cpuSplitMs(rig.proxy.pid);
    const [result, hopResult] = await Promise.all([
      runLoad({ pool, path: route, count, concurrency, body }),
      hop?.measure(),
    ]);
    const after = cpuSplitMs(rig.proxy.pid);
    const stalls = await rig.proxy.call<ThreadCpuReport>('threadsStop');
    const gc = await rig.proxy.call<GcWindowSummary>('gcStop');
    if (!noProfile) profileFile = await rig.proxy.call<string>('profileStop');
    if (useHeap) heapFile = await rig.proxy.call<string>('heapStop');
    if (perf && perfPid !== null) {
      const exited = new Promise((resolve) => perf.once('exit', resolve));
      perf.kill('SIGINT');
      await exited;
      const summary = summarizePerf(
        path.join(dir, 'perf.data'),
        perfPid,
        Number(process.env.BENCH_TOP ?? 30),
      );
      process.stdout.write(
        `perf ${path.join(dir, 'perf.data')}: ${summary.samples} on-CPU samples, ${summary.mainThreadShare}% on the main thread\n`,
      );
      for (const row of summary.byPackage)
        process.stdout.write(`  ${String(row.share).padStart(5)}%  ${row.name}\n`);
      process.stdout.write('top functions (innermost JS frame):\n');
      for (const row of summary.topFunctions)
        process.stdout.write(`  ${String(row.share).padStart(5)}%  ${row.name}\n`);
    }
    const proxyCpu = after.user + after.system - before.user - before.system;
    const proxySystemShare = (after.system - before.system) / proxyCpu;
    process.stdout.write(
      JSON.stringify(
        {
          scenario,
          count,
          concurrency,
          errors: result.errors,
          firstError: result.firstError,
          throughput: result.throughput,
          latency: summarize(result.latenciesMs),
          proxyCpuMsPerRequest: proxyCpu / count,
          proxySystemShare,
          proxyGcByKind: stalls.gcByKind,
          proxyScavenges: gc.scavenges,
          proxyScavengeMsPerRequest: gc.scavengeMs / count,
          proxyPromotedKbPerRequest: gc.promotedBytes / 1024 / count,
          proxyOtherThreadsOnCpuMs: stalls.otherThreadsOnCpuMsByThread,
          ...(hopResult ? { hop: hopResult } : {}),
        },
        null,
        1,
      ) + '\n',
    );
  } finally {
    await pool.close();
    await hop?.close();
    await rig.stop();
  }
  if (heapFile !== null) {
    const heap = summarizeHeap(heapFile, Number(process.env.BENCH_TOP ?? 30));
    process.stdout.write(
      `heap ${heapFile}: ${(heap.totalBytes / count / 1024).toFixed(1)} KB sampled per request\n`,
    );
    for (const row of heap.topFunctions)
      process.stdout.write(
        `  ${String(row.share).padStart(5)}%  ${(row.bytes / count / 1024).toFixed(2).padStart(8)} KB/req  ${row.name}\n`,
      );
  }
  if (profileFile === null) return;
  const summary = summarizeProfile(profileFile, Number(process.env.BENCH_TOP ?? 30));
  process.stdout.write(
    `profile ${profileFile}: busy ${summary.busyMs} ms of ${summary.totalMs} ms\n`,
  );
  for (const row of summary.byPackage)
    process.stdout.write(
      `  ${String(row.share).padStart(5)}%  ${String(row.selfMs).padStart(8)} ms  ${row.name}\n`,
    );
  process.stdout.write('top functions (self):\n');
  for (const row of summary.topFunctions)
    process.stdout.write(
      `  ${String(row.share).padStart(5)}%  ${String(row.selfMs).padStart(8)} ms  ${row.name}\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error) + '\n');
  process.exit(1);
});
