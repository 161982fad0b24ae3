/**
 * Server composition root: load config, start the embedded simulator for `url: sim` upstreams,
 * build upstream clients, PRM verifiers and model backends, create the app and listen.
 * The only place (with `cli/`) that reads env and files and picks concrete classes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config, type ModelConfig, type UpstreamConfig } from './config';
import { ConfigError } from './errors';
import type { ModelBackend, ModelInfo, PolicyMessage, PrmInfo, SamplingPreset, ShadowArm, TtsDefaults } from './pipeline';
import { getPrmFamily } from './prm';
import { buildPolicyMessages, getPolicyPreset } from './prompt';
import { createApp, createMetrics, type HealthReport, type Metrics } from './server';
import { startSimulator, type RunningSimulator } from './sim';
import type { Verifier } from './tts';
import {
  BACKEND_CAPABILITIES,
  FASTCHAT_PRM_FAMILIES,
  checkPrmSpecialTokens,
  createFastchatPrmVerifier,
  createPrmCache,
  createPrmVerifier,
  createStackModelBackend,
  createUpstreamClient,
  createVllmModelBackend,
  detectVllmCapabilities,
  isFastchatPrmFamily,
  unsupportedMethodReasons,
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
  simulators: Record<string, RunningSimulator>;
  logger: Logger;
  close(): Promise<void>;
}

/** The maximum depth of step-wise search (paper: 40 steps). */
const MAX_DEPTH = 40;

function upstreamRole(config: Config, upstreamName: string): { role: 'policy'; model: ModelConfig } | { role: 'prm'; prm: Config['prms'][number] } | null {
  const model = config.models.find((m) => m.upstream === upstreamName);
  const prm = config.prms.find((p) => p.upstream === upstreamName);
  if (model && prm) throw new ConfigError(`upstreams.${upstreamName}`, 'a simulated upstream serves one model: a policy or a PRM, not both');
  if (model) return { role: 'policy', model };
  if (prm) return { role: 'prm', prm };
  return null;
}

async function startSimulators(config: Config, logger: Logger): Promise<Record<string, RunningSimulator>> {
  const simulators: Record<string, RunningSimulator> = {};
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    if (upstream.url !== 'sim') continue;
    const role = upstreamRole(config, name);
    if (!role) continue;
    const sim = upstream.sim;
    const common = {
      seed: sim.seed,
      host: '127.0.0.1',
      port: 0,
      latency: { perCallMs: sim.latency.per_call_ms, prefillMsPerToken: sim.latency.prefill_ms_per_token, decodeMsPerToken: sim.latency.decode_ms_per_token },
      faults: { errorRate: sim.faults.error_rate, timeoutRate: sim.faults.timeout_rate, slowRate: sim.faults.slow_rate, slowMs: sim.faults.slow_ms, malformedRate: sim.faults.malformed_rate },
      log: (line: string) => logger.info({ upstream: name, simulated: true }, line),
    };
    simulators[name] =
      role.role === 'policy'
        ? await startSimulator({ ...common, role: 'policy', model: { servedName: role.model.served_name, paramsB: role.model.params_b, family: role.model.family === 'qwen2.5-math' ? 'qwen2.5' : role.model.family } })
        : await startSimulator({ ...common, role: 'prm', model: { servedName: role.prm.served_name, paramsB: role.prm.params_b, family: role.prm.family, quality: sim.quality, maxModelLen: role.prm.max_input_tokens } });
    logger.warn(
      { upstream: name, url: simulators[name].url },
      `upstream '${name}' is SIMULATED (no GPU): answers come from a synthetic math world, not a real model. ` +
        `To use real vLLM, set upstreams.${name}.url (e.g. TTS_PROXY__UPSTREAMS__${name.toUpperCase()}__URL=http://gpu-host:8000).`,
    );
  }
  return simulators;
}

function upstreamUrl(name: string, upstream: UpstreamConfig, simulators: Record<string, RunningSimulator>): string {
  if (upstream.url !== 'sim') return upstream.url;
  const sim = simulators[name];
  if (!sim) throw new ConfigError(`upstreams.${name}.url`, "'sim' upstream is not used by any model or prm");
  return sim.url;
}

