/**
 * The real app with one vLLM-backed model and no PRM, in front of an upstream a test runs itself:
 * the plain chat route as production wires it, without the config loader.
 */
import pino, { type Logger } from 'pino';
import { createApp, type TtsProxyApp } from '../../../src/server/create-app';
import { createMetrics } from '../../../src/server/metrics';
import { createUpstreamClient, type UpstreamClient } from '../../../src/upstream';
import { createVllmModelBackend } from '../../../src/upstream/vllm';
import { testModelInfo } from '../../unit/model-info-fixture';

export interface PlainChatAppOptions {
  upstreamUrl: string;
  /** The name clients ask for, and the upstream's served name for it. */
  clientName: string;
  servedName: string;
  /** Extra attempts of the upstream client. */
  retries: number;
  /** The app's log (silent when not given). */
  logger?: Logger;
  /** Serve the /v1 passthrough too, to the same upstream. */
  withPassthrough?: boolean;
}

export function createPlainChatApp(options: PlainChatAppOptions): {
  app: TtsProxyApp;
  client: UpstreamClient;
} {
  const client = createUpstreamClient({
    name: 'policy',
    baseUrl: options.upstreamUrl,
    timeoutMs: 5000,
    maxConnections: 4,
    retries: options.retries,
  });
  const backend = createVllmModelBackend({
    info: testModelInfo({
      name: options.clientName,
      servedName: options.servedName,
      isSimulated: false,
    }),
    policyClient: client,
    stepApi: 'completions',
    buildMessages: (messages) => [...messages],
    verifier: null,
  });
  const app = createApp({
    logger: options.logger ?? pino({ level: 'silent' }),
    backends: new Map([[options.clientName, backend]]),
    ttsDefaults: {
      defaultStrategy: 'best_of_n',
      defaultBudget: 4,
      maxBudget: 64,
      defaultM: 4,
      defaultTimeoutMs: 60_000,
      maxTimeoutMs: 120_000,
    },
    apiKeys: [],
    bodyLimitBytes: 1024 * 1024,
    passthrough:
      options.withPassthrough === true
        ? { url: options.upstreamUrl, retries: options.retries }
        : null,
    health: () => Promise.resolve({ status: 'ok', upstreams: {} }),
    metrics: createMetrics(),
    keepaliveMs: 15_000,
    admission: { maxConcurrent: 8, maxQueued: 8, queueTimeoutMs: 1000 },
    shadow: null,
  });
  return { app, client };
}
