/**
 * Server composition root: load config, start the embedded simulator for `url: sim` upstreams,
 * build upstream clients, PRM verifiers and model backends, create the app and listen.
 * The only place (with `cli/`) that reads env and files and picks concrete classes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config, type ModelConfig, type UpstreamConfig } from './config';
import { ConfigError } from './errors';
import type {
  AutoSettings,
  ModelBackend,
  ModelInfo,
  PolicyMessage,
  PrmInfo,
  SamplingPreset,
  ShadowArm,
  TtsDefaults,
} from './pipeline';
import { getPrmFamily } from './prm';
import { buildPolicyMessages, getPolicyPreset } from './prompt';
import {
  createApp,
  createMetrics,
  type ApiKeyPolicy,
  type HealthReport,
  type Metrics,
} from './server';
import { parseStrategyTable, type EarlyStopRule, type StrategyTable } from './select';
import { startSimulator, type RunningSimulator } from './sim';
import type { Verifier } from './tts';
import {
  BACKEND_CAPABILITIES,
  FASTCHAT_PRM_FAMILIES,
  checkPrmSpecialTokens,
  createFastchatPrmVerifier,
  createPrmCache,
  createPrmVerifier,
  createRecordingUpstream,
  createReplayUpstream,
  createReplicaPool,
  createStackModelBackend,
  createUpstreamClient,
  createVllmModelBackend,
  detectVllmCapabilities,
  isFastchatPrmFamily,
  registerReplicaMetrics,
  resolveRecordingPath,
  unsupportedMethodReasons,
  type ReplicaPool,
  type StackKind,
  type UpstreamClient,
} from './upstream';

export interface StartOptions {
  configPath: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Override the configured port (tests pass 0). */
  port?: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  metrics: Metrics;
  /** Background A/B runs (null when `ab.shadow_rate` is 0). */
  shadow: ShadowArm | null;
  /** The simulator of each `url: sim` upstream (its first one when `sim.replicas` > 1). */
  simulators: Record<string, RunningSimulator>;
  /** Every simulator of each `url: sim` upstream, in replica order. */
  simulatorReplicas: Record<string, RunningSimulator[]>;
  logger: Logger;
  /** Write out log lines still buffered (see `createLogOutput`); `close()` does it too. */
  flushLogs(): void;
  close(): Promise<void>;
}

/** Log lines wait at most this long in the buffer when traffic is too light to fill it. */
const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * stdout for the logs, written in batches of ~4 KB (and at least every 200 ms) rather than one
 * write per line: the per-request access line's own write was ~11% of the proxy's CPU on a plain
 * passthrough. Writes stay synchronous and the rest is written on close and at process exit
 * (a crash included); only a kill that skips 'exit' (SIGKILL, abort) loses the last ≤ 200 ms.
 */
function createLogOutput(): {
  destination: ReturnType<typeof pino.destination>;
  flush: () => void;
  stop: () => void;
} {
  const destination = pino.destination({ dest: 1, minLength: 4096, sync: true });
  const flush = (): void => {
    try {
      destination.flushSync();
    } catch {
      // stdout already gone: nobody is left to read the lines.
    }
  };
  // flush() without a callback writes the buffer without an fsync (flushSync ends with one,
  // a blocking disk flush when stdout is a file); the timer runs 5 times a second.
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // as above
    }
  }, LOG_FLUSH_INTERVAL_MS);
  timer.unref();
  process.on('exit', flush);
  return {
    destination,
    flush,
    stop: () => {
      clearInterval(timer);
      process.off('exit', flush);
    },
  };
}

/** The maximum depth of step-wise search (paper: 40 steps). */
const MAX_DEPTH = 40;

