/**
 * Compose the Express app from its dependencies. No listen, no env, no config: `main.ts` builds
 * the deps, tests build fakes.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { createShadowArm, type ModelBackend, type ShadowArm, type TtsDefaults } from '../pipeline';
import { isAbortError } from '../util';
import { createAdmission, type AdmissionOptions } from './admission';
import { createApiKeyCheck } from './auth';
import { toHttpError } from './http-error';
import type { Metrics } from './metrics';
import { createChatCompletionsHandler } from './routes/chat-completions';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  upstreams: Record<string, { status: 'ok' | 'down'; url: string; simulated: boolean; httpStatus: number | null }>;
}

export interface AppDeps {
  logger: Logger;
  backends: ReadonlyMap<string, ModelBackend>;
  ttsDefaults: TtsDefaults;
  apiKeys: readonly string[];
  bodyLimitBytes: number;
  /** Policy upstream that receives every other /v1/* route unchanged (null = 404 for them). */
  passthrough: { url: string; apiKey?: string } | null;
  health: () => Promise<HealthReport>;
  metrics: Metrics;
  keepaliveMs: number;
  admission: AdmissionOptions;
  /** Online A/B shadow arm (config `ab`); rate 0 = off. */
  shadow: { rate: number; maxConcurrent: number } | null;
  now?: () => number;
  randomSeed?: () => number;
}

export type TtsProxyApp = express.Express & { shadow: ShadowArm | null };

export function createApp(deps: AppDeps): TtsProxyApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const now = deps.now ?? (() => performance.now());
  const randomSeed = deps.randomSeed ?? (() => Math.floor(Math.random() * 2 ** 31));

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (request, response) => {
        const given = request.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
        response.setHeader('x-request-id', id);
        return id;
      },
      // Never log credentials.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[redacted]' },
      autoLogging: { ignore: (request) => request.url === '/health' || request.url === '/metrics' },
    }),
  );
  app.use((_request, response, next) => {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('cache-control', 'no-store');
    next();
  });

  app.get('/health', async (_request, response) => {
    const report = await deps.health();
    response.status(report.status === 'down' ? 503 : 200).json(report);
  });
  app.get('/metrics', async (_request, response) => {
    response.setHeader('content-type', deps.metrics.registry.contentType);
    response.send(await deps.metrics.registry.metrics());
  });

  const checkKey = createApiKeyCheck(deps.apiKeys);
  if (checkKey) {
    app.use('/v1', (request, _response, next) => {
      checkKey(request.headers.authorization);
      next();
    });
  }

  app.get('/v1/models', (_request, response) => {
    const created = 1_730_000_000;
    response.json({
      object: 'list',
      data: [...deps.backends.values()].map((backend) => ({
        id: backend.info.name,
        object: 'model',
        created,
        owned_by: backend.info.isSimulated ? 'tts-proxy (simulated upstream)' : 'tts-proxy',
        simulated: backend.info.isSimulated,
        upstream_model: backend.info.servedName,
        tts: { params_b: backend.info.paramsB, family: backend.info.family, prm: backend.info.prm?.name ?? null },
      })),
    });
  });

  const shadow =
    deps.shadow && deps.shadow.rate > 0
      ? createShadowArm(
          { rate: deps.shadow.rate, arm: 'cot', maxConcurrent: deps.shadow.maxConcurrent, random: Math.random },
          (outcome) => {
            deps.metrics.shadowRuns.inc({ outcome: 'ok' });
            deps.metrics.shadowAgreement.inc({ agree: outcome.agree === null ? 'unknown' : String(outcome.agree) });
            deps.metrics.shadowRatio.observe({ kind: 'tokens' }, outcome.tokenRatio);
            deps.metrics.shadowRatio.observe({ kind: 'flops' }, outcome.flopsRatio);
            deps.metrics.shadowRatio.observe({ kind: 'latency' }, outcome.latencyRatio);
            deps.logger.info({ shadow: outcome }, 'shadow baseline arm finished');
          },
          (error) => {
            deps.metrics.shadowRuns.inc({ outcome: 'error' });
            deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'shadow baseline arm failed');
          },
        )
      : null;
  const chat = createChatCompletionsHandler(
    { backends: deps.backends, ttsDefaults: deps.ttsDefaults, metrics: deps.metrics, keepaliveMs: deps.keepaliveMs, now, randomSeed, shadow },
    deps.logger,
  );
  const admission = createAdmission(deps.admission);
  app.post('/v1/chat/completions', async (request, response, next) => {
    const controller = new AbortController();
    const onClose = (): void => controller.abort();
    response.once('close', onClose);
    const release = await admission.acquire(controller.signal);
    response.off('close', onClose);
    // Released when the response is done, however it ends (finish, error, client gone).
    response.once('close', release);
    next();
  }, express.json({ limit: deps.bodyLimitBytes, strict: true }), chat);

  if (deps.passthrough) {
    const { url, apiKey } = deps.passthrough;
    // Mounted without a body parser so the request stream reaches the upstream untouched.
    app.use(
      '/v1',
      createProxyMiddleware<Request, Response>({
        target: url.replace(/\/$/, '') + '/v1',
        changeOrigin: true,
        xfwd: false,
        on: {
          proxyReq: (proxyRequest) => {
            // The client's key is for us, never for the upstream.
            proxyRequest.removeHeader('authorization');
            if (apiKey) proxyRequest.setHeader('authorization', `Bearer ${apiKey}`);
          },
          error: (_error, _request, response) => {
            const body = JSON.stringify({ error: { message: 'The upstream model server is unreachable.', type: 'server_error', param: null, code: 'upstream_error' } });
            if ('writeHead' in response && !response.headersSent) {
              response.writeHead(502, { 'content-type': 'application/json' });
              response.end(body);
            } else {
              response.end();
            }
          },
        },
      }),
    );
  }

  app.use((request: Request, response: Response) => {
    response.status(404).json({ error: { message: `Unknown route ${request.method} ${request.path}`, type: 'invalid_request_error', param: null, code: 'not_found' } });
  });

  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (isAbortError(error) && (request.destroyed || response.destroyed || !response.writable)) {
      // The client left; its upstream work is already cancelled. Not an error.
      request.log.info('client disconnected; request aborted');
      if (!response.writableEnded) response.end();
      return;
    }
    const mapped = toHttpError(error);
    if (mapped.isUnexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ status: mapped.status, code: mapped.body.error.code }, mapped.body.error.message);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.set(mapped.headers).status(mapped.status).json(mapped.body);
  });
  return Object.assign(app, { shadow });
}
