/**
 * The HTTP edge's settings from config (composition root): body limits, passthrough routes and
 * retries, who may read /health detail and /metrics, and node's own server timeouts.
 */
import type { Server } from 'node:http';
import type { Config, UpstreamConfig } from '../config';
import type { AppDeps } from '../server';
import { answerClientError, answerConnect, answerExpectation } from '../server/client-error';
import { deferContinue } from '../server/body/expect-continue';
import { withRetry } from '../upstream/transport/retry';

export function edgeBodyOptions(config: Config): NonNullable<AppDeps['body']> {
  const { server } = config;
  return {
    maxDepth: server.max_json_depth,
    bodyTimeoutMs: server.body_timeout_ms,
    idleTimeoutMs: server.body_idle_timeout_ms,
    maxBufferedBodies: server.max_buffered_bodies,
    maxBufferedBytes: server.max_buffered_body_bytes,
  };
}

export function edgePassthroughOptions(
  config: Config,
  upstream: UpstreamConfig,
): Omit<NonNullable<AppDeps['passthrough']>, 'url' | 'apiKey'> {
  return {
    ...(config.server.passthrough_routes ? { routes: config.server.passthrough_routes } : {}),
    timeoutMs: upstream.timeout_ms,
    retries: upstream.retries,
    retry: (call, options) => withRetry(call, options),
  };
}

export function edgeExposure(config: Config): NonNullable<AppDeps['exposure']> {
  return { metricsNeedKey: config.server.metrics_require_key };
}

/**
 * Node's own bounds on a connection: headers within `headers_timeout_ms`; no overall request
 * timeout (a non-streamed search may take minutes; bodies are bounded by the body reader).
 * Requests the HTTP parser refuses get an OpenAI-shaped error instead of node's bare 400.
 */
export function applyServerTimeouts(server: Server, config: Config): void {
  server.requestTimeout = 0;
  server.headersTimeout = config.server.headers_timeout_ms;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  server.on('checkExpectation', answerExpectation);
  // The 100 goes out when a route reads the body (server/body/expect-continue.ts).
  server.on(
    'checkContinue',
    deferContinue((request, response) => server.emit('request', request, response)),
  );
  server.on('connect', answerConnect);
}
