/**
 * One client per configured upstream (a server, a pool of replicas, a replay, maybe recorded),
 * and the startup log of what each upstream is.
 */
import type { Logger } from 'pino';
import type { Config, UpstreamConfig } from '../config';
import { ConfigError } from '../errors';
import type { Metrics } from '../server';
import type { RunningSimulator } from '../sim';
import {
  BACKEND_CAPABILITIES,
  createRecordingUpstream,
  createReplayUpstream,
  createReplicaPool,
  createUpstreamClient,
  detectVllmCapabilities,
  FairGate,
  registerGateMetrics,
  registerReplicaMetrics,
  resolveRecordingPath,
  retryRuleFor,
  type ReplicaPool,
  type StackKind,
  type UpstreamClient,
  type VllmCapabilities,
} from '../upstream';
import type { ServedNameGate } from './served-names';
import { upstreamUrls } from './simulators';

/** How /health and a pool's health checks tell that a server of this stack is up. */
export function healthProbe(kind: StackKind): {
  path: string;
  isHealthy: (status: number | null) => boolean;
} {
  // OpenAI-style chat APIs have no /health; FastChat workers have no GET health route, so any
  // HTTP answer means the worker is up.
  if (kind === 'openai-chat') return { path: '/v1/models', isHealthy: (status) => status === 200 };
  if (kind === 'fastchat') return { path: '/health', isHealthy: (status) => status !== null };
  return { path: '/health', isHealthy: (status) => status === 200 };
}

export interface ClientContext {
  env: NodeJS.ProcessEnv;
  configPath: string;
  metrics: Metrics;
  logger: Logger;
}

/**
 * One upstream's client: a replay of a recording, one server, or a pool of replicas (each a
 * client without retries: the pool retries on another replica), wrapped by a recorder when
 * `record` is set. Everything above sees one UpstreamClient either way.
 */
function createConfiguredClient(
  name: string,
  upstream: UpstreamConfig,
  urls: readonly string[],
  context: ClientContext,
): { client: UpstreamClient; pool: ReplicaPool | null; gates: FairGate[] } {
  const { env, logger } = context;
  // Each server's share of its connections, kept for the queue metrics.
  const gates: FairGate[] = [];
  if (upstream.replay !== undefined) {
    const file = resolveRecordingPath(upstream.replay, context.configPath);
    logger.warn(
      { upstream: name, file },
      `upstream '${name}' REPLAYS the recording ${file}: no server is contacted`,
    );
    return {
      client: createReplayUpstream({ name, file, field: `upstreams.${name}.replay` }),
      pool: null,
      gates,
    };
  }
  const apiKey = upstream.api_key_env ? env[upstream.api_key_env] : undefined;
  if (upstream.api_key_env && !apiKey)
    logger.warn(
      { upstream: name },
      `env var ${upstream.api_key_env} (upstream API key) is not set`,
    );
  const server = (baseUrl: string, retries: number): UpstreamClient => {
    const gate = new FairGate(upstream.max_connections);
    gates.push(gate);
    return createUpstreamClient({
      name,
      baseUrl,
      ...(apiKey ? { apiKey } : {}),
      timeoutMs: upstream.timeout_ms,
      maxConnections: upstream.max_connections,
      retries,
      shouldRetry: retryRuleFor(upstream.kind),
      onCall: (event) => context.metrics.recordUpstreamCall(event),
      gate,
    });
  };
  let client: UpstreamClient;
  let pool: ReplicaPool | null = null;
  if (urls.length === 1) {
    client = server(urls[0] as string, upstream.retries);
  } else {
    const probe = healthProbe(upstream.kind);
    pool = createReplicaPool({
      name,
      replicas: urls.map((url) => server(url, 0)),
      retries: upstream.retries,
      shouldRetry: retryRuleFor(upstream.kind),
      ejectAfterFailures: upstream.pool.eject_after_failures,
      balanceFactor: upstream.pool.balance_factor,
      healthCheck: {
        ...probe,
        intervalMs: upstream.pool.health_interval_ms,
        timeoutMs: Math.min(2000, upstream.pool.health_interval_ms),
      },
      onReplicaChange: (event) =>
        logger.warn(
          { upstream: name, replica: event.replica, reason: event.reason },
          `upstream '${name}' replica ${event.replica} ${event.change}`,
        ),
    });
    client = pool;
    logger.info(
      { upstream: name, replicas: pool.stats().map((replica) => replica.url) },
      `upstream '${name}' balances ${urls.length} replicas`,
    );
  }
  if (upstream.record !== undefined) {
    const file = resolveRecordingPath(upstream.record, context.configPath);
    client = createRecordingUpstream({ client, file });
    logger.warn({ upstream: name, file }, `upstream '${name}' RECORDS every exchange to ${file}`);
  }
  return { client, pool, gates };
}

