/**
 * The processes of one bench setup: a policy simulator, a PRM simulator, the proxy pointed at
 * them by env overrides, and optionally the bare http-proxy-middleware hop. Each is its own
 * process, so their CPU is measured apart.
 */
import { SERVER_NODE_FLAGS } from '../../../src/app';
import type { SimLatency } from '../../../src/sim';
import type { PinPlan } from './pinning';
import { spawnChild, type BenchChild } from './spawn-child';

export interface RigOptions {
  latency: SimLatency;
  /** Extra `TTS_PROXY__*` overrides (admission limits, log level, ...). */
  proxyEnv?: Record<string, string>;
  /** Node flags for the proxy, after the ones it ships with (src/app/node-flags.ts). */
  proxyExecArgv?: string[];
  /** Working directory of the proxy and hop children (where `--cpu-prof`/`--perf-basic-prof` write). */
  proxyCwd?: string;
  withHop?: boolean;
  /** Node flags for the bare hop (e.g. `--perf-basic-prof` to profile it as the proxy is). */
  hopExecArgv?: string[];
  /** The policy simulator writes symbolic answer forms (see `answerForms` of the simulator). */
  answerForms?: boolean | 'all-distinct';
  /**
   * Where the processes run (test/bench/lib/pinning.ts): the proxy and the bare hop on
   * `underTest`, the simulators on `rest` (the load generator pins itself there too), so the
   * measured hop never competes with the upstreams for a core. Unset: unpinned.
   */
  pin?: PinPlan;
  /**
   * Put the replaying upstream (children/replay-upstream-child.ts) between the proxy (and the
   * hop) and the policy simulator: plain generations answered from a recording once `replay`
   * is called on it, at almost no CPU.
   */
  withReplayUpstream?: boolean;
}

export interface Rig {
  policySim: BenchChild;
  prmSim: BenchChild;
  proxy: BenchChild;
  hop: BenchChild | null;
  /** The replaying upstream in front of the policy simulator, when asked for. */
  replayUpstream: BenchChild | null;
  proxyUrl: string;
  /** What the proxy and the hop call as the policy server (the replaying upstream or the simulator). */
  upstreamUrl: string;
  policyUrl: string;
  prmUrl: string;
  /** Policy + PRM simulator stats (requests by route), for counting round trips. */
  simStats(): Promise<{ policy: SimStatsWire; prm: SimStatsWire }>;
  stop(): Promise<void>;
}

export interface SimStatsWire {
  requestsByRoute: Record<string, number>;
  completionTokens: number;
  promptTokens: number;
  /** The simulator's last calls, in order: route and arrival on the shared monotonic clock. */
  recentArrivals: { route: string; monotonicMs: number }[];
}

/** Defaults the bench always sets: no A/B shadow traffic (it would add upstream calls). */
export const BENCH_PROXY_ENV: Record<string, string> = { TTS_PROXY__AB__SHADOW_RATE: '0' };

export async function startRig(options: RigOptions): Promise<Rig> {
  const started: BenchChild[] = [];
  try {
    const pin = (cpus: string | null | undefined): { cpus?: string } =>
      cpus === null || cpus === undefined ? {} : { cpus };
    const rest = options.pin?.rest;
    const underTest = options.pin?.underTest;
    const policySim = await spawnChild({
      name: 'policy-sim',
      script: 'sim-child.js',
      env: {
        BENCH_SIM: JSON.stringify({
          role: 'policy',
          latency: options.latency,
          answerForms: options.answerForms ?? false,
        }),
      },
      ...pin(rest),
    });
    started.push(policySim);
    const prmSim = await spawnChild({
      name: 'prm-sim',
      script: 'sim-child.js',
      env: { BENCH_SIM: JSON.stringify({ role: 'prm', latency: options.latency }) },
      ...pin(rest),
    });
    started.push(prmSim);
    const policyUrl = policySim.urls.url as string;
    const prmUrl = prmSim.urls.url as string;
    const replayUpstream = options.withReplayUpstream
      ? await spawnChild({
          name: 'replay-upstream',
          script: 'replay-upstream-child.js',
          env: { BENCH_TARGET: policyUrl },
          ...pin(rest),
        })
      : null;
    if (replayUpstream) started.push(replayUpstream);
    const upstreamUrl = replayUpstream ? (replayUpstream.urls.url as string) : policyUrl;
    const proxy = await spawnChild({
      name: 'proxy',
      script: 'proxy-child.js',
      env: {
        ...BENCH_PROXY_ENV,
        TTS_PROXY__UPSTREAMS__POLICY__URL: upstreamUrl,
        TTS_PROXY__UPSTREAMS__PRM__URL: prmUrl,
        ...options.proxyEnv,
      },
      // Node as `npm start` runs it; the caller's flags after (V8 takes a flag's last value).
      execArgv: [...SERVER_NODE_FLAGS, ...(options.proxyExecArgv ?? [])],
      ...(options.proxyCwd !== undefined ? { cwd: options.proxyCwd } : {}),
      // BENCH_PROXY_STDOUT=<file>: keep the proxy's stdout (its JSON logs and whatever
      // BENCH_PROXY_FLAGS makes V8 print there, such as --trace-gc lines).
      ...(process.env.BENCH_PROXY_STDOUT ? { stdoutFile: process.env.BENCH_PROXY_STDOUT } : {}),
      ...pin(underTest),
    });
    started.push(proxy);
    const hop = options.withHop
      ? await spawnChild({
          name: 'bare-hop',
          script: 'bare-hop-child.js',
          env: { BENCH_TARGET: upstreamUrl },
          // The proxy's young generation too: the yardstick gets whatever the proxy gets.
          execArgv: [...SERVER_NODE_FLAGS, ...(options.hopExecArgv ?? [])],
          ...(options.proxyCwd !== undefined ? { cwd: options.proxyCwd } : {}),
          ...pin(underTest),
        })
      : null;
    if (hop) started.push(hop);
    return {
      policySim,
      prmSim,
      proxy,
      hop,
      replayUpstream,
      proxyUrl: proxy.urls.url as string,
      upstreamUrl,
      policyUrl,
      prmUrl,
      simStats: async () => ({
        policy: await policySim.call<SimStatsWire>('stats'),
        prm: await prmSim.call<SimStatsWire>('stats'),
      }),
      stop: async () =>
        void (await Promise.all([...started].reverse().map((child) => child.stop()))),
    };
  } catch (error) {
    await Promise.all(started.map((child) => child.stop()));
    throw error;
  }
}
