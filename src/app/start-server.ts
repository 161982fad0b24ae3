/**
 * Start the proxy from a config file: logging, simulators, upstream clients, verifiers and
 * backends, the app, listen. Each step lives in its own module of src/app/; this file is the order.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config, type ModelConfig, type UpstreamConfig } from '../config';
import type { ShadowArm, TtsDefaults } from '../pipeline';
import {
  createApp,
  createMetrics,
  createShutdownControl,
  startStalledWriteSweep,
  type DrainReport,
  type Metrics,
} from '../server';
import type { RunningSimulator } from '../sim';
import type { VllmCapabilities } from '../upstream';
import { createGroupingPool, type ThreadPriority } from '../workers';
import { clientApiKeys } from './api-keys';
import { loadAutoSettings } from './auto-settings';
import {
  checkPolicyPrompts,
  createModelBackends,
  createVerifiers,
  noteLateDetection,
} from './backends';
import { createHealthCheck, shareHealthChecks } from './health';
import { watchUncheckedUpstreams } from './late-detection';
import { createServedNameGate } from './served-names';
import { listen } from './listen';
import { createLogOutput, type LogOutput } from './log-output';
import { startSimulators } from './simulators';
import { createUpstreamClients, describeUpstreams, logDetected } from './upstream-clients';
import {
  applyServerTimeouts,
  edgeBodyOptions,
  edgeExposure,
  edgePassthroughOptions,
} from './edge-options';

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
  /**
   * Stop gracefully: no new connections, in-flight requests drain for up to
   * `server.drain_timeout_ms`, what is left is cut and logged (see the report).
   */
  close(): Promise<DrainReport>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const config = loadConfig(options.configPath, env);
  const logOutput = options.logger ? null : createLogOutput(config.server.log_format);
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
  logOutput: LogOutput | null,
): Promise<RunningServer> {
  const logger =
    options.logger ??
    pino(
      { level: config.server.log_level, base: { service: 'tts-proxy' } },
      logOutput?.destination,
    );
  const metrics = createMetrics({ collectDefaults: options.logger === undefined });
  // Strategy tables and client keys are read before anything starts: a bad one fails fast and leaks nothing.
  const autoSettings = loadAutoSettings(config, options.configPath);
  const apiKeys = clientApiKeys(config, env);
  const simulatorReplicas = await startSimulators(config, logger);
  const simulators = Object.fromEntries(
    Object.entries(simulatorReplicas).map(([name, sims]) => [name, sims[0] as RunningSimulator]),
  );
  const upstreams = createUpstreamClients(config, simulatorReplicas, {
    env,
    configPath: options.configPath,
    metrics,
    logger,
  });
  // Answer grouping (normalization and the expression evaluator) runs off the event loop: one worker
  // per spare core, at least one, started on first use (docs/voting-cost.md).
  const grouping = createGroupingPool({
    size: Math.max(1, Math.min(4, os.availableParallelism() - 1)),
    onPriority: createGroupingPriorityLog(logger),
  });
  const closeUpstreams = async (): Promise<void> => {
    await grouping.close();
    await Promise.all([...upstreams.clients.values()].map((c) => c.close()));
    await Promise.all(
      Object.values(simulatorReplicas)
        .flat()
        .map((s) => s.close()),
    );
  };
  // What start-up detects of each vLLM upstream, and what a later probe detects of one that was
  // not reachable then (a simulator found later marks its answers simulated too).
  const detected = new Map<string, VllmCapabilities>();
  // Set below; a detection can only come later (late-detection.ts, /health), but never reads an
  // unset binding.
  let detectedModels: ReturnType<typeof createModelBackends> | null = null;
  const servedNames = createServedNameGate(config, logger, (name, found) => {
    if (detected.get(name)?.description !== found.description) logDetected(logger, name, found);
    detected.set(name, found);
    if (detectedModels !== null) noteLateDetection(config, detectedModels, name, found);
  });
  await describeUpstreams(config, upstreams, logger, servedNames, detected);
  const verifiers = await createVerifiers(config, upstreams, logger, detected);
  await checkPolicyPrompts(config, upstreams, logger);
  const backends = createModelBackends(config, upstreams, verifiers, autoSettings, detected);
  detectedModels = backends;

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

  const health = shareHealthChecks(createHealthCheck(config, upstreams, servedNames, detected));

  const shutdown = createShutdownControl(logger, metrics.registry);
  const app = createApp({
    grouping,
    logger,
    backends,
    ttsDefaults,
    apiKeys,
    bodyLimitBytes: config.server.body_limit_bytes,
    corsAllowedOrigins: config.server.cors_allowed_origins,
    // FastChat workers have no /v1 routes to pass through to.
    passthrough:
      upstreams.kindOf(firstModel.upstream) === 'fastchat'
        ? null
        : {
            url: upstreams.client(firstModel.upstream).baseUrl,
            ...(passthroughKey ? { apiKey: passthroughKey } : {}),
            ...edgePassthroughOptions(config, passthroughUpstream),
          },
    body: edgeBodyOptions(config),
    exposure: edgeExposure(config),
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
  let server: Server;
  try {
    server = await listen(shutdown.wrap(app.handleRequest), host, port, app.serverOptions);
  } catch (error) {
    // Nothing may keep running for a server that never started.
    await closeUpstreams();
    throw error;
  }
  applyServerTimeouts(server, config);
  shutdown.attach(server);
  const stallMs = config.server.write_stall_timeout_ms;
  const stalledWrites =
    stallMs > 0
      ? startStalledWriteSweep({ responses: () => shutdown.responses(), stallMs, logger })
      : null;
  const lateDetection = watchUncheckedUpstreams(upstreams, servedNames);
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${address.port}`;
  logger.info(
    {
      url,
      models: [...backends.keys()],
      // Upstreams that are simulators: ours (`url: sim`) and any the detection recognised.
      simulated: [
        ...new Set([
          ...Object.keys(simulators),
          ...[...detected].filter(([, found]) => found.isSimulated).map(([name]) => name),
        ]),
      ],
    },
    `tts-proxy listening on ${url}${shownHost === host ? '' : ` (bound to ${host})`}`,
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
      // No new probing once the shutdown has begun.
      lateDetection.stop();
      const report = await shutdown.drain(config.server.drain_timeout_ms);
      stalledWrites?.stop();
      // Background comparisons are cancelled, not waited for: they must not outlast the drain.
      app.shadow?.stop();
      await app.shadow?.idle();
      app.closePassthrough();
      await closeUpstreams();
      logOutput?.stop();
      logOutput?.flush();
      return report;
    },
  };
}

/**
 * A line when a grouping worker reports a priority not reported before (up to four workers would
 * repeat it): whether it gives way to the event loop (docs/voting-cost.md).
 */
function createGroupingPriorityLog(logger: Logger): (priority: ThreadPriority) => void {
  const seen = new Set<ThreadPriority>();
  return (priority) => {
    if (seen.has(priority)) return;
    seen.add(priority);
    if (priority === 'idle')
      logger.debug(
        { priority },
        'answer-grouping workers run in SCHED_IDLE (they give way to the event loop at once)',
      );
    else if (priority === 'unchanged' && process.platform !== 'linux')
      logger.debug({ priority }, 'answer-grouping workers keep their priority (not Linux)');
    else
      logger.info(
        { priority },
        priority === 'nice'
          ? 'answer-grouping workers run at nice 10 only: `chrt` (util-linux or busybox) was not found or refused SCHED_IDLE, so on a shared core one can hold the event loop up for a scheduler slice'
          : 'answer-grouping workers could not lower their priority (nice and SCHED_IDLE refused): on a shared core they compete with the event loop as equals',
      );
  };
}
