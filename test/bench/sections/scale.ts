/**
 * Section 4, scale: a fresh proxy (so its peak RSS belongs to this section) with admission limits
 * raised so 1,000 requests run at once, BoN-4 with small max tokens, a per-call upstream latency so
 * requests really overlap. CPU per request at 10, 100 and 1,000 concurrent; completion count, p99
 * and the proxy's peak RSS at 1,000.
 */
import { cpuMs, memoryMiB, resetPeakRss } from '../lib/proc-stats';
import { createLoadPool, runLoad } from '../lib/run-load';
import type { Rig } from '../lib/start-rig';
import { ratio, round, summarize } from '../lib/summarize';
import { ttsBody, ttsMeta } from '../lib/tts-wire';

export interface ScaleOptions {
  problems: readonly string[];
  /** Requests (at concurrency 100) before the first step, so JIT warm-up is not billed to it. */
  warmup: number;
  budget: unknown;
  maxTokens: number;
  steps: { concurrency: number; count: number }[];
}

export async function runScale(rig: Rig, options: ScaleOptions): Promise<Record<string, unknown>> {
  const maxConcurrency = Math.max(...options.steps.map((s) => s.concurrency));
  const pool = createLoadPool(rig.proxyUrl, maxConcurrency);
  const body = (i: number): unknown =>
    ttsBody(options.problems[i % options.problems.length] as string, options.budget, {
      seed: 50_000 + i,
      max_tokens: options.maxTokens,
    });
  const steps: Record<string, unknown> = {};
  try {
    await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.warmup,
      concurrency: 100,
      body: (i) => body(i + 900_000),
    });
    const idle = memoryMiB(rig.proxy.pid);
    // The peak-RSS mark then covers the measured steps only (when the kernel lets us reset it).
    const peakReset = resetPeakRss(rig.proxy.pid);
    for (const step of options.steps) {
      let peakRss = 0;
      const timer = setInterval(() => {
        peakRss = Math.max(peakRss, memoryMiB(rig.proxy.pid).rss);
      }, 20);
      const before = cpuMs(rig.proxy.pid);
      let degraded = 0;
      const result = await runLoad({
        pool,
        path: '/v1/chat/completions',
        count: step.count,
        concurrency: step.concurrency,
        body,
        onResponse: (_i, _s, json) => {
          if (ttsMeta(json).degraded !== null) degraded += 1;
        },
      });
      clearInterval(timer);
      const cpu = cpuMs(rig.proxy.pid) - before;
      const memory = memoryMiB(rig.proxy.pid);
      steps[`c${step.concurrency}`] = {
        concurrency: step.concurrency,
        requests: step.count,
        completed: result.latenciesMs.length,
        errors: result.errors,
        statuses: result.statuses,
        first_error: result.firstError,
        degraded_answers: degraded,
        wall_ms: round(result.wallMs, 1),
        latency_ms: summarize(result.latenciesMs),
        proxy_cpu_ms_per_request: ratio(cpu, result.latenciesMs.length + result.errors),
        proxy_peak_rss_mib_during_step: round(Math.max(peakRss, memory.rss), 1),
      };
    }
    const peak = memoryMiB(rig.proxy.pid);
    const cpuAt = (c: number): number =>
      (steps[`c${c}`] as Record<string, number> | undefined)?.proxy_cpu_ms_per_request ?? NaN;
    const first = options.steps[0]?.concurrency ?? 0;
    const last = options.steps[options.steps.length - 1]?.concurrency ?? 0;
    return {
      request: { budget: options.budget, max_tokens: options.maxTokens },
      warmup_requests: options.warmup,
      proxy_rss_mib_after_warmup: round(idle.rss, 1),
      proxy_peak_rss_mib_vmhwm: round(peak.peak, 1),
      vmhwm_covers: peakReset
        ? 'the measured steps (reset after warm-up)'
        : 'the whole process life (reset not permitted)',
      steps,
      cpu_per_request_ratio_last_vs_first: ratio(cpuAt(last), cpuAt(first)),
    };
  } finally {
    await pool.close();
  }
}