function upstreamRole(
  config: Config,
  upstreamName: string,
): { role: 'policy'; model: ModelConfig } | { role: 'prm'; prm: Config['prms'][number] } | null {
  const model = config.models.find((m) => m.upstream === upstreamName);
  const prm = config.prms.find((p) => p.upstream === upstreamName);
  if (model && prm)
    throw new ConfigError(
      `upstreams.${upstreamName}`,
      'a simulated upstream serves one model: a policy or a PRM, not both',
    );
  if (model) return { role: 'policy', model };
  if (prm) return { role: 'prm', prm };
  return null;
}

async function startSimulators(
  config: Config,
  logger: Logger,
): Promise<Record<string, RunningSimulator[]>> {
  const simulators: Record<string, RunningSimulator[]> = {};
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    // A replayed upstream answers from its recording: no simulator runs.
    if (upstream.url !== 'sim' || upstream.replay !== undefined) continue;
    const role = upstreamRole(config, name);
    if (!role) continue;
    const sim = upstream.sim;
    const common = {
      seed: sim.seed,
      host: '127.0.0.1',
      port: 0,
      latency: {
        perCallMs: sim.latency.per_call_ms,
        prefillMsPerToken: sim.latency.prefill_ms_per_token,
        decodeMsPerToken: sim.latency.decode_ms_per_token,
      },
      faults: {
        errorRate: sim.faults.error_rate,
        timeoutRate: sim.faults.timeout_rate,
        slowRate: sim.faults.slow_rate,
        slowMs: sim.faults.slow_ms,
        malformedRate: sim.faults.malformed_rate,
      },
      log: (line: string) => logger.info({ upstream: name, simulated: true }, line),
    };
    const replicas: RunningSimulator[] = [];
    // Same seed for every replica: a pool of simulators answers like one, whichever replica serves.
    for (let replica = 0; replica < sim.replicas; replica++) {
      replicas.push(
        role.role === 'policy'
          ? await startSimulator({
              ...common,
              role: 'policy',
              model: {
                servedName: role.model.served_name,
                paramsB: role.model.params_b,
                family: role.model.family === 'qwen2.5-math' ? 'qwen2.5' : role.model.family,
              },
            })
          : await startSimulator({
              ...common,
              role: 'prm',
              model: {
                servedName: role.prm.served_name,
                paramsB: role.prm.params_b,
                family: role.prm.family,
                quality: sim.quality,
                maxModelLen: role.prm.max_input_tokens,
              },
            }),
      );
    }
    simulators[name] = replicas;
    logger.warn(
      { upstream: name, url: replicas.map((replica) => replica.url) },
      `upstream '${name}' is SIMULATED (no GPU): answers come from a synthetic math world, not a real model. ` +
        `To use real vLLM, set upstreams.${name}.url (e.g. TTS_PROXY__UPSTREAMS__${name.toUpperCase()}__URL=http://gpu-host:8000).`,
    );
  }
  return simulators;
}

/** The servers of an upstream: its url, its replicas, or its running simulators. */
function upstreamUrls(
  name: string,
  upstream: UpstreamConfig,
  simulators: Record<string, RunningSimulator[]>,
): string[] {
  if (upstream.replicas !== undefined) return upstream.replicas;
  if (upstream.url !== 'sim') return upstream.url === undefined ? [] : [upstream.url];
  const sims = simulators[name];
  if (!sims)
    throw new ConfigError(
      `upstreams.${name}.url`,
      "'sim' upstream is not used by any model or prm",
    );
  return sims.map((sim) => sim.url);
}

/** How /health and a pool's health checks tell that a server of this stack is up. */
function healthProbe(kind: StackKind): {
  path: string;
  isHealthy: (status: number | null) => boolean;
} {
  // OpenAI-style chat APIs have no /health; FastChat workers have no GET health route, so any
  // HTTP answer means the worker is up.
  if (kind === 'openai-chat') return { path: '/v1/models', isHealthy: (status) => status === 200 };
  if (kind === 'fastchat') return { path: '/health', isHealthy: (status) => status !== null };
  return { path: '/health', isHealthy: (status) => status === 200 };
}

