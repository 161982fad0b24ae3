/**
 * Who may read the operator routes when client API keys are configured: `/health` answers
 * everyone with its status (probes need no key) but lists upstreams, URLs and replicas only to a
 * caller with a valid key; `/metrics` (key names, upstream names) can require a key too
 * (`server.metrics_require_key`). Without keys configured both stay open, as before.
 */
import type { Caller } from './auth';

export interface OperatorRouteExposure {
  /** /metrics answers 401 without a valid key (only when keys are configured). */
  metricsNeedKey: boolean;
}

export interface OperatorRouteGuard {
  mayReadDetail(authorization: string | undefined): boolean;
  /** Throws AuthenticationError when /metrics needs a key the caller did not give. */
  checkMetrics(authorization: string | undefined): void;
}

export function guardOperatorRoute(
  checkKey: ((authorization: string | undefined) => Caller) | null,
  exposure: OperatorRouteExposure,
): OperatorRouteGuard {
  return {
    mayReadDetail(authorization) {
      if (!checkKey) return true;
      try {
        checkKey(authorization);
        return true;
      } catch {
        return false;
      }
    },
    checkMetrics(authorization) {
      if (checkKey && exposure.metricsNeedKey) checkKey(authorization);
    },
  };
}
