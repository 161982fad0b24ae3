/**
 * `npm run bench`: start simulators, the proxy and a bare http-proxy-middleware hop as separate
 * processes on loopback, run bounded loads from this process (undici Pool), and print ONE JSON
 * document (also written to bench-results/bench-<date>.json) with every ratio measured in this run.
 *
 * BENCH_QUICK=1 shrinks every load (for trying the harness; not for numbers). The full run takes
 * over ten minutes on 2 cores (the JSON's duration_s).
 *
 * Honest by construction: comparisons are paired rounds with the arm order rotated; measured
 * TTS phases use questions no warm-up used (the passthrough, with no cache to warm, cycles fixed
 * plain questions); a noise check (foreign CPU before and during the run, the passthrough's
 * round-to-round spread) marks the run invalid, and then no target gets a verdict; a median of
 * rounds meets its target only when its 90% interval clears the bound (targets.ts).
 * BENCH_SECTIONS=passthrough,vote_cost (comma-separated: vote_cost, passthrough, proxy_cpu, memory,
 * prm_cache, adaptive, event_loop, critical_path) runs only those sections and starts only the
 * rigs they need; unset, everything runs. Targets of sections not run read `met: null`.
 * BENCH_PROXY_ENV='{"TTS_PROXY__...":"..."}' adds config overrides to every proxy child (e.g. to
 * compare a setting: the JSON records them under setup.extra_proxy_env).
 * BENCH_PROXY_FLAGS='--log-code ...' adds node flags to every proxy child (e.g. V8's code log,
 * read by phase with test/bench/v8-phase-log.ts).
 * BENCH_HOP_KIND=undici|node-http puts a minimal relay on that client in the bare hop's place
 * (lib/hop-kinds.ts; setup.hop_kind): the passthrough's ratios are then against it, and its
 * targets are not judged.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/app';
import { generateProblems } from '../../src/sim';
import { CALIBRATION_WORKLOAD, calibrate, speedDrift, speedDriftReason } from './lib/machine-speed';
import { createLoadPool } from './lib/run-load';
import { startRig, type Rig } from './lib/start-rig';
import { round } from './lib/summarize';
import { createNoiseLedger, idleForeignShare } from './lib/noise';
import { hopKindFromEnv } from './lib/hop-kinds';
import { planPinning } from './lib/pinning';
import { pinProcess } from './lib/spawn-child';
import { ADAPTIVE_REPLICATION, runAdaptive } from './sections/adaptive';
import { runCriticalPath } from './sections/critical-path';
import { runEventLoop } from './sections/event-loop';
import { runMemory } from './sections/memory';
import { runPassthrough } from './sections/passthrough';
import { runPrmCache } from './sections/prm-cache';
import { measureProxyCpu, type CpuScenario } from './sections/proxy-cpu';
import { runVoteCost } from './sections/vote-cost';
import { evaluateTargets } from './targets';

const QUICK = process.env.BENCH_QUICK === '1';
const q = (full: number, quick: number): number => (QUICK ? quick : full);
const ZERO = { perCallMs: 0, prefillMsPerToken: 0, decodeMsPerToken: 0 };
const CRITICAL_PATH_MS = 50;
const SECTIONS = process.env.BENCH_SECTIONS
  ? new Set(process.env.BENCH_SECTIONS.split(',').map((name) => name.trim()))
  : null;
const wants = (...names: string[]): boolean =>
  SECTIONS === null || names.some((name) => SECTIONS.has(name));
/** `BENCH_PASSTHROUGH_KEYS=sse_c16,sse_long_c16`: only these passthrough keys (the rest unmeasured). */
const PASSTHROUGH_KEYS = process.env.BENCH_PASSTHROUGH_KEYS
  ? new Set(process.env.BENCH_PASSTHROUGH_KEYS.split(',').map((key) => key.trim()))
  : null;
/**
 * `BENCH_PASSTHROUGH_SLICES=15`: slices per passthrough round, quick runs included (else
 * `fallback`). A positive integer, else the run stops: a typo must not quietly measure with
 * another design.
 */
function passthroughSlices(fallback: number): number {
  const given = process.env.BENCH_PASSTHROUGH_SLICES;
  if (given === undefined || given === '') return fallback;
  const slices = Number(given);
  if (!Number.isInteger(slices) || slices < 1)
    throw new Error(`BENCH_PASSTHROUGH_SLICES must be a positive integer, got '${given}'`);
  return slices;
}
/**
 * Nine: this VM's speed switches every few seconds, and a round at three slices (about a third
 * of a second per arm per pass) often put the hop's slices in one stretch and the proxy's in
 * another; at nine the two arms of a round sample the same stretches, and the median's interval
 * over the rounds narrowed (docs/performance.md#passthrough-slices).
 */
