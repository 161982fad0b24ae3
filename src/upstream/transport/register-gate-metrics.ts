/**
 * How many search calls wait for a connection, per upstream (its replicas summed), read from the
 * gates at scrape time: the queue a burst of large searches builds (fair-gate.ts).
 */
import { Gauge, type Registry } from 'prom-client';
import type { FairGate } from './fair-gate';

export function registerGateMetrics(
  registry: Registry,
  gates: ReadonlyMap<string, readonly FairGate[]>,
): void {
  const each = (
    read: (gate: FairGate) => number,
    set: (upstream: string, value: number) => void,
  ) => {
    for (const [upstream, list] of gates) {
      let total = 0;
      for (const gate of list) total += read(gate);
      set(upstream, total);
    }
  };
  new Gauge({
    name: 'tts_proxy_upstream_calls_waiting',
    help: 'Search calls waiting for a free upstream connection (they take turns by request)',
    labelNames: ['upstream'] as const,
    registers: [registry],
    collect() {
      each(
        (gate) => gate.load.waiting,
        (upstream, value) => this.set({ upstream }, value),
      );
    },
  });
  new Gauge({
    name: 'tts_proxy_upstream_calls_running',
    help: "Search calls on an upstream's connections now (at most max_connections per replica)",
    labelNames: ['upstream'] as const,
    registers: [registry],
    collect() {
      each(
        (gate) => gate.load.running,
        (upstream, value) => this.set({ upstream }, value),
      );
    },
  });
}
