/**
 * Prometheus metrics (prom-client): requests, latencies, upstream calls, TTS choices and
 * degradations. One registry per app so tests can run several apps in one process.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'model' | 'strategy' | 'status'>;
  requestSeconds: Histogram<'route' | 'strategy'>;
  upstreamCalls: Counter<'upstream' | 'path' | 'outcome'>;
  upstreamSeconds: Histogram<'upstream' | 'path'>;
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
  recordUpstreamCall(event: { upstream: string; path: string; durationMs: number; outcome: string }): void;
}

export function createMetrics(options: { collectDefaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry, prefix: 'tts_proxy_' });
  const requests = new Counter({ name: 'tts_proxy_requests_total', help: 'Client requests by route, model, strategy and status', labelNames: ['route', 'model', 'strategy', 'status'] as const, registers: [registry] });
  const requestSeconds = new Histogram({ name: 'tts_proxy_request_duration_seconds', help: 'Client request latency', labelNames: ['route', 'strategy'] as const, buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300], registers: [registry] });
  const upstreamCalls = new Counter({ name: 'tts_proxy_upstream_calls_total', help: 'Upstream calls by upstream, path and outcome', labelNames: ['upstream', 'path', 'outcome'] as const, registers: [registry] });
  const upstreamSeconds = new Histogram({ name: 'tts_proxy_upstream_call_duration_seconds', help: 'Upstream call latency', labelNames: ['upstream', 'path'] as const, buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120], registers: [registry] });
  const ttsMethods = new Counter({ name: 'tts_proxy_tts_method_total', help: 'TTS requests by method run and strategy requested', labelNames: ['method', 'requested'] as const, registers: [registry] });
  const ttsDegraded = new Counter({ name: 'tts_proxy_tts_degraded_total', help: 'TTS requests answered in a degraded mode', labelNames: ['reason'] as const, registers: [registry] });
  const ttsGenerations = new Counter({ name: 'tts_proxy_tts_generations_total', help: 'Policy continuations requested (budget spent)', labelNames: ['method'] as const, registers: [registry] });
  const ttsAutoChoices = new Counter({ name: 'tts_proxy_tts_auto_choices_total', help: "tts_strategy auto decisions by estimated difficulty bin ('unknown' without a probe) and method run", labelNames: ['bin', 'method'] as const, registers: [registry] });
  const earlyStopSavedSamples = new Counter({ name: 'tts_proxy_tts_early_stop_saved_samples_total', help: 'Budgeted samples not drawn because the vote was already decided', labelNames: ['method'] as const, registers: [registry] });
  const policyTokens = new Counter({ name: 'tts_proxy_policy_tokens_total', help: 'Policy tokens', labelNames: ['kind'] as const, registers: [registry] });
  const prmTokens = new Counter({ name: 'tts_proxy_prm_tokens_total', help: 'PRM input tokens processed or saved by the prefix cache', labelNames: ['kind'] as const, registers: [registry] });
  const shadowRuns = new Counter({ name: 'tts_proxy_shadow_runs_total', help: 'Shadow baseline (CoT) runs by outcome', labelNames: ['outcome'] as const, registers: [registry] });
  const shadowAgreement = new Counter({ name: 'tts_proxy_shadow_agreement_total', help: 'Shadow runs whose answer agrees with the TTS answer (true/false/unknown)', labelNames: ['agree'] as const, registers: [registry] });
  const shadowRatio = new Histogram({ name: 'tts_proxy_shadow_ratio', help: 'TTS cost relative to the shadow baseline, by kind (tokens, flops, latency)', labelNames: ['kind'] as const, buckets: [0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [registry] });
  return {
    registry,
    shadowRuns,
    shadowAgreement,
    shadowRatio,
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
      upstreamCalls.inc({ upstream: event.upstream, path: event.path, outcome: event.outcome });
      upstreamSeconds.observe({ upstream: event.upstream, path: event.path }, event.durationMs / 1000);
    },
  };
}