function samplingPreset(model: ModelConfig): SamplingPreset {
  const preset = getPolicyPreset(model.family).sampling;
  return { temperature: preset.temperature, topP: preset.topP, maxTokensPerStep: preset.maxTokensPerStep, maxTotalTokens: preset.maxTokensPerSolution, maxDepth: MAX_DEPTH };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const config = loadConfig(options.configPath, env);
  const logger = options.logger ?? pino({ level: config.server.log_level, base: { service: 'tts-proxy' } });
  const metrics = createMetrics({ collectDefaults: options.logger === undefined });
  const simulators = await startSimulators(config, logger);

  const clients = new Map<string, UpstreamClient>();
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    const apiKey = upstream.api_key_env ? env[upstream.api_key_env] : undefined;
    if (upstream.api_key_env && !apiKey) logger.warn({ upstream: name }, `env var ${upstream.api_key_env} (upstream API key) is not set`);
    clients.set(
      name,
      createUpstreamClient({
        name,
        baseUrl: upstreamUrl(name, upstream, simulators),
        ...(apiKey ? { apiKey } : {}),
        timeoutMs: upstream.timeout_ms,
        maxConnections: upstream.max_connections,
        retries: upstream.retries,
        onCall: (event) => metrics.recordUpstreamCall(event),
      }),
    );
  }
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
      logger.info({ upstream: name, kind }, `upstream '${name}' is ${kind}: methods ${BACKEND_CAPABILITIES[kind].methods.join(', ')}`);
      continue;
    }
    try {
      const detected = await detectVllmCapabilities(upstreamClient, { probePooling: config.prms.some((p) => p.upstream === name) });
      logger.info(
        { upstream: name, version: detected.version, models: detected.models.map((m) => m.id), simulated: detected.isSimulated, errorShape: detected.errorShape, poolingRoute: detected.poolingRoute },
        `upstream '${name}' detected: ${detected.description}`,
      );
    } catch (error) {
      logger.warn({ upstream: name, err: (error as Error).message }, `upstream '${name}' is not reachable yet; requests will retry`);
    }
  }
  const prmCache = createPrmCache(config.tts.prm_cache_entries);
  const verifiers = new Map<string, { verifier: Verifier; info: PrmInfo }>();
  for (const [index, prm] of config.prms.entries()) {
    const family = getPrmFamily(prm.family);
    const prmClient = client(prm.upstream);
    const kind = kindOf(prm.upstream);
    if (!BACKEND_CAPABILITIES[kind].prm) throw new ConfigError(`prms.${index}.upstream`, `a ${kind} upstream cannot serve a PRM; use a vllm or fastchat upstream`);
    let verifier: Verifier;
    if (kind === 'fastchat') {
      if (!isFastchatPrmFamily(prm.family)) throw new ConfigError(`prms.${index}.family`, `FastChat reward workers are supported for ${FASTCHAT_PRM_FAMILIES.join(', ')}`);
      // The worker has no /tokenize, so there is no special-token check to run.
      verifier = createFastchatPrmVerifier({ client: prmClient, family: prm.family });
    } else {
      try {
        await checkPrmSpecialTokens(prmClient, prm.served_name, family, `prms.${index}.family`);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        logger.warn({ prm: prm.name }, 'could not verify PRM special tokens (upstream unreachable); will verify on first use');
      }
      verifier = createPrmVerifier({ client: prmClient, servedName: prm.served_name, family, maxInputTokens: prm.max_input_tokens, cache: prmCache });
    }
    verifiers.set(prm.name, {
      verifier,
      info: { name: prm.name, family: prm.family, paramsB: prm.params_b, aggregation: prm.aggregation ?? family.defaults.aggregation, vote: prm.vote ?? family.defaults.vote },
    });
  }

  const backends = new Map<string, ModelBackend>();
  for (const [index, model] of config.models.entries()) {
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
    };
    const buildMessages = (messages: readonly PolicyMessage[]): PolicyMessage[] => buildPolicyMessages(preset, messages);
    backends.set(
      model.name,
      kind === 'vllm'
        ? createVllmModelBackend({ info, policyClient: client(model.upstream), stepApi: model.step_api, buildMessages, verifier: prm?.verifier ?? null })
        : createStackModelBackend({
            stack: kind,
            info,
            client: client(model.upstream),
            chatTemplate: preset.chatTemplate,
            buildMessages,
            verifier: prm?.verifier ?? null,
            maxConcurrency: upstreamConfig.fan_out_concurrency,
            sglangRoute: upstreamConfig.sglang_route,
            openAiChat: { nativeN: upstreamConfig.openai_chat.native_n, maxTokensField: upstreamConfig.openai_chat.max_tokens_field },
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
  const passthroughKey = passthroughUpstream.api_key_env ? env[passthroughUpstream.api_key_env] : undefined;
  const apiKeys = config.server.api_key_envs.map((name) => env[name]).filter((key): key is string => typeof key === 'string' && key.length > 0);
  if (config.server.api_key_envs.length > 0 && apiKeys.length === 0) {
    throw new ConfigError('server.api_key_envs', 'none of the listed env vars is set; refusing to start without the configured client keys');
  }

  const health = async (): Promise<HealthReport> => {
    const entries = await Promise.all(
      [...clients].map(async ([name, upstreamClient]) => {
        const kind = kindOf(name);
        // FastChat workers have no GET health route: any HTTP answer means the worker is up.
        const status = await upstreamClient.probe(kind === 'openai-chat' ? '/v1/models' : '/health', 2000);
        const isUp = kind === 'fastchat' ? status !== null : status === 200;
        return [name, { status: isUp ? ('ok' as const) : ('down' as const), url: redactUrl(upstreamClient.baseUrl), simulated: config.upstreams[name]?.url === 'sim', httpStatus: status }] as const;
      }),
    );
    const upstreams = Object.fromEntries(entries);
    const downs = entries.filter(([, e]) => e.status === 'down').length;
    return { status: downs === 0 ? 'ok' : downs === entries.length ? 'down' : 'degraded', upstreams };
  };

  const app = createApp({
    logger,
    backends,
    ttsDefaults,
    apiKeys,
    bodyLimitBytes: config.server.body_limit_bytes,
    // FastChat workers have no /v1 routes to pass through to.
    passthrough: kindOf(firstModel.upstream) === 'fastchat' ? null : { url: client(firstModel.upstream).baseUrl, ...(passthroughKey ? { apiKey: passthroughKey } : {}) },
    health,
    metrics,
    keepaliveMs: config.tts.keepalive_ms,
    shadow: { rate: config.ab.shadow_rate, maxConcurrent: config.ab.max_concurrent },
    admission: { maxConcurrent: config.server.max_concurrent_requests, maxQueued: config.server.max_queued_requests, queueTimeoutMs: config.server.queue_timeout_ms },
  });

  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  // Long searches stream keep-alives; a non-streamed TTS request may legitimately take minutes.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url, models: [...backends.keys()], simulated: Object.keys(simulators) }, `tts-proxy listening on ${url}`);

  return {
    url,
    port: address.port,
    config,
    metrics,
    shadow: app.shadow,
    simulators,
    logger,
    async close() {
      await app.shadow?.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.all([...clients.values()].map((c) => c.close()));
      await Promise.all(Object.values(simulators).map((s) => s.close()));
    },
  };
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