interface ClientContext {
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
): { client: UpstreamClient; pool: ReplicaPool | null } {
  const { env, logger } = context;
  if (upstream.replay !== undefined) {
    const file = resolveRecordingPath(upstream.replay, context.configPath);
    logger.warn(
      { upstream: name, file },
      `upstream '${name}' REPLAYS the recording ${file}: no server is contacted`,
    );
    return {
      client: createReplayUpstream({ name, file, field: `upstreams.${name}.replay` }),
      pool: null,
    };
  }
  const apiKey = upstream.api_key_env ? env[upstream.api_key_env] : undefined;
  if (upstream.api_key_env && !apiKey)
    logger.warn(
      { upstream: name },
      `env var ${upstream.api_key_env} (upstream API key) is not set`,
    );
  const server = (baseUrl: string, retries: number): UpstreamClient =>
    createUpstreamClient({
      name,
      baseUrl,
      ...(apiKey ? { apiKey } : {}),
      timeoutMs: upstream.timeout_ms,
      maxConnections: upstream.max_connections,
      retries,
      onCall: (event) => context.metrics.recordUpstreamCall(event),
    });
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
  return { client, pool };
}

function samplingPreset(model: ModelConfig): SamplingPreset {
  const preset = getPolicyPreset(model.family).sampling;
  return {
    temperature: preset.temperature,
    topP: preset.topP,
    maxTokensPerStep: preset.maxTokensPerStep,
    maxTotalTokens: preset.maxTokensPerSolution,
    maxDepth: MAX_DEPTH,
  };
}

function earlyStopRule(config: Config['tts']['early_stop']): EarlyStopRule {
  switch (config.kind) {
    case 'beta':
      return { kind: 'beta', confidence: config.confidence, minSamples: config.min_samples };
    case 'supermajority':
      return { kind: 'supermajority', share: config.share, minSamples: config.min_samples };
    default:
      return { kind: config.kind };
  }
}

/**
 * The paper's findings as a table (the repo's config/strategy.yaml), used when the config names
 * none. Looked up from src/ (ts), dist/ (build) or dist-bench/src/ (benchmark build).
 */
const BUNDLED_STRATEGY_TABLE =
  [
    path.resolve(__dirname, '..', 'config', 'strategy.yaml'),
    path.resolve(__dirname, '..', '..', 'config', 'strategy.yaml'),
  ].find((file) => existsSync(file)) ?? path.resolve(__dirname, '..', 'config', 'strategy.yaml');