export interface UpstreamClients {
  clients: Map<string, UpstreamClient>;
  pools: Map<string, ReplicaPool>;
  /** The client of a named upstream (a ConfigError when there is none). */
  client(name: string): UpstreamClient;
  /** The stack kind of a named upstream. */
  kindOf(upstream: string): StackKind;
}

/** Build every upstream's client and register the pools' replica metrics. */
export function createUpstreamClients(
  config: Config,
  simulatorReplicas: Record<string, RunningSimulator[]>,
  context: ClientContext,
): UpstreamClients {
  const clients = new Map<string, UpstreamClient>();
  const pools = new Map<string, ReplicaPool>();
  const gates = new Map<string, FairGate[]>();
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    const urls =
      upstream.replay === undefined ? upstreamUrls(name, upstream, simulatorReplicas) : [];
    const built = createConfiguredClient(name, upstream, urls, context);
    clients.set(name, built.client);
    if (built.pool) pools.set(name, built.pool);
    gates.set(name, built.gates);
  }
  registerReplicaMetrics(context.metrics.registry, pools);
  registerGateMetrics(context.metrics.registry, gates);
  const client = (name: string): UpstreamClient => {
    const found = clients.get(name);
    if (!found) throw new ConfigError('upstreams', `unknown upstream '${name}'`);
    return found;
  };
  const kindOf = (upstream: string): StackKind => config.upstreams[upstream]?.kind ?? 'vllm';
  return { clients, pools, client, kindOf };
}

/** The log line of a detected vLLM upstream (at start-up, or when it first answers later). */
export function logDetected(logger: Logger, name: string, detected: VllmCapabilities): void {
  logger.info(
    {
      upstream: name,
      version: detected.version,
      models: detected.models.map((m) => m.id),
      simulated: detected.isSimulated,
      errorShape: detected.errorShape,
      poolingRoute: detected.poolingRoute,
    },
    `upstream '${name}' detected: ${detected.description}`,
  );
}

/**
 * Say what each upstream is (vLLM: detected version, models, routes), recording each reachable
 * vLLM upstream in `detectedByName`; unreachable is a warning (late-detection.ts detects it once
 * it answers).
 */
export async function describeUpstreams(
  config: Config,
  upstreams: UpstreamClients,
  logger: Logger,
  servedNames: ServedNameGate,
  detectedByName: Map<string, VllmCapabilities>,
): Promise<void> {
  for (const [name, upstreamClient] of upstreams.clients) {
    const kind = upstreams.kindOf(name);
    if (kind !== 'vllm') {
      logger.info(
        { upstream: name, kind },
        `upstream '${name}' is ${kind}: methods ${BACKEND_CAPABILITIES[kind].methods.join(', ')}`,
      );
      continue;
    }
    try {
      const detected = await detectVllmCapabilities(upstreamClient, {
        probePooling: config.prms.some((p) => p.upstream === name),
      });
      logDetected(logger, name, detected);
      detectedByName.set(name, detected);
      servedNames.check(
        name,
        detected.models.map((m) => m.id),
      );
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      servedNames.markUnchecked(name);
      logger.warn(
        { upstream: name, err: (error as Error).message },
        `upstream '${name}' is not reachable yet; requests will retry`,
      );
    }
  }
}
