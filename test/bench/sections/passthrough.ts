/**
 * Section 1, passthrough overhead: the same plain request (small max_tokens), JSON and streamed
 * (SSE), direct to the policy simulator, through a bare http-proxy-middleware hop and through the
 * proxy, zero-latency upstream. Two routes, two forwarders: a chat completion with no TTS field
 * (keys `json_*`, `sse_*`: the chat route's own forwarder) and `/v1/completions` (keys
 * `completions_json_*`, `completions_sse_*`: the allow-listed /v1 passthrough,
 * src/server/passthrough/). Paired rounds with the
 * arm order rotated each round; the verdict quantity is the per-round throughput ratio
 * proxy / bare hop (median and minimum over the rounds), not a ratio of per-arm medians.
 */
import { cpuMs } from '../lib/proc-stats';
import { pairedRatios, runPairedRounds } from '../lib/paired-rounds';
import { createLoadPool, runLoad } from '../lib/run-load';
import type { NoiseLedger } from '../lib/noise';
import type { Rig } from '../lib/start-rig';
import { median, round, summarize } from '../lib/summarize';
import { PROXY_MODEL } from '../lib/tts-wire';
import { SIM_POLICY_NAME } from '../lib/sim-names';

export interface PassthroughOptions {
  rounds: number;
  /** Requests per target before anything is measured (V8 optimises the hot paths only after thousands). */
  initialWarmup: number;
  plan: { concurrency: number; warmup: number; count: number }[];
}

interface ArmRun {
  throughput: number;
  p50: number;
  p99: number;
  hopCpuMsPerRequest: number | null;
  errors: number;
}

const ARMS = ['direct', 'bare_hop', 'proxy'] as const;
type Arm = (typeof ARMS)[number];
const MODES = ['json', 'sse'] as const;
const ROUTES = [
  { prefix: '', path: '/v1/chat/completions' },
  { prefix: 'completions_', path: '/v1/completions' },
] as const;
type Route = (typeof ROUTES)[number];

export async function runPassthrough(
  rig: Rig,
  noise: NoiseLedger,
  options: PassthroughOptions,
): Promise<Record<string, unknown>> {
  const hop = rig.hop;
  if (!hop) throw new Error('passthrough needs the bare hop');
  const targets: Record<Arm, { url: string; model: string; pid: number | null }> = {
    direct: { url: rig.policyUrl, model: SIM_POLICY_NAME, pid: null },
    bare_hop: { url: hop.urls.url as string, model: SIM_POLICY_NAME, pid: hop.pid },
    proxy: { url: rig.proxyUrl, model: PROXY_MODEL, pid: rig.proxy.pid },
  };
  const bodyFor = (
    route: Route,
    arm: Arm,
    mode: (typeof MODES)[number],
    index: number,
  ): unknown => {
    const question = `What is ${17 + (index % 50)} * 23 - 5?`;
    return {
      model: targets[arm].model,
      ...(route.path === '/v1/completions'
        ? { prompt: question }
        : { messages: [{ role: 'user', content: question }] }),
      max_tokens: 16,
      ...(mode === 'sse' ? { stream: true } : {}),
    };
  };
  const done = noise.section('passthrough', [rig.proxy.pid, hop.pid, rig.policySim.pid]);
  for (const arm of ARMS) {
    const pool = createLoadPool(targets[arm].url, 32);
    for (const route of ROUTES)
      for (const mode of MODES)
        await runLoad({
          pool,
          path: route.path,
          count: options.initialWarmup,
          concurrency: 32,
          body: (i) => bodyFor(route, arm, mode, i),
        });
    await pool.close();
  }
  const out: Record<string, unknown> = {};
  for (const [route, mode] of ROUTES.flatMap((r) => MODES.map((m) => [r, m] as const))) {
    for (const step of options.plan) {
      const pools = Object.fromEntries(
        ARMS.map((arm) => [arm, createLoadPool(targets[arm].url, step.concurrency)]),
      ) as Record<Arm, ReturnType<typeof createLoadPool>>;
      try {
        const runs = await runPairedRounds(ARMS, options.rounds, async (arm) => {
          const load = {
            pool: pools[arm],
            path: route.path,
            concurrency: step.concurrency,
          };
          await runLoad({ ...load, count: step.warmup, body: (i) => bodyFor(route, arm, mode, i) });
          const pid = targets[arm].pid;
          const before = pid === null ? 0 : cpuMs(pid);
          const result = await runLoad({
            ...load,
            count: step.count,
            body: (i) => bodyFor(route, arm, mode, i),
          });
          const latency = summarize(result.latenciesMs);
          return {
            throughput: result.throughput,
            p50: latency.p50,
            p99: latency.p99,
            hopCpuMsPerRequest: pid === null ? null : (cpuMs(pid) - before) / step.count,
            errors: result.errors,
          } satisfies ArmRun;
        });
        const ratio = pairedRatios(
          runs.proxy.map((r) => r.throughput),
          runs.bare_hop.map((r) => r.throughput),
        );
        const key = `${route.prefix}${mode}_c${step.concurrency}`;
        noise.spread(`passthrough ${key}`, ratio.by_round);
        const arm = (name: Arm): Record<string, unknown> => ({
          throughput_rps_median: round(median(runs[name].map((r) => r.throughput)), 1),
          p50_ms_median: round(median(runs[name].map((r) => r.p50))),
          p99_ms_median: round(median(runs[name].map((r) => r.p99))),
          hop_cpu_ms_per_request_median:
            name === 'direct'
              ? null
              : round(median(runs[name].map((r) => r.hopCpuMsPerRequest ?? NaN))),
          errors: runs[name].reduce((sum, r) => sum + r.errors, 0),
        });
        out[key] = {
          route: route.path,
          mode,
          concurrency: step.concurrency,
          requests_per_round: step.count,
          rounds: options.rounds,
          arm_order: 'rotated by one each round',
          direct: arm('direct'),
          bare_hop: arm('bare_hop'),
          proxy: arm('proxy'),
          throughput_ratio_proxy_vs_bare_hop: ratio,
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
