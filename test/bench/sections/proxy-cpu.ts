/**
 * Section 3, proxy CPU per request: CPU time of the proxy process (utime + stime from /proc,
 * upstream simulators and load generator excluded) at a steady concurrency against zero-latency
 * simulators. Every request has its own question (no cross-request cache reuse). V8 needs
 * thousands of requests before the proxy's code is optimised, so a long warm-up comes first (its
 * CPU reported per quarter); then several windows are measured and the median is reported with
 * every window's value.
 */
import type { Pool } from 'undici';
import { cpuSplitMs, createForeignCpuMeter } from '../lib/proc-stats';
import { runLoad } from '../lib/run-load';
import type { Rig } from '../lib/start-rig';
import { median, ratio, round, summarize } from '../lib/summarize';
import { ttsBody, ttsMeta } from '../lib/tts-wire';
import type { GcWindowSummary } from '../lib/summarize-gc';

export interface CpuScenario {
  name: string;
  budget: unknown;
  warmup: number;
  /** Requests per measured window. */
  count: number;
  windows: number;
}

export interface ProxyCpuOptions {
  problems: readonly string[];
  concurrency: number;
  scenarios: CpuScenario[];
}

interface Window {
  requests: number;
  errors: number;
  throughput: number;
  latencies: number[];
  proxyUser: number;
  proxySystem: number;
  policySim: number;
  prmSim: number;
  loadgen: number;
  foreign: number;
  calls: number;
  tokens: number;
  prmTokens: number;
  prmCached: number;
  gc: GcWindowSummary;
}

async function measureWindow(
  rig: Rig,
  pool: Pool,
  concurrency: number,
  count: number,
  body: (i: number) => unknown,
): Promise<Window> {
  const before = {
    proxy: cpuSplitMs(rig.proxy.pid),
    policy: cpuSplitMs(rig.policySim.pid),
    prm: cpuSplitMs(rig.prmSim.pid),
  };
  const foreign = createForeignCpuMeter([
    rig.proxy.pid,
    rig.policySim.pid,
    rig.prmSim.pid,
    ...(rig.hop ? [rig.hop.pid] : []),
  ]);
  await rig.proxy.call('gcStart');
  const loadgenBefore = process.cpuUsage();
  const window = { calls: 0, tokens: 0, prmTokens: 0, prmCached: 0 };
  const result = await runLoad({
    pool,
    path: '/v1/chat/completions',
    count,
    concurrency,
    body,
    onResponse: (_i, _s, json) => {
      const meta = ttsMeta(json);
      window.calls += meta.policy_calls + meta.prm_calls;
      window.tokens += meta.policy_completion_tokens;
      window.prmTokens += meta.prm_tokens;
      window.prmCached += meta.prm_cached_tokens;
    },
  });
  const loadgen = process.cpuUsage(loadgenBefore);
  const gc = await rig.proxy.call<GcWindowSummary>('gcStop');
  const after = {
    proxy: cpuSplitMs(rig.proxy.pid),
    policy: cpuSplitMs(rig.policySim.pid),
    prm: cpuSplitMs(rig.prmSim.pid),
  };
  const total = (split: { user: number; system: number }): number => split.user + split.system;
  return {
    requests: result.latenciesMs.length,
    errors: result.errors,
    throughput: result.throughput,
    latencies: result.latenciesMs,
    proxyUser: after.proxy.user - before.proxy.user,
    proxySystem: after.proxy.system - before.proxy.system,
    policySim: total(after.policy) - total(before.policy),
    prmSim: total(after.prm) - total(before.prm),
    loadgen: (loadgen.user + loadgen.system) / 1000,
    foreign: foreign(),
    ...window,
    gc,
  };
}

