/**
 * Prometheus metrics (prom-client): requests, latencies, upstream calls, TTS choices and
 * degradations. One registry per app so tests can run several apps in one process.
 *
 * The per-request metrics go through bound series (`requestSeries`, `recordUpstreamCall`): each
 * label tuple is resolved once and reused, instead of prom-client validating and hashing a label
 * object on every call. Counter series add to a local number that prom-client receives when it is
 * scraped (its `collect` hook), so a plain passthrough request costs no label work at all.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DEGRADED_REASONS } from '../pipeline';
import { LocalHistogram } from './local-histogram';

/** One counter series (fixed labels). */
export interface CounterSeries {
  inc(value?: number): void;
}

/** One histogram series (fixed labels). */
export interface HistogramSeries {
  observe(value: number): void;
}

/** The metrics of one kind of request (route, model, strategy), bound once. */
export interface RequestSeries {
  /**
   * Count one request with its status (`aborted`: the connection closed before the response was
   * complete) and observe its latency in seconds.
   */
  record(status: number | 'aborted', seconds: number): void;
}

export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'model' | 'strategy' | 'status'>;
  requestSeconds: LocalHistogram<'route' | 'strategy'>;
  upstreamCalls: Counter<'upstream' | 'path' | 'outcome'>;
  upstreamSeconds: LocalHistogram<'upstream' | 'path'>;
  ttsMethods: Counter<'method' | 'requested'>;
  ttsDegraded: Counter<'reason'>;
  ttsGenerations: Counter<'method'>;
  /** `auto` decisions by estimated difficulty bin and method run. */
  ttsAutoChoices: Counter<'bin' | 'method'>;
  /** Samples of the budget that early stopping did not draw. */
  earlyStopSavedSamples: Counter<'method'>;
  policyTokens: Counter<'kind'>;
  prmTokens: Counter<'kind'>;
  shadowRuns: Counter<'outcome'>;
  shadowAgreement: Counter<'agree'>;
  shadowRatio: Histogram<'kind'>;
  /** Requests per configured API key name (bounded by the config) and what became of them. */
  apiKeyRequests: Counter<'key' | 'outcome'>;
  recordUpstreamCall(event: {
    upstream: string;
    path: string;
    durationMs: number;
    outcome: string;
  }): void;
  /** Bound series for `tts_proxy_requests_total` and the latency histogram (memoised per tuple). */
  requestSeries(route: string, model: string, strategy: string): RequestSeries;
}

/**
 * Counter series that accumulate locally and are added to prom-client at scrape time. The tuples
 * come from bounded sets (configured models, strategies, upstream routes, HTTP statuses), so the
 * map stays small.
 */
function createPendingCounter<L extends string>(
  make: (collect: () => void) => Counter<L>,
  labelNames: readonly L[],
): { counter: Counter<L>; series(values: readonly string[]): CounterSeries } {
  const pending = new Map<string, { labels: Partial<Record<L, string>>; delta: number }>();
  const counter = make(() => {
    for (const entry of pending.values()) {
      if (entry.delta === 0) continue;
      counter.inc(entry.labels, entry.delta);
      entry.delta = 0;
    }
  });
  return {
    counter,
    series(values) {
      const key = values.join('\u0000');
      let entry = pending.get(key);
      if (!entry) {
        const labels: Partial<Record<L, string>> = {};
        labelNames.forEach((name, index) => {
          labels[name] = values[index] ?? '';
        });
        // Validates the tuple once (prom-client throws on unknown labels) and creates the series at 0.
        counter.inc(labels, 0);
        const created = { labels, delta: 0 };
        entry = created;
        pending.set(key, created);
      }
      const bound = entry;
      return {
        inc(value = 1) {
          bound.delta += value;
        },
      };
    },
  };
}

