/**
 * Section 1, passthrough overhead: the same plain chat completion (no TTS fields, small
 * max_tokens) direct to the policy simulator, through a bare http-proxy-middleware hop and
 * through the proxy, at concurrency 1 and 64, zero-latency upstream. Rounds alternate the targets
 * so drift hits all three alike; the median round is reported.
 */
import os from 'node:os';
import { cpuMs, createForeignCpuMeter } from '../lib/proc-stats';
import { createLoadPool, runLoad, type LoadResult } from '../lib/run-load';
import type { Rig } from '../lib/start-rig';
import { median, ratio, round, summarize, type LatencySummary } from '../lib/summarize';
import { PROXY_MODEL } from '../lib/tts-wire';
import { SIM_POLICY_NAME } from '../lib/sim-names';

export interface PassthroughOptions {
  rounds: number;
  /** Requests per target before anything is measured (V8 optimises the hot paths only after thousands). */
  initialWarmup: number;
  plan: { concurrency: number; warmup: number; count: number }[];
}

interface TargetRun {
  throughput: number;
  latency: LatencySummary;
  /** CPU ms per request of the hop process (proxy or bare hop); null for direct. */
  hopCpuMsPerRequest: number | null;
  errors: number;
}

const QUESTION = 'What is 17 * 23 - 5?';

export async function runPassthrough(
  rig: Rig,
  options: PassthroughOptions,
): Promise<Record<string, unknown>> {
  if (!rig.hop) throw new Error('passthrough needs the bare hop');
  const targets = [
    { name: 'direct', url: rig.policyUrl, model: SIM_POLICY_NAME, pid: null },
    { name: 'bare_hop', url: rig.hop.urls.url as string, model: SIM_POLICY_NAME, pid: rig.hop.pid },
    { name: 'proxy', url: rig.proxyUrl, model: PROXY_MODEL, pid: rig.proxy.pid },
  ] as const;
  const byConcurrency: Record<string, unknown> = {};
  const foreign = createForeignCpuMeter([
    rig.proxy.pid,
    rig.hop.pid,
    rig.policySim.pid,
    rig.prmSim.pid,
  ]);
  const started = performance.now();
  for (const target of targets) {
    const pool = createLoadPool(target.url, 64);
    await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.initialWarmup,
      concurrency: 64,
      body: () => ({
        model: target.model,
        messages: [{ role: 'user', content: QUESTION }],
        max_tokens: 16,
      }),
    });
    await pool.close();
  }
  for (const step of options.plan) {
    const runs: Record<string, TargetRun[]> = { direct: [], bare_hop: [], proxy: [] };
    const pools = Object.fromEntries(
      targets.map((t) => [t.name, createLoadPool(t.url, step.concurrency)]),
    );
    try {
      for (let r = 0; r < options.rounds; r++) {
        for (const target of targets) {
          const pool = pools[target.name];
          if (!pool) throw new Error('no pool');
          const body = (): unknown => ({
            model: target.model,
            messages: [{ role: 'user', content: QUESTION }],
            max_tokens: 16,
          });
          await runLoad({
            pool,
            path: '/v1/chat/completions',
            count: step.warmup,
            concurrency: step.concurrency,
            body,
          });
          const before = target.pid === null ? 0 : cpuMs(target.pid);
          const result: LoadResult = await runLoad({
            pool,
            path: '/v1/chat/completions',
            count: step.count,
            concurrency: step.concurrency,
            body,
          });
          const cpu = target.pid === null ? null : (cpuMs(target.pid) - before) / step.count;
          runs[target.name]?.push({
            throughput: result.throughput,
            latency: summarize(result.latenciesMs),
            hopCpuMsPerRequest: cpu,
            errors: result.errors,
          });
        }
      }
    } finally {
      await Promise.all(Object.values(pools).map((pool) => pool.close()));
    }
    const med = (name: string, pick: (run: TargetRun) => number): number =>
      round(median((runs[name] ?? []).map(pick)));
    const summary = (name: string): Record<string, unknown> => ({
      throughput_rps: med(name, (r) => r.throughput),
      p50_ms: med(name, (r) => r.latency.p50),
      p99_ms: med(name, (r) => r.latency.p99),
      hop_cpu_ms_per_request:
        name === 'direct' ? null : med(name, (r) => r.hopCpuMsPerRequest ?? NaN),
      errors: (runs[name] ?? []).reduce((sum, r) => sum + r.errors, 0),
    });
    const direct = summary('direct');
    const hop = summary('bare_hop');
    const proxy = summary('proxy');
    const num = (record: Record<string, unknown>, key: string): number => record[key] as number;
    byConcurrency[`c${step.concurrency}`] = {
      concurrency: step.concurrency,
      requests_per_round: step.count,
      rounds: options.rounds,
      direct,
      bare_hop: hop,
      proxy,
      throughput_ratio_proxy_vs_bare_hop: ratio(
        num(proxy, 'throughput_rps'),
        num(hop, 'throughput_rps'),
      ),
      proxy_added_p50_ms: round(num(proxy, 'p50_ms') - num(direct, 'p50_ms')),
      proxy_added_p99_ms: round(num(proxy, 'p99_ms') - num(direct, 'p99_ms')),
      bare_hop_added_p50_ms: round(num(hop, 'p50_ms') - num(direct, 'p50_ms')),
      bare_hop_added_p99_ms: round(num(hop, 'p99_ms') - num(direct, 'p99_ms')),
      proxy_added_p50_vs_bare_hop_ms: round(num(proxy, 'p50_ms') - num(hop, 'p50_ms')),
      round_throughputs_rps: Object.fromEntries(
        Object.entries(runs).map(([name, list]) => [name, list.map((r) => round(r.throughput, 1))]),
      ),
    };
  }
  // Share of the machine's capacity used by processes that are not part of the bench (noise).
  byConcurrency.other_processes_cpu_share = round(
    foreign() / (performance.now() - started) / os.cpus().length,
  );
  return byConcurrency;
}
