/**
 * Per-replica Prometheus series of every replica pool, read from `stats()` at scrape time (the
 * pools keep the counts; nothing is updated on the request path).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReplicaPool, ReplicaStats } from './replica-pool';

type Labels = 'upstream' | 'replica';

export function registerReplicaMetrics(
  registry: Registry,
  pools: ReadonlyMap<string, ReplicaPool>,
): void {
  if (pools.size === 0) return;
  const each = (visit: (labels: Record<Labels, string>, stats: ReplicaStats) => void): void => {
    for (const [upstream, pool] of pools)
      for (const stats of pool.stats()) visit({ upstream, replica: stats.url }, stats);
  };
  const labelNames = ['upstream', 'replica'] as const;
  new Gauge({
    name: 'tts_proxy_upstream_replica_outstanding',
    help: 'Calls in flight per upstream replica',
    labelNames,
    registers: [registry],
    collect() {
      each((labels, stats) => this.set(labels, stats.outstanding));
    },
  });
  new Gauge({
    name: 'tts_proxy_upstream_replica_ejected',
    help: '1 while a replica is out of rotation (failed calls or health probes)',
    labelNames,
    registers: [registry],
    collect() {
      each((labels, stats) => this.set(labels, stats.isEjected ? 1 : 0));
    },
  });
  // Counters whose totals live in the pool: reset and refill at each scrape.
  const counters: [string, string, (stats: ReplicaStats) => number][] = [
    [
      'tts_proxy_upstream_replica_calls_total',
      'Calls sent to each upstream replica (retries included)',
      (stats) => stats.calls,
    ],
    [
      'tts_proxy_upstream_replica_failures_total',
      'Failed calls and health probes per upstream replica',
      (stats) => stats.failures,
    ],
    [
      'tts_proxy_upstream_replica_ejections_total',
      'Times each upstream replica was ejected',
      (stats) => stats.ejections,
    ],
  ];
  for (const [name, help, read] of counters) {
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        each((labels, stats) => this.inc(labels, read(stats)));
      },
    });
  }
}
