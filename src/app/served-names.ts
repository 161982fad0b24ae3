/**
 * Each vLLM upstream must serve the names the config sends as `model` (vLLM answers 404 to any
 * other). Checked at start-up against `/v1/models`: reachable and missing → the start fails,
 * naming both; unreachable → the upstream stays "not ready" in /health until a later probe finds
 * it up and its names check out. What that later probe detects is passed to `onDetected`.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import {
  checkServedNames,
  detectVllmCapabilities,
  type ExpectedServedName,
  type UpstreamClient,
  type VllmCapabilities,
} from '../upstream';

export interface ServedNameGate {
  /** @throws ConfigError when the listed models lack a configured name. */
  check(upstream: string, listed: readonly string[]): void;
  /** The upstream could not be reached: keep it not ready until checked. */
  markUnchecked(upstream: string): void;
  /** Upstreams not checked yet (not reached, or reached serving other names). */
  unchecked(): string[];
  /** Why the upstream is not ready, after re-checking it if it is up now; null when ready. */
  problem(upstream: string, client: UpstreamClient, isUp: boolean): Promise<string | null>;
}

export function createServedNameGate(
  config: Config,
  logger: Logger,
  onDetected: (upstream: string, detected: VllmCapabilities) => void = () => undefined,
): ServedNameGate {
  const expected = (upstream: string): ExpectedServedName[] => [
    ...config.models.flatMap((model, i) =>
      model.upstream === upstream
        ? [{ configPath: `models.${i}.served_name`, servedName: model.served_name }]
        : [],
    ),
    ...config.prms.flatMap((prm, i) =>
      prm.upstream === upstream
        ? [{ configPath: `prms.${i}.served_name`, servedName: prm.served_name }]
        : [],
    ),
  ];
  const problems = new Map<string, string>();
  return {
    check(upstream, listed) {
      // A replayed upstream answers only what was recorded.
      if (config.upstreams[upstream]?.replay !== undefined) return;
      checkServedNames(upstream, listed, expected(upstream));
      problems.delete(upstream);
    },
    markUnchecked(upstream) {
      problems.set(
        upstream,
        `upstream '${upstream}' has not been reached yet: served names unchecked`,
      );
    },
    unchecked: () => [...problems.keys()],
    async problem(upstream, client, isUp) {
      if (isUp && problems.has(upstream)) {
        try {
          const listed = await detectVllmCapabilities(client, { probePooling: false });
          onDetected(upstream, listed);
          checkServedNames(
            upstream,
            listed.models.map((model) => model.id),
            expected(upstream),
          );
          problems.delete(upstream);
        } catch (error) {
          problems.set(upstream, (error as Error).message);
          logger.error({ upstream, err: (error as Error).message }, 'upstream check failed');
        }
      }
      return problems.get(upstream) ?? null;
    },
  };
}
