/**
 * What `createApp` is built from: the composition root (src/app/) fills it from the config, tests
 * with fakes.
 */
import type { GroupingService } from '../answer';
import type { Logger } from 'pino';
import type { ChatForwarder } from '../contracts';
import type { ModelBackend, TtsDefaults } from '../pipeline';
import type { AdmissionOptions } from './admission';
import type { ApiKeyPolicy } from './auth';
import type { Metrics } from './metrics';
import type { OperatorRouteExposure } from './operator-routes';
import type { RetryRunner } from './passthrough/forward-request';
import type { BodyLimits } from './read-json-body';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  upstreams: Record<
    string,
    {
      status: 'ok' | 'down';
      url: string;
      simulated: boolean;
      httpStatus: number | null;
      /** Why a reachable upstream is not ready (e.g. its served names are not checked yet). */
      error?: string;
    }
  >;
}

export interface AppDeps {
  logger: Logger;
  /** Each model: what the pipeline solves with, and how a plain request is passed through. */
  backends: ReadonlyMap<string, ModelBackend & ChatForwarder>;
  ttsDefaults: TtsDefaults;
  /** Accepted client keys with their limits; empty = no auth. */
  apiKeys: readonly ApiKeyPolicy[];
  bodyLimitBytes: number;
  /** Origins browsers may call from (CORS); `*` = any; empty = no CORS. Default `['*']`. */
  corsAllowedOrigins?: readonly string[];
  /** Policy upstream that receives the allow-listed /v1 routes (null = 404 for them). */
  passthrough: {
    url: string;
    apiKey?: string;
    /** "METHOD /v1/path" entries; default: vLLM's OpenAI routes (passthrough-routes.ts). */
    routes?: readonly string[];
    timeoutMs?: number;
    retries?: number;
    /** The shared upstream retry rule (composition root: src/upstream/transport/retry.ts). */
    retry?: RetryRunner;
  } | null;
  /** Body limits beyond the size (defaults: read-json-body.ts `bodyLimits`). */
  body?: Partial<Omit<BodyLimits, 'limitBytes' | 'gate'>> & {
    maxBufferedBodies?: number;
    maxBufferedBytes?: number;
  };
  /** Who may read /health's detail and /metrics when API keys are configured. */
  exposure?: OperatorRouteExposure;
  health: () => Promise<HealthReport>;
  metrics: Metrics;
  keepaliveMs: number;
  admission: AdmissionOptions;
  /** Online A/B shadow arm (config `ab`); rate 0 = off. */
  shadow: { rate: number; maxConcurrent: number } | null;
  now?: () => number;
  randomSeed?: () => number;
  /** Where votes group answers (a worker pool); the request's own thread when absent. */
  grouping?: GroupingService;
}