const PASSTHROUGH_SLICES = 9;
const EXTRA_PROXY_ENV = JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>;
const PIN = planPinning();
const HOP_KIND = hopKindFromEnv();
const PROXY_FLAGS = (process.env.BENCH_PROXY_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

/** The bench's own processes (their CPU is not foreign). */
const ours = (rig: Rig): number[] => [
  rig.proxy.pid,
  rig.policySim.pid,
  rig.prmSim.pid,
  ...(rig.hop ? [rig.hop.pid] : []),
];

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function gitDescribe(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return 'unknown';
  }
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    memory_gib: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    git: gitDescribe(),
    loadavg_at_start: os.loadavg().map((value) => round(value, 2)),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  log('noise baseline: 2 s idle');
  const noise = createNoiseLedger(await idleForeignShare(2000));
  // Questions are handed out once: no measured request reuses a warm-up question.
  const pool = generateProblems({ seed: 99, count: 20_000 }).map((p) => p.problem);
  let nextQuestion = 0;
  const take = (count: number): string[] => {
    const out = pool.slice(nextQuestion, nextQuestion + count);
    nextQuestion += count;
    return out;
  };
  const long = (questions: readonly string[]): string[] =>
    questions.map(
      (question, i) =>
        `${question}\n\nBackground for problem ${i}: ${'The ledger lists each change in order, with the date, the amount and who made it. '.repeat(24)}`,
    );
  const report: Record<string, unknown> = {
    bench: 'tts-proxy',
    date: new Date().toISOString(),
    quick: QUICK,
    machine: machine(),
    setup: {
      processes:
        'load generator (this process, undici Pool) -> proxy child (startServer, config/default.yaml + env overrides; its answer-grouping worker thread counts in its CPU) -> policy simulator child + PRM simulator child; bare hop = http-proxy-middleware as the whole listener of a plain node:http server (no Express), keep-alive agent',
      proxy_overrides: 'ab.shadow_rate=0 (no background A/B traffic)',
      cpu_source: '/proc/<pid>/stat utime+stime (10 ms ticks) over the measured window',
      questions:
        'generateProblems({ seed: 99 }) handed out once each: warm-up and measured TTS phases never share a question (the passthrough cycles 50 fixed plain questions: no cache to warm)',
      extra_proxy_env: EXTRA_PROXY_ENV,
      hop_kind: HOP_KIND,
      // What node runs the proxy (and the bare hop) with: the shipped flags, then BENCH_PROXY_FLAGS.
      proxy_node_flags: [...SERVER_NODE_FLAGS, ...PROXY_FLAGS],
      pinning: {
        enabled: PIN.underTest !== null,
        under_test_cpus: PIN.underTest,
        load_and_simulator_cpus: PIN.rest,
        note: PIN.reason,
      },
      sections: SECTIONS === null ? 'all' : [...SECTIONS],
    },
  };

  if (wants('vote_cost')) {
    log('vote cost (in-process)');
    const done = noise.section('vote_cost', []);
    report.vote_cost = await runVoteCost({
      sizes: [4, 16, 64, 256],
      naiveMaxN: q(16, 4),
      repetitions: q(5, 2),
    });
    done();
  }

  // From here on this process is the load generator: it runs beside the simulators, never on the
  // CPU of the process under test (vote_cost above measured this process itself, unpinned).
  if (PIN.rest !== null) pinProcess(process.pid, PIN.rest);
  const speedAtStart = await calibrate();

  if (wants('passthrough')) {
    log('rig P: replayed upstream answers, proxy, bare hop');
    const rigP = await startRig({
      latency: ZERO,
      withHop: true,
      withReplayUpstream: true,
      proxyEnv: EXTRA_PROXY_ENV,
      proxyExecArgv: PROXY_FLAGS,
      pin: PIN,
    });
    try {
      log('passthrough (JSON and SSE, paired rounds)');
      report.passthrough = await runPassthrough(rigP, noise, {
        // Eleven rounds: the noise check reads the median's 90% interval, which at five rounds
        // is their whole range; this VM's round-to-round noise (one round in five off by 10-20%)
        // voided every run at five, while eleven pin the median down (lib/noise.ts).
        rounds: q(11, 5),
        slices: passthroughSlices(q(PASSTHROUGH_SLICES, 2)),
        initialWarmup: q(3000, 200),
        keyWarmupRounds: q(2, 0),
        pin: PIN,
        // Rounds of ≥ ~1 s per arm: at 250 requests (a quarter second) one GC pause or
        // scheduler hiccup moved a round's ratio by up to half, and the noise check (rightly)
        // refused every run, even on a quiet machine. The counts are the least; on a faster
        // machine (or proxy) the rounds grow to a second from the key's warm-up throughput.
        plan: [
          { concurrency: 1, warmup: q(50, 10), count: q(1500, 80) },
          { concurrency: 16, warmup: q(100, 20), count: q(3000, 200) },
        ],
        minArmSeconds: q(1, 0),
        keys: PASSTHROUGH_KEYS,
      });
    } finally {
      await rigP.stop();
    }
  }

  if (wants('proxy_cpu', 'memory', 'prm_cache', 'adaptive')) {
    log('rig A: zero-latency simulators, proxy');
    // --expose-gc lets the memory section read the heap after a full collection (nothing else
    // calls gc()).
    const rigA = await startRig({
      latency: ZERO,
      proxyEnv: EXTRA_PROXY_ENV,
      proxyExecArgv: ['--expose-gc', ...PROXY_FLAGS],
      pin: PIN,
    });
    try {
      const cpuPool = createLoadPool(rigA.proxyUrl, 16);
      try {
        if (wants('proxy_cpu')) {
          log('proxy CPU per request (c=1, c=16, N = 4..256)');
          const done = noise.section('proxy_cpu', ours(rigA));
          const bon = (n: number): unknown => ({ n, strategy: 'best_of_n' });
          const scenarios: { name: string; concurrency: number; scenario: CpuScenario }[] = [
            {
              name: 'best_of_n_16_c1',
              concurrency: 1,
              scenario: {
                name: 'c1',
                budget: bon(16),
                // A fresh proxy: V8 still optimises past 1,500 requests at c=1 (its compiler threads
                // ~10% of the CPU at 1,500, ~1% after 4,000); the quarters show that curve.
                warmup: q(4000, 100),
                count: q(300, 40),
                windows: 3,
              },
            },
            {
              name: 'best_of_n_16_c16',
              concurrency: 16,
              scenario: {
                name: 'c16',
                budget: bon(16),
                warmup: q(300, 50),
                count: q(400, 60),
                windows: 3,
              },
            },
            ...[4, 64, 256].map((n) => ({
              name: `best_of_n_${n}_c4`,
              concurrency: 4,
              scenario: {
                name: `n${n}`,
                budget: bon(n),
                warmup: q(Math.ceil(3200 / n), 8),
                count: q(Math.max(24, Math.ceil(4800 / n)), 8),
                // Odd: the median is one window, not the mean of two.
                windows: 3,
              },
            })),
            {
              name: 'beam_search_16_c16',
              concurrency: 16,
              scenario: {
                name: 'beam',
                budget: { n: 16, m: 4, strategy: 'beam_search' },
                warmup: q(200, 20),
                count: q(200, 30),
                windows: 3,
              },
            },
          ];
          const cpu: Record<string, unknown> = {};
          for (const { name, concurrency, scenario } of scenarios) {
            const questions = take(scenario.warmup + scenario.count * scenario.windows);
            cpu[name] = await measureProxyCpu(rigA, cpuPool, questions, concurrency, scenario, 0);
          }
          const at = (name: string): number =>
            Number((cpu[name] as Record<string, unknown> | undefined)?.proxy_cpu_ms_per_request);
          const perSample = (
            low: number,
            high: number,
            lowName: string,
            highName: string,
          ): number => round((at(highName) - at(lowName)) / (high - low), 4);
          cpu.linearity = {
            note: 'marginal proxy CPU per extra sample (ms) between budgets, all at c=4 (median of three windows each)',
            marginal_ms_per_sample_4_to_64: perSample(4, 64, 'best_of_n_4_c4', 'best_of_n_64_c4'),
            marginal_ms_per_sample_64_to_256: perSample(
              64,
              256,
              'best_of_n_64_c4',
              'best_of_n_256_c4',
            ),
            marginal_ratio_high_vs_low: round(
              perSample(64, 256, 'best_of_n_64_c4', 'best_of_n_256_c4') /
                perSample(4, 64, 'best_of_n_4_c4', 'best_of_n_64_c4'),
            ),
          };
          report.proxy_cpu = cpu;
          done();
        }
        if (wants('memory')) {
          log('memory after repeated bursts');
          const done = noise.section('memory', ours(rigA));
          report.memory = await runMemory(rigA, cpuPool, {
            bursts: q(8, 3),
            requestsPerBurst: q(300, 40),
            concurrency: 16,
            questions: take(q(2400, 120)),
          });
          done();
        }
        if (wants('prm_cache')) {
          log('PRM prefix-score cache');
          const done = noise.section('prm_cache', ours(rigA));
          report.prm_cache = await runPrmCache(cpuPool, take(1)[0] ?? '');
          done();
        }
        if (wants('adaptive')) {
          log('adaptive vs fixed (5 seeds)');
          const adaptiveDone = noise.section('adaptive', ours(rigA));
          report.adaptive = await runAdaptive(cpuPool, {
            ...ADAPTIVE_REPLICATION,
            problemsPerSeed: q(ADAPTIVE_REPLICATION.problemsPerSeed, 8),
            concurrency: 8,
            policyStats: async () => (await rigA.simStats()).policy,
          });
          adaptiveDone();
        }
      } finally {
        await cpuPool.close();
      }
    } finally {
      await rigA.stop();
    }
  }

  if (wants('event_loop')) {
    log(
      'rig D: distinct symbolic answers (policy simulator answerForms all-distinct): stall check',
    );
    const rigD = await startRig({
      latency: ZERO,
      answerForms: 'all-distinct',
      proxyEnv: EXTRA_PROXY_ENV,
      proxyExecArgv: PROXY_FLAGS,
      pin: PIN,
    });
    try {
      const hard = generateProblems({ seed: 77, count: 2000, difficulty: [0.7, 1] }).map(
        (p) => p.problem,
      );
      report.event_loop = await runEventLoop(rigD, noise, {
        rounds: q(8, 4),
        plainRequests: q(1000, 60),
        heavyConcurrency: 2,
        warmupRounds: q(3, 1),
        questions: hard,
        probeCpus: PIN.rest,
        proxyCpus: PIN.underTest,
      });
    } finally {
      await rigD.stop();
    }
  }

  if (wants('critical_path')) {
    log(`rig B: ${CRITICAL_PATH_MS} ms per upstream call: critical path, CPU with latency`);
    const rigB = await startRig({
      latency: { perCallMs: CRITICAL_PATH_MS, prefillMsPerToken: 0, decodeMsPerToken: 0 },
      proxyEnv: EXTRA_PROXY_ENV,
      pin: PIN,
    });
    const poolB = createLoadPool(rigB.proxyUrl, 16);
    try {
      const done = noise.section('critical_path', ours(rigB));
      const warmupProblems = take(200);
      report.critical_path = await runCriticalPath(rigB, poolB, {
        perCallMs: CRITICAL_PATH_MS,
        problems: take(q(8, 2) * 4 + q(16, 4)),
        warmupProblems,
        requests: q(8, 2),
        concurrent: q(16, 4),
        warmupPerMethod: q(32, 4),
      });
      report.critical_path_long_questions = await runCriticalPath(rigB, poolB, {
        perCallMs: CRITICAL_PATH_MS,
        problems: long(take(q(6, 2) * 4)),
        warmupProblems: long(warmupProblems),
        requests: q(6, 2),
        concurrent: 0,
        warmupPerMethod: q(8, 2),
      });
      done();
      const questions = take(q(200, 30) + q(160, 24) * 3);
      const latencyDone = noise.section('proxy_cpu_with_latency', ours(rigB));
      report.proxy_cpu_with_latency = {
        upstream_latency_ms_per_call: CRITICAL_PATH_MS,
        best_of_n_16_c16: await measureProxyCpu(
          rigB,
          poolB,
          questions,
          16,
          {
            name: 'latency',
            budget: { n: 16, strategy: 'best_of_n' },
            warmup: q(200, 30),
            count: q(160, 24),
            windows: 3,
          },
          0,
        ),
      };
      latencyDone();
    } finally {
      await poolB.close();
      await rigB.stop();
    }
  }

  const speedAtEnd = await calibrate();
  report.machine_speed = {
    workload: CALIBRATION_WORKLOAD,
    start: speedAtStart,
    end: speedAtEnd,
    drift: speedDrift(speedAtStart, speedAtEnd),
  };
  const slowedOrSped = speedDriftReason(speedAtStart, speedAtEnd);
  if (slowedOrSped !== null) noise.speedChanged(slowedOrSped);
  report.noise = noise.report();
  report.targets = evaluateTargets(report, report.noise as ReturnType<typeof noise.report>);
  const durationS = round((performance.now() - started) / 1000, 1);
  report.duration_s = durationS;
  const text = JSON.stringify(report, null, 2);
  const dir = path.resolve(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(
    dir,
    `bench-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`,
  );
  writeFileSync(file, text + '\n');
  process.stdout.write(text + '\n');
  log(`written ${file} in ${durationS} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
