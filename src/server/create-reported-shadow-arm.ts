/**
 * The online A/B shadow arm (config `ab`) wired to the server's metrics and log: each finished
 * baseline run counts its agreement and cost ratios, a failed one is counted and logged.
 */
import type { Logger } from 'pino';
import { createShadowArm, type ShadowArm } from '../pipeline';
import type { Metrics } from './metrics';

export function createReportedShadowArm(
  settings: { rate: number; maxConcurrent: number } | null,
  metrics: Metrics,
  logger: Logger,
): ShadowArm | null {
  if (!settings || settings.rate <= 0) return null;
  return createShadowArm(
    {
      rate: settings.rate,
      arm: 'cot',
      maxConcurrent: settings.maxConcurrent,
      random: Math.random,
    },
    (outcome) => {
      metrics.shadowRuns.inc({ outcome: 'ok' });
      metrics.shadowAgreement.inc({
        agree: outcome.agree === null ? 'unknown' : String(outcome.agree),
      });
      metrics.shadowRatio.observe({ kind: 'tokens' }, outcome.tokenRatio);
      metrics.shadowRatio.observe({ kind: 'flops' }, outcome.flopsRatio);
      metrics.shadowRatio.observe({ kind: 'latency' }, outcome.latencyRatio);
      logger.info({ shadow: outcome }, 'shadow baseline arm finished');
    },
    (error) => {
      metrics.shadowRuns.inc({ outcome: 'error' });
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'shadow baseline arm failed',
      );
    },
  );
}