export function createMetrics(options: { collectDefaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry, prefix: 'tts_proxy_' });
  const requestLabels = ['route', 'model', 'strategy', 'status'] as const;
  const pendingRequests = createPendingCounter(
    (collect) =>
      new Counter({
        name: 'tts_proxy_requests_total',
        help: 'Client requests by route, model, strategy and status',
        labelNames: requestLabels,
        registers: [registry],
        collect,
      }),
    requestLabels,
  );
  const requests = pendingRequests.counter;
  // Observed on every request and upstream call: series counted locally (local-histogram.ts).
  const requestSeconds = new LocalHistogram({
    name: 'tts_proxy_request_duration_seconds',
    help: 'Client request latency',
    labelNames: ['route', 'strategy'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const upstreamLabels = ['upstream', 'path', 'outcome'] as const;
  const pendingUpstreamCalls = createPendingCounter(
    (collect) =>
      new Counter({
        name: 'tts_proxy_upstream_calls_total',
        help: 'Upstream calls by upstream, path and outcome',
        labelNames: upstreamLabels,
        registers: [registry],
        collect,
      }),
    upstreamLabels,
  );
  const upstreamCalls = pendingUpstreamCalls.counter;
  const upstreamSeconds = new LocalHistogram({
    name: 'tts_proxy_upstream_call_duration_seconds',
    help: 'Upstream call latency',
    labelNames: ['upstream', 'path'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  });
  const ttsMethods = new Counter({
    name: 'tts_proxy_tts_method_total',
    help: 'TTS requests by method run and strategy requested',
    labelNames: ['method', 'requested'] as const,
    registers: [registry],
  });
  const apiKeyRequests = new Counter({
    name: 'tts_proxy_api_key_requests_total',
    help: 'Authenticated requests by API key name (config), and refusals: rate_limited, unauthenticated (key "(none)")',
    labelNames: ['key', 'outcome'] as const,
    registers: [registry],
  });
  const ttsDegraded = new Counter({
    name: 'tts_proxy_tts_degraded_total',
    help: `TTS requests answered in a degraded mode, by reason (${DEGRADED_REASONS.join(', ')})`,
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const ttsGenerations = new Counter({
    name: 'tts_proxy_tts_generations_total',
    help: 'Policy continuations requested (budget spent)',
    labelNames: ['method'] as const,
    registers: [registry],
  });
  const ttsAutoChoices = new Counter({
    name: 'tts_proxy_tts_auto_choices_total',
    help: "tts_strategy auto decisions by estimated difficulty bin ('unknown' without a probe) and method run",
    labelNames: ['bin', 'method'] as const,
    registers: [registry],
  });
  const earlyStopSavedSamples = new Counter({
    name: 'tts_proxy_tts_early_stop_saved_samples_total',
    help: 'Budgeted samples not drawn because the vote was already decided',
    labelNames: ['method'] as const,
    registers: [registry],
  });
  const policyTokens = new Counter({
    name: 'tts_proxy_policy_tokens_total',
    help: 'Policy tokens of TTS requests: prompt (every call, re-sent prefixes included) and completion',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const prmTokens = new Counter({
    name: 'tts_proxy_prm_tokens_total',
    help: 'PRM input tokens processed or saved by the prefix cache',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const shadowRuns = new Counter({
    name: 'tts_proxy_shadow_runs_total',
    help: 'Shadow baseline (CoT) runs by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const shadowAgreement = new Counter({
    name: 'tts_proxy_shadow_agreement_total',
    help: 'Shadow runs whose answer agrees with the TTS answer (true/false/unknown)',
    labelNames: ['agree'] as const,
    registers: [registry],
  });
  const shadowRatio = new Histogram({
    name: 'tts_proxy_shadow_ratio',
    help: 'TTS cost relative to the shadow baseline, by kind (tokens, flops, latency)',
    labelNames: ['kind'] as const,
    buckets: [0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [registry],
  });
  const requestSecondsSeries = (values: readonly string[]): HistogramSeries =>
    requestSeconds.series(values);
  const upstreamSecondsSeries = (values: readonly string[]): HistogramSeries =>
    upstreamSeconds.series(values);
  // Bound series by label, one map level per label: looked up on every request and upstream
  // call, where joining the labels into one key cost a string built and hashed each time.
  const upstreamCallSeries: Nested<Nested<Map<string, BoundUpstreamCall>>> = new Map();
  const requestSeriesCache: Nested<Nested<Map<string, RequestSeries>>> = new Map();
  return {
    registry,
    shadowRuns,
    shadowAgreement,
    shadowRatio,
    apiKeyRequests,
    requests,
    requestSeconds,
    upstreamCalls,
    upstreamSeconds,
    ttsMethods,
    ttsDegraded,
    ttsGenerations,
    ttsAutoChoices,
    earlyStopSavedSamples,
    policyTokens,
    prmTokens,
    recordUpstreamCall(event) {
      const byOutcome = nested(nested(upstreamCallSeries, event.upstream), event.path);
      let bound = byOutcome.get(event.outcome);
      if (!bound) {
        bound = {
          calls: pendingUpstreamCalls.series([event.upstream, event.path, event.outcome]),
          seconds: upstreamSecondsSeries([event.upstream, event.path]),
        };
        byOutcome.set(event.outcome, bound);
      }
      bound.calls.inc();
      bound.seconds.observe(event.durationMs / 1000);
    },
    requestSeries(route, model, strategy) {
      const byStrategy = nested(nested(requestSeriesCache, route), model);
      const cached = byStrategy.get(strategy);
      if (cached) return cached;
      const seconds = requestSecondsSeries([route, strategy]);
      // Statuses are few (200, the 4xx/5xx of the error table): one series each, made on first use.
      const byStatus = new Map<number | 'aborted', CounterSeries>();
      const series: RequestSeries = {
        record(status, secondsTaken) {
          let counter = byStatus.get(status);
          if (!counter) {
            counter = pendingRequests.series([route, model, strategy, String(status)]);
            byStatus.set(status, counter);
          }
          counter.inc();
          seconds.observe(secondsTaken);
        },
      };
      byStrategy.set(strategy, series);
      return series;
    },
  };
}

interface BoundUpstreamCall {
  calls: CounterSeries;
  seconds: HistogramSeries;
}

type Nested<Inner> = Map<string, Inner>;

/** The inner map under `key`, made on first use. */
function nested<Value>(outer: Map<string, Map<string, Value>>, key: string): Map<string, Value> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}
