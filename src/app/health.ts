/**
 * /health: every upstream probed on its stack's health route; degraded when one is down or a
 * pool has an ejected replica. Requests share one probe round (`shareHealthChecks`).
 */
import type { Config } from '../config';
import type { HealthReport } from '../server';
import type { VllmCapabilities } from '../upstream';
import type { ServedNameGate } from './served-names';
import { healthProbe, type UpstreamClients } from './upstream-clients';
import { redactUrl } from '../util';

export function createHealthCheck(
  config: Config,
  configured: UpstreamClients,
  servedNames: ServedNameGate,
  detected: ReadonlyMap<string, VllmCapabilities> = new Map(),
): () => Promise<HealthReport> {
  return async (): Promise<HealthReport> => {
    const entries = await Promise.all(
      [...configured.clients].map(async ([name, upstreamClient]) => {
        const probe = healthProbe(configured.kindOf(name));
        // A pool probes every replica (and updates their ejection) and is up while one is.
        const status = await upstreamClient.probe(probe.path, 2000);
        const isUp = probe.isHealthy(status);
        // Reachable but its served names never checked (or wrong): not ready, with the reason.
        const problem = await servedNames.problem(name, upstreamClient, isUp);
        const replicas = configured.pools.get(name)?.stats();
        const entry = {
          status: isUp && problem === null ? ('ok' as const) : ('down' as const),
          ...(problem !== null ? { error: problem } : {}),
          url: redactUrl(upstreamClient.baseUrl),
          simulated:
            config.upstreams[name]?.url === 'sim' || detected.get(name)?.isSimulated === true,
          httpStatus: status,
          ...(replicas ? { replicas } : {}),
          ...(config.upstreams[name]?.replay !== undefined ? { replay: true } : {}),
        };
        return [name, entry] as const;
      }),
    );
    const upstreams = Object.fromEntries(entries);
    const downs = entries.filter(([, e]) => e.status === 'down').length;
    // Every request needs its model's policy: with none up, the pod can answer nothing but 5xx
    // (a PRM that still answers kept it ready, taking traffic it could only fail).
    const policies = new Set(config.models.map((model) => model.upstream));
    const isNoPolicyUp = entries.every(
      ([name, entry]) => !policies.has(name) || entry.status === 'down',
    );
    // An ejected replica leaves its upstream up but the service short of capacity.
    const isShort = [...configured.pools.values()].some((pool) =>
      pool.stats().some((replica) => replica.isEjected),
    );
    return {
      status:
        downs === 0
          ? isShort
            ? 'degraded'
            : 'ok'
          : downs === entries.length || isNoPolicyUp
            ? 'down'
            : 'degraded',
      upstreams,
    };
  };
}

/** How long a finished probe round answers later requests (readiness probes come seconds apart). */
export const HEALTH_REUSE_MS = 1000;

/**
 * One probe round at a time, its report reused for `reuseMs` after it ends. Every /health used
 * to probe every upstream anew, on each upstream's one probe connection, with no key needed: a
 * flood of /health (250 loops) queued the probes past their 2 s timeout and reported healthy
 * upstreams down, which would take every replica out of its Service (review 25, hostile F1).
 */
export function shareHealthChecks(
  check: () => Promise<HealthReport>,
  reuseMs = HEALTH_REUSE_MS,
  now: () => number = () => performance.now(),
): () => Promise<HealthReport> {
  let running: Promise<HealthReport> | null = null;
  let last: { report: HealthReport; at: number } | null = null;
  return () => {
    if (last !== null && now() - last.at < reuseMs) return Promise.resolve(last.report);
    if (running === null) {
      const round = check().then(
        (report) => {
          last = { report, at: now() };
          running = null;
          return report;
        },
        (error: unknown) => {
          running = null;
          throw error;
        },
      );
      running = round;
    }
    return running;
  };
}