/** Read strategy tables once per file; relative paths are relative to the config file. */
function createTableLoader(configPath: string): (file: string, field: string) => StrategyTable {
  const loaded = new Map<string, StrategyTable>();
  return (file, field) => {
    const resolved = path.resolve(path.dirname(configPath), file);
    const cached = loaded.get(resolved);
    if (cached) return cached;
    let text: string;
    try {
      text = readFileSync(resolved, 'utf8');
    } catch (error) {
      throw new ConfigError(
        field,
        `cannot read strategy table ${resolved}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const table = parseStrategyTable(text, `${field} (${resolved})`);
    loaded.set(resolved, table);
    return table;
  };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const config = loadConfig(options.configPath, env);
  const logOutput = options.logger ? null : createLogOutput();
  try {
    return await startConfiguredServer(options, env, config, logOutput);
  } catch (error) {
    // A server that fails to start still writes what it logged, and leaves no timer behind.
    logOutput?.stop();
    logOutput?.flush();
    throw error;
  }
}

async function startConfiguredServer(
  options: StartOptions,
  env: NodeJS.ProcessEnv,
  config: Config,
  logOutput: ReturnType<typeof createLogOutput> | null,
): Promise<RunningServer> {
  const logger =
    options.logger ??
    pino(
      { level: config.server.log_level, base: { service: 'tts-proxy' } },
      logOutput?.destination,
    );
  const metrics = createMetrics({ collectDefaults: options.logger === undefined });
  // Strategy tables and client keys are read before anything starts: a bad one fails fast and leaks nothing.
  const loadTable = createTableLoader(options.configPath);
  const autoSettings: AutoSettings[] = config.models.map((model, index) => ({
    table: model.strategy_table
      ? loadTable(model.strategy_table, `models.${index}.strategy_table`)
      : loadTable(config.tts.strategy_table ?? BUNDLED_STRATEGY_TABLE, 'tts.strategy_table'),
    earlyStop: earlyStopRule(config.tts.early_stop),
    batchGrowth: config.tts.sample_batch_growth,
    defaultM: config.tts.default_m,
  }));
  const apiKeys = clientApiKeys(config, env);
  const simulatorReplicas = await startSimulators(config, logger);
  const simulators = Object.fromEntries(
    Object.entries(simulatorReplicas).map(([name, sims]) => [name, sims[0] as RunningSimulator]),
  );

  const clients = new Map<string, UpstreamClient>();
  const pools = new Map<string, ReplicaPool>();
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    const urls =
      upstream.replay === undefined ? upstreamUrls(name, upstream, simulatorReplicas) : [];
    const built = createConfiguredClient(name, upstream, urls, {
      env,
      configPath: options.configPath,
      metrics,
      logger,
    });
    clients.set(name, built.client);
    if (built.pool) pools.set(name, built.pool);
  }
  registerReplicaMetrics(metrics.registry, pools);
  const client = (name: string): UpstreamClient => {
    const found = clients.get(name);
    if (!found) throw new ConfigError('upstreams', `unknown upstream '${name}'`);
    return found;
  };

  // Say what each upstream is; a PRM whose tokenizer disagrees with its family is fatal.
  const kindOf = (upstream: string): StackKind => config.upstreams[upstream]?.kind ?? 'vllm';
  for (const [name, upstreamClient] of clients) {
    const kind = kindOf(name);
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
    } catch (error) {
      logger.warn(
        { upstream: name, err: (error as Error).message },
        `upstream '${name}' is not reachable yet; requests will retry`,
      );
    }
  }
  const prmCache = createPrmCache(config.tts.prm_cache_entries);
  const verifiers = new Map<string, { verifier: Verifier; info: PrmInfo }>();
  for (const [index, prm] of config.prms.entries()) {
    const family = getPrmFamily(prm.family);
    const prmClient = client(prm.upstream);
    const kind = kindOf(prm.upstream);
    if (!BACKEND_CAPABILITIES[kind].prm)
      throw new ConfigError(
        `prms.${index}.upstream`,
        `a ${kind} upstream cannot serve a PRM; use a vllm or fastchat upstream`,
      );
    let verifier: Verifier;
    if (kind === 'fastchat') {
      if (!isFastchatPrmFamily(prm.family))
        throw new ConfigError(
          `prms.${index}.family`,
          `FastChat reward workers are supported for ${FASTCHAT_PRM_FAMILIES.join(', ')}`,
        );
      // The worker has no /tokenize, so there is no special-token check to run.
      verifier = createFastchatPrmVerifier({ client: prmClient, family: prm.family });
    } else {
      try {
        await checkPrmSpecialTokens(prmClient, prm.served_name, family, `prms.${index}.family`);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        logger.warn(
          { prm: prm.name },
          'could not verify PRM special tokens (upstream unreachable); will verify on first use',
        );
      }
      verifier = createPrmVerifier({
        client: prmClient,
        servedName: prm.served_name,
        family,
        maxInputTokens: prm.max_input_tokens,
        cache: prmCache,
        // One batcher per PRM (made by the verifier) when tts.prm_batch_window_ms > 0.
        batch: {
          windowMs: config.tts.prm_batch_window_ms,
          maxPaths: config.tts.prm_batch_max_paths,
        },
      });
    }
    verifiers.set(prm.name, {
      verifier,
      info: {
        name: prm.name,
        family: prm.family,
        paramsB: prm.params_b,
        aggregation: prm.aggregation ?? family.defaults.aggregation,
        vote: prm.vote ?? family.defaults.vote,
      },
    });
  }

  const backends = new Map<string, ModelBackend>();
  for (const [index, model] of config.models.entries()) {
    const auto = autoSettings[index] as AutoSettings;
    const prm = model.prm ? (verifiers.get(model.prm) ?? null) : null;
    const preset = getPolicyPreset(model.family);
    const kind = kindOf(model.upstream);
    const upstreamConfig = config.upstreams[model.upstream] as UpstreamConfig;
    const info: ModelInfo = {
      name: model.name,
      servedName: model.served_name,
      paramsB: model.params_b,
      family: model.family,
      prm: prm?.info ?? null,
      isSimulated: upstreamConfig.url === 'sim',
      sampling: samplingPreset(model),
      unsupportedMethods: unsupportedMethodReasons(kind),
      auto,
    };
    const buildMessages = (messages: readonly PolicyMessage[]): PolicyMessage[] =>
      buildPolicyMessages(preset, messages);
    backends.set(
      model.name,
      kind === 'vllm'
        ? createVllmModelBackend({
            info,
            policyClient: client(model.upstream),
            stepApi: model.step_api,
            buildMessages,
            verifier: prm?.verifier ?? null,
          })
        : createStackModelBackend({
            stack: kind,
            info,
            client: client(model.upstream),
            chatTemplate: preset.chatTemplate,
            buildMessages,
            verifier: prm?.verifier ?? null,
            maxConcurrency: upstreamConfig.fan_out_concurrency,
            sglangRoute: upstreamConfig.sglang_route,
            openAiChat: {
              nativeN: upstreamConfig.openai_chat.native_n,
              maxTokensField: upstreamConfig.openai_chat.max_tokens_field,
            },
            configPath: `models.${index}`,
          }),
    );
  }

  const ttsDefaults: TtsDefaults = {
    defaultStrategy: config.tts.default_strategy,
    defaultBudget: config.tts.default_budget,
    maxBudget: config.tts.max_budget,
    defaultM: config.tts.default_m,
    defaultTimeoutMs: config.tts.default_timeout_ms,
    maxTimeoutMs: config.tts.max_timeout_ms,
  };
  const firstModel = config.models[0] as ModelConfig;
  const passthroughUpstream = config.upstreams[firstModel.upstream] as UpstreamConfig;
  const passthroughKey = passthroughUpstream.api_key_env
    ? env[passthroughUpstream.api_key_env]
    : undefined;

  const health = async (): Promise<HealthReport> => {
    const entries = await Promise.all(
      [...clients].map(async ([name, upstreamClient]) => {
        const probe = healthProbe(kindOf(name));
        // A pool probes every replica (and updates their ejection) and is up while one is.
        const status = await upstreamClient.probe(probe.path, 2000);
        const replicas = pools.get(name)?.stats();
        const entry = {
          status: probe.isHealthy(status) ? ('ok' as const) : ('down' as const),
          url: redactUrl(upstreamClient.baseUrl),
          simulated: config.upstreams[name]?.url === 'sim',
          httpStatus: status,
          ...(replicas ? { replicas } : {}),
          ...(config.upstreams[name]?.replay !== undefined ? { replay: true } : {}),
        };
        return [name, entry] as const;
      }),
    );
    const upstreams = Object.fromEntries(entries);
    const downs = entries.filter(([, e]) => e.status === 'down').length;
    // An ejected replica leaves its upstream up but the service short of capacity.
    const isShort = [...pools.values()].some((pool) =>
      pool.stats().some((replica) => replica.isEjected),
    );
    return {
      status:
        downs === 0
          ? isShort
            ? 'degraded'
            : 'ok'
          : downs === entries.length
            ? 'down'
            : 'degraded',
      upstreams,
    };
  };

  const app = createApp({
    logger,
    backends,
    ttsDefaults,
    apiKeys,
    bodyLimitBytes: config.server.body_limit_bytes,
    // FastChat workers have no /v1 routes to pass through to.
    passthrough:
      kindOf(firstModel.upstream) === 'fastchat'
        ? null
        : {
            url: client(firstModel.upstream).baseUrl,
            ...(passthroughKey ? { apiKey: passthroughKey } : {}),
          },
    health,
    metrics,
    keepaliveMs: config.tts.keepalive_ms,
    shadow: { rate: config.ab.shadow_rate, maxConcurrent: config.ab.max_concurrent },
    admission: {
      maxConcurrent: config.server.max_concurrent_requests,
      maxQueued: config.server.max_queued_requests,
      queueTimeoutMs: config.server.queue_timeout_ms,
    },
  });

  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  const closeUpstreams = async (): Promise<void> => {
    await Promise.all([...clients.values()].map((c) => c.close()));
    await Promise.all(
      Object.values(simulatorReplicas)
        .flat()
        .map((s) => s.close()),
    );
  };
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = createServer(app.handleRequest).listen(port, host, () => resolve(s));
      s.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    });
  } catch (error) {
    // Nothing may keep running for a server that never started.
    await closeUpstreams();
    throw error;
  }
  // Long searches stream keep-alives; a non-streamed TTS request may legitimately take minutes.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${address.port}`;
  logger.info(
    { url, models: [...backends.keys()], simulated: Object.keys(simulators) },
    `tts-proxy listening on ${url}`,
  );

  return {
    url,
    port: address.port,
    config,
    metrics,
    shadow: app.shadow,
    simulators,
    simulatorReplicas,
    logger,
    flushLogs: () => logOutput?.flush(),
    async close() {
      await app.shadow?.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await closeUpstreams();
      logOutput?.stop();
      logOutput?.flush();
    },
  };
}

/** Client keys from `server.api_key_envs` (no limits) and `server.api_keys` (with limits), read from env. */
function clientApiKeys(config: Config, env: NodeJS.ProcessEnv): ApiKeyPolicy[] {
  const { api_key_envs: plainEnvs, api_keys: limited } = config.server;
  const keys: ApiKeyPolicy[] = [];
  for (const name of plainEnvs) {
    const key = env[name];
    if (key) keys.push({ name, key, maxBudget: null, requestsPerMinute: null });
  }
  if (plainEnvs.length > 0 && keys.length === 0) {
    throw new ConfigError(
      'server.api_key_envs',
      'none of the listed env vars is set; refusing to start without the configured client keys',
    );
  }
  limited.forEach((entry, index) => {
    const field = `server.api_keys.${index}.key_env`;
    const key = env[entry.key_env];
    // A limited key that is missing would silently leave its holder locked out: refuse instead.
    if (!key) throw new ConfigError(field, `env var ${entry.key_env} is not set`);
    // The first matching entry wins, so a key listed twice would escape its limits.
    if (keys.some((other) => other.key === key))
      throw new ConfigError(
        field,
        `env var ${entry.key_env} holds a key that is already accepted (in api_key_envs or an earlier api_keys entry); list each key once`,
      );
    keys.push({
      name: entry.name,
      key,
      maxBudget: entry.max_budget ?? null,
      requestsPerMinute: entry.requests_per_minute ?? null,
    });
  });
  return keys;
}

/** A port that cannot be taken is a setting to change, not a bug. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new ConfigError(
      'server.port',
      `${host}:${port} is already in use (set PORT or server.port)`,
    );
  if (error.code === 'EACCES')
    return new ConfigError(
      'server.port',
      `no permission to listen on ${host}:${port} (ports below 1024 need privileges)`,
    );
  return error;
}

/** Show an upstream URL without credentials. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '[invalid url]';
  }
}
