/**
 * /health: every upstream probed on its stack's health route; degraded when one is down or a
 * pool has an ejected replica.
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