export async function measureProxyCpu(
  rig: Rig,
  pool: Pool,
  problems: readonly string[],
  concurrency: number,
  scenario: CpuScenario,
  offset: number,
): Promise<Record<string, unknown>> {
  let next = offset;
  const body = (): unknown => {
    const i = next++;
    return ttsBody(problems[i % problems.length] as string, scenario.budget, { seed: i });
  };
  // The warm-up is measured too, in quarters: what a freshly started proxy costs while V8 is still
  // optimising its code (after every deploy) is reported beside the steady windows, not hidden.
  const warmupQuarters: Window[] = [];
  for (let quarter = 0; quarter < 4; quarter++) {
    const count =
      Math.ceil(((quarter + 1) * scenario.warmup) / 4) - Math.ceil((quarter * scenario.warmup) / 4);
    warmupQuarters.push(await measureWindow(rig, pool, concurrency, count, body));
  }
  const windows: Window[] = [];
  for (let w = 0; w < scenario.windows; w++)
    windows.push(await measureWindow(rig, pool, concurrency, scenario.count, body));
  const per = (pick: (w: Window) => number): number =>
    round(median(windows.map((w) => pick(w) / Math.max(1, w.requests))));
  const all = windows.flatMap((w) => w.latencies);
  const sum = (pick: (w: Window) => number): number => windows.reduce((s, w) => s + pick(w), 0);
  const requests = sum((w) => w.requests);
  return {
    budget: scenario.budget,
    concurrency,
    warmup_requests: scenario.warmup,
    warmup_proxy_cpu_ms_per_request_by_quarter: warmupQuarters.map((w) =>
      round((w.proxyUser + w.proxySystem) / Math.max(1, w.requests)),
    ),
    windows: scenario.windows,
    requests_per_window: scenario.count,
    errors: sum((w) => w.errors),
    throughput_rps_median: round(median(windows.map((w) => w.throughput)), 1),
    latency_ms: summarize(all),
    proxy_cpu_ms_per_request: per((w) => w.proxyUser + w.proxySystem),
    proxy_cpu_ms_per_request_by_window: windows.map((w) =>
      round((w.proxyUser + w.proxySystem) / Math.max(1, w.requests)),
    ),
    // What outlived the young generation: a request's objects should die young
    // (docs/performance.md#what-a-scavenge-keeps).
    proxy_promoted_kb_per_request: per((w) => w.gc.promotedBytes / 1024),
    proxy_scavenge_ms_per_request: per((w) => w.gc.scavengeMs),
    // Mark-compacts (and their incremental steps) on the main thread, per window: what an old
    // generation filling up costs the window it lands in.
    proxy_other_gc_ms_per_request_by_window: windows.map((w) =>
      round(w.gc.otherCollectionsMs / Math.max(1, w.requests), 4),
    ),
    proxy_user_ms_per_request: per((w) => w.proxyUser),
    proxy_system_ms_per_request: per((w) => w.proxySystem),
    policy_sim_cpu_ms_per_request: per((w) => w.policySim),
    prm_sim_cpu_ms_per_request: per((w) => w.prmSim),
    loadgen_cpu_ms_per_request: per((w) => w.loadgen),
    other_processes_cpu_ms_per_request: per((w) => w.foreign),
    policy_plus_prm_calls_per_request: ratio(
      sum((w) => w.calls),
      requests,
    ),
    policy_completion_tokens_per_request: ratio(
      sum((w) => w.tokens),
      requests,
    ),
    prm_tokens_per_request: ratio(
      sum((w) => w.prmTokens),
      requests,
    ),
    prm_cached_tokens_per_request: ratio(
      sum((w) => w.prmCached),
      requests,
    ),
  };
}

export async function runProxyCpu(
  rig: Rig,
  pool: Pool,
  options: ProxyCpuOptions,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let offset = 0;
  for (const scenario of options.scenarios) {
    out[scenario.name] = await measureProxyCpu(
      rig,
      pool,
      options.problems,
      options.concurrency,
      scenario,
      offset,
    );
    offset += scenario.warmup + scenario.count * scenario.windows;
  }
  return out;
}
