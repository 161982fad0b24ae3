/**
 * The real app with one vLLM-backed model and no PRM, in front of an upstream a test runs itself:
 * the plain chat route as production wires it, without the config loader.
 */
import pino from 'pino';
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
    logger: pino({ level: 'silent' }),
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
    passthrough: null,
    health: () => Promise.resolve({ status: 'ok', upstreams: {} }),
    metrics: createMetrics(),
    keepaliveMs: 15_000,
    admission: { maxConcurrent: 8, maxQueued: 8, queueTimeoutMs: 1000 },
    shadow: null,
  });
  return { app, client };
}
