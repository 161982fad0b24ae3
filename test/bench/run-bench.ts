/**
 * `npm run bench`: start simulators, the proxy and a bare http-proxy-middleware hop as separate
 * processes on loopback, run bounded loads from this process (undici Pool), and print ONE JSON
 * document (also written to bench-results/bench-<date>.json) with every ratio measured in this run.
 *
 * BENCH_QUICK=1 shrinks every load (for trying the harness; not for numbers).
 * BENCH_PROXY_ENV='{"TTS_PROXY__...":"..."}' adds config overrides to every proxy child (e.g. to
 * compare a setting: the JSON records them under setup.extra_proxy_env).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateProblems } from '../../src/sim';
import { createLoadPool } from './lib/run-load';
import { startRig } from './lib/start-rig';
import { round } from './lib/summarize';
import { runCriticalPath } from './sections/critical-path';
import {
  compareVariants,
  runComputeEfficiency,
  tokensToReachAccuracy,
  type Variant,
} from './sections/compute-efficiency';
import { runPassthrough } from './sections/passthrough';
import { runPrmBatching } from './sections/prm-batching';
import { runPrmCache } from './sections/prm-cache';
import { runProxyCpu } from './sections/proxy-cpu';
import { runScale } from './sections/scale';
import { evaluateTargets } from './targets';

const QUICK = process.env.BENCH_QUICK === '1';
const q = (full: number, quick: number): number => (QUICK ? quick : full);
const ZERO = { perCallMs: 0, prefillMsPerToken: 0, decodeMsPerToken: 0 };
const CRITICAL_PATH_MS = 50;
const EXTRA_PROXY_ENV = JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>;
const SCALE_PER_CALL_MS = 20;

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
  const problems = generateProblems({ seed: 2027, count: 60 });
  const questions = problems.map((p) => p.problem);
  // Load sections give every request its own question, so no cache is reused across requests.
  const distinct = generateProblems({ seed: 99, count: 5000 }).map((p) => p.problem);
  const report: Record<string, unknown> = {
    bench: 'tts-proxy',
    date: new Date().toISOString(),
    quick: QUICK,
    machine: machine(),
    setup: {
      processes:
        'load generator (this process, undici Pool) -> proxy child (startServer, config/default.yaml + env overrides) -> policy simulator child + PRM simulator child; bare hop = express + http-proxy-middleware child with a keep-alive agent',
      proxy_overrides:
        'ab.shadow_rate=0 (no background A/B traffic); server.log_level as configured (info, logs to /dev/null)',
      cpu_source: '/proc/<pid>/stat utime+stime (10 ms ticks) over the measured window',
      extra_proxy_env: EXTRA_PROXY_ENV,
    },
  };

  log('rig A: zero-latency simulators, proxy, bare hop');
  const rigA = await startRig({ latency: ZERO, withHop: true, proxyEnv: EXTRA_PROXY_ENV });
  const poolA = createLoadPool(rigA.proxyUrl, 64);
  try {
    log('1. passthrough overhead');
    report.passthrough = await runPassthrough(rigA, {
      rounds: q(5, 1),
      initialWarmup: q(8000, 300),
      plan: [
        { concurrency: 1, warmup: q(200, 50), count: q(1500, 200) },
        { concurrency: 64, warmup: q(500, 100), count: q(8000, 500) },
      ],
    });
    log('3. proxy CPU per request');
    report.proxy_cpu = await runProxyCpu(rigA, poolA, {
      problems: distinct,
      concurrency: 16,
      scenarios: [
        {
          name: 'best_of_n_16',
          budget: { n: 16, strategy: 'best_of_n' },
          warmup: q(3000, 100),
          count: q(500, 60),
          windows: 3,
        },
        {
          name: 'beam_search_16',
          budget: { n: 16, m: 4, strategy: 'beam_search' },
          warmup: q(800, 30),
          count: q(300, 30),
          windows: 3,
        },
      ],
    });
    log('PRM prefix-score cache');
    report.prm_cache = await runPrmCache(poolA, questions[1] as string);
    log('5. compute efficiency');
    const variants: Variant[] = [
      { name: 'cot', budget: { n: 1, strategy: 'cot' } },
      { name: 'best_of_n_16', budget: { n: 16, strategy: 'best_of_n' } },
      { name: 'majority_16', budget: { n: 16, strategy: 'majority' } },
      { name: 'auto_16', budget: { n: 16, strategy: 'auto' } },
      { name: 'auto_8', budget: { n: 8, strategy: 'auto' } },
      { name: 'auto_4', budget: { n: 4, strategy: 'auto' } },
    ];
    const efficiency = await runComputeEfficiency(poolA, {
      problems: QUICK ? problems.slice(0, 12) : problems,
      variants,
      concurrency: 8,
    });
    report.compute_efficiency = {
      problems:
        'generateProblems({ seed: 2027, count: 60 }), graded with isEquivalent against the simulator answer',
      adaptive_early_stopping:
        'auto_16 = tts_strategy auto at N=16: probe, strategy table row, early stopping per config tts.early_stop (default config)',
      variants: efficiency,
      auto_vs_best_of_n_16: compareVariants(efficiency, 'auto_16', 'best_of_n_16'),
      tokens_to_reach_best_of_n_16_accuracy: tokensToReachAccuracy(
        efficiency,
        ['auto_4', 'auto_8', 'auto_16'],
        'best_of_n_16',
      ),
    };
    log('PRM micro-batching (verifier over the PRM simulator, in-process)');
    try {
      report.prm_batching = await runPrmBatching(rigA.prmUrl, {
        concurrent: q(64, 16),
        rounds: q(20, 4),
        problems: questions,
        prmPid: rigA.prmSim.pid,
      });
    } catch (error) {
      report.prm_batching = { error: error instanceof Error ? error.message : String(error) };
    }
  } finally {
    await poolA.close();
    await rigA.stop();
  }

  log(`2. critical path (rig B: ${CRITICAL_PATH_MS} ms per upstream call)`);
  const rigB = await startRig({
    latency: { perCallMs: CRITICAL_PATH_MS, prefillMsPerToken: 0, decodeMsPerToken: 0 },
    proxyEnv: EXTRA_PROXY_ENV,
  });
  const poolB = createLoadPool(rigB.proxyUrl, 16);
  try {
    report.critical_path = await runCriticalPath(rigB, poolB, {
      perCallMs: CRITICAL_PATH_MS,
      problems: distinct,
      requests: q(8, 2),
      concurrent: q(16, 4),
      warmupPerMethod: q(48, 4),
    });
  } finally {
    await poolB.close();
    await rigB.stop();
  }

  log(`4. scale (rig C: fresh proxy, admission raised, ${SCALE_PER_CALL_MS} ms per upstream call)`);
  const rigC = await startRig({
    latency: { perCallMs: SCALE_PER_CALL_MS, prefillMsPerToken: 0, decodeMsPerToken: 0 },
    proxyEnv: {
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: '1000',
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '1024',
      ...EXTRA_PROXY_ENV,
    },
  });
  try {
    report.scale = {
      upstream_latency_ms_per_call: SCALE_PER_CALL_MS,
      admission:
        'server.max_concurrent_requests=1000, max_queued_requests=1024 (env overrides); upstream max_connections as configured (policy 64, PRM 32)',
      ...(await runScale(rigC, {
        problems: distinct,
        warmup: q(3000, 200),
        budget: { n: 4, strategy: 'best_of_n' },
        maxTokens: 512,
        steps: [
          { concurrency: 10, count: q(300, 50) },
          { concurrency: 100, count: q(1000, 200) },
          { concurrency: 1000, count: q(1000, 300) },
        ],
      })),
    };
  } finally {
    await rigC.stop();
  }

  report.targets = evaluateTargets(report);
  report.duration_s = round((performance.now() - started) / 1000, 1);
  const text = JSON.stringify(report, null, 2);
  const dir = path.resolve(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(
    dir,
    `bench-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`,
  );
  writeFileSync(file, text + '\n');
  process.stdout.write(text + '\n');
  log(`written ${file} in ${report.duration_s} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
