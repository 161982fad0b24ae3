/**
 * Compose the Express app from its dependencies (app-deps.ts). No listen, no env, no config: src/app/ builds
 * the deps, tests build fakes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { ShadowArm } from '../pipeline';
import { isAbortError } from '../util';
import { tryHoldSlot, waitForSlot } from './hold-slot';
import { createAccessLog, markClientsOwnLimit, requestIdOf } from './access-log';
import { createAdmission } from './admission';
import { createRequestCounter } from './count-requests';
import { createApiKeyCheck, type Caller } from './auth';
import { toHttpError } from './http-error';
import { causeOf } from './log-cause';
import { sendJson } from './send-json';
import { isCutByShutdown } from './shutdown-cut';
import { createKeyRateLimit } from './key-rate-limit';
import { createBodyGate } from './body/body-gate';
import {
  createJsonBodyWithBytesReader,
  DEFAULT_MAX_JSON_DEPTH,
  type BodyLimits,
} from './read-json-body';
import { createPassthrough } from './passthrough/create-passthrough';
import type { RetryRunner } from './passthrough/forward-request';
import { createRouteAllowList, DEFAULT_PASSTHROUGH_ROUTES } from './passthrough/passthrough-routes';
import { createChatCompletionsHandler } from './routes/chat-completions';
import { createModelHandler, createModelsHandler } from './routes/models';
import { createReportedShadowArm } from './create-reported-shadow-arm';
import type { AppDeps } from './app-deps';
import { guardOperatorRoute } from './operator-routes';
import {
  asExpressObject,
  expressServerOptions,
  type ExpressServerOptions,
} from './express-messages';

export type { AppDeps, HealthReport } from './app-deps';

export type TtsProxyApp = express.Express & {
  shadow: ShadowArm | null;
  /** Request listener for `http.createServer` (the app itself also works, a little slower). */
  handleRequest: (request: IncomingMessage, response: ServerResponse) => void;
  /** `http.createServer` options for `handleRequest`: requests and responses born Express's. */
  serverOptions: ExpressServerOptions;
  /** Close the passthrough's upstream connections. */
  closePassthrough: () => void;
};

/** `key` label of requests without a valid key (config names cannot contain parentheses). */
const UNAUTHENTICATED_KEY_LABEL = '(none)';

/** Without a retry rule from the composition root, the passthrough does not retry. */
const noRetry: RetryRunner = (call) => call();

export function createApp(deps: AppDeps): TtsProxyApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const now = deps.now ?? (() => performance.now());
  const randomSeed = deps.randomSeed ?? (() => Math.floor(Math.random() * 2 ** 31));

  // Logs carry no headers, so credentials never reach them.
  const logAccess = createAccessLog({
    logger: deps.logger,
    onDone: createRequestCounter(
      deps.metrics,
      deps.passthrough
        ? createRouteAllowList(deps.passthrough.routes ?? DEFAULT_PASSTHROUGH_ROUTES)
        : null,
    ),
    quietPaths: ['/health', '/livez', '/metrics'],
    headers: { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });
  const checkKey = createApiKeyCheck(deps.apiKeys);
  const limitRate = createKeyRateLimit();
  const admitCaller = (request: Request): Caller | null => {
    if (!checkKey) return null;
    let caller: Caller;
    try {
      caller = checkKey(request.headers.authorization);
    } catch (error) {
      deps.metrics.apiKeyRequests.inc({
        key: UNAUTHENTICATED_KEY_LABEL,
        outcome: 'unauthenticated',
      });
      throw error;
    }
    try {
      limitRate(caller);
    } catch (error) {
      deps.metrics.apiKeyRequests.inc({ key: caller.name, outcome: 'rate_limited' });
      throw error;
    }
    deps.metrics.apiKeyRequests.inc({ key: caller.name, outcome: 'admitted' });
    return caller;
  };

  const shadow = createReportedShadowArm(deps.shadow, deps.metrics, deps.logger);
  const maxBufferedBytes = deps.body?.maxBufferedBytes ?? 192 * 1024 * 1024;
  // The busiest route first: every layer before it is matched on every request.
  const chat = createChatCompletionsHandler(
    {
      backends: deps.backends,
      ttsDefaults: deps.ttsDefaults,
      metrics: deps.metrics,
      keepaliveMs: deps.keepaliveMs,
      now,
      randomSeed,
      shadow,
      maxBufferedBytes,
      ...(deps.grouping ? { grouping: deps.grouping } : {}),
    },
    deps.logger,
  );
  const admission = createAdmission(deps.admission);
  const allowCors = corsFor(deps.corsAllowedOrigins ?? ['*']);
  const bodyLimits: BodyLimits = {
    limitBytes: deps.bodyLimitBytes,
    maxDepth: deps.body?.maxDepth ?? DEFAULT_MAX_JSON_DEPTH,
    bodyTimeoutMs: deps.body?.bodyTimeoutMs ?? 30_000,
    idleTimeoutMs: deps.body?.idleTimeoutMs ?? 10_000,
    gate: createBodyGate({
      maxBodies: deps.body?.maxBufferedBodies ?? 1024,
      maxBytes: maxBufferedBytes,
    }),
  };
  // With its bytes: a plain chat request is forwarded as the client wrote it.
  const readBody = createJsonBodyWithBytesReader(bodyLimits);
  // One handler (not a chain of middleware): body, admission, route, with no `next()` between.
  // The body is read first: a client trickling its body must not hold an admission slot.
  const chatRoute = async (
    request: Request,
    response: Response,
    caller: Caller | null,
  ): Promise<void> => {
    const body = await readBody(request, response);
    request.body = body.value;
    // Released when the response is done, however it ends (finish, error, client gone).
    // One key's queued requests wait in one turn (admission.ts); the caller object is the key's.
    const held =
      tryHoldSlot(admission, response) ??
      (await waitForSlot(admission, response, caller ?? undefined));
    if (held === 'closed') return;
    await chat(request, response, caller, body);
  };
  // Express's final handler would catch a failure of the error handler itself; outside Express's
  // dispatch (the request listener below) it must not become an unhandled rejection (which ends
  // the process).
  const failChat = (error: unknown, request: Request, response: Response): void => {
    try {
      handleError(error, request, response);
    } catch (secondary) {
      deps.logger.error({ reqId: requestIdOf(response), err: secondary }, 'error handler failed');
      response.destroy();
    }
  };
  // The one chat entrance: the request listener's exact match and Express's route (for the other
  // spellings it accepts: trailing slash, query string, case) both come here. It checks the key
  // itself, so it is registered before the /v1 key check.
  const serveChat = (request: Request, response: Response): void => {
    try {
      chatRoute(request, response, admitCaller(request)).catch((error: unknown) =>
        failChat(error, request, response),
      );
    } catch (error) {
      failChat(error, request, response);
    }
  };
  app.use((request, response, next) => {
    logAccess(request, response);
    next();
  });
  // Before the key check: a browser's preflight carries no key, and is answered here (204).
  if (allowCors) app.use(allowCors);
  app.post('/v1/chat/completions', serveChat);
  // The route exists for POST only: another method is a 405 (as on the /v1 passthrough), not 404,
  // after the key check as everywhere under /v1 (vLLM's and OpenAI's servers check the key before
  // routing): a caller without a key learns nothing about the route.
  app.all('/v1/chat/completions', (request, response) => {
    admitCaller(request);
    refuseMethod(request, response, '/v1/chat/completions', 'POST');
  });
  if (checkKey) {
    app.use('/v1', (request, response, next) => {
      // Kept for the passthrough's admission turn (its mount below).
      response.locals.caller = admitCaller(request);
      next();
    });
  }

  const operator = guardOperatorRoute(checkKey, deps.exposure ?? { metricsNeedKey: false });
  app.get('/health', async (request, response) => {
    const report = await deps.health();
    const status = report.status === 'down' ? 503 : 200;
    // With keys configured, an unauthenticated caller learns the status, not the upstreams.
    if (!operator.mayReadDetail(request.headers.authorization))
      response.status(status).json({ status: report.status });
    else response.status(status).json(report);
  });
  // Liveness: this process answers HTTP. No key and no upstream probe, so neither an outage
  // upstream nor `metrics_require_key` ever gets a pod restarted (docs/reliability.md).
  app.get('/livez', (_request, response) => {
    response.status(200).json({ status: 'alive' });
  });
  app.get('/metrics', async (request, response) => {
    operator.checkMetrics(request.headers.authorization);
    response.setHeader('content-type', deps.metrics.registry.contentType);
    response.send(await deps.metrics.registry.metrics());
  });

  app.get('/v1/models', createModelsHandler(deps.backends));
  app.get('/v1/models/*model', createModelHandler(deps.backends, deps.ttsDefaults));
  // Our own GET routes answer another method with 405 naming the allowed ones, as the chat route
  // does (not 404, and /v1/models never reaches the passthrough).
  for (const path of ['/health', '/livez', '/metrics', '/v1/models', '/v1/models/*model'])
    app.all(path, (request, response) =>
      refuseMethod(request, response, request.path, 'GET, HEAD'),
    );

  const passthrough = deps.passthrough
    ? createPassthrough({
        upstream: {
          url: deps.passthrough.url,
          ...(deps.passthrough.apiKey ? { apiKey: deps.passthrough.apiKey } : {}),
          timeoutMs: deps.passthrough.timeoutMs ?? 300_000,
          retries: deps.passthrough.retries ?? 2,
        },
        routes: deps.passthrough.routes ?? DEFAULT_PASSTHROUGH_ROUTES,
        servedNames: new Map(
          [...deps.backends.values()].map((backend) => [
            backend.info.name,
            backend.info.servedName,
          ]),
        ),
        admission,
        body: bodyLimits,
        retry: deps.passthrough.retry ?? noRetry,
        onBrokenStream: (response) =>
          deps.logger.warn(
            { reqId: requestIdOf(response) },
            'passthrough stream broken by the upstream; ended with an error event',
          ),
      })
    : null;
  if (passthrough) {
    // Read from `originalUrl`: the mount strips /v1 from `url`. The client's key is for us and is
    // never forwarded (the forwarder builds the upstream headers itself).
    app.use('/v1', (request, response) =>
      passthrough.handle(
        Object.assign(request, { url: request.originalUrl }),
        response,
        callerOf(response),
      ),
    );
  }

  app.use((request: Request, response: Response) => {
    response.status(404).json({
      error: {
        message: `Unknown route ${request.method} ${request.path}`,
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
  });

  function handleError(error: unknown, request: Request, response: Response): void {
    const reqId = requestIdOf(response);
    if (isCutByShutdown(response)) {
      // The drain answered it and logged the cut; this is its work stopping (aborted, or finding
      // the response ended), not the client's leaving.
      deps.logger.debug({ reqId, err: error }, 'work of a request cut by shutdown stopped');
      return;
    }
    if (isAbortError(error) && (request.destroyed || response.destroyed || !response.writable)) {
      // The client left; its upstream work is already cancelled. Not an error.
      deps.logger.info({ reqId }, 'client disconnected; request aborted');
      if (!response.writableEnded) response.end();
      return;
    }
    const mapped = toHttpError(error);
    if (mapped.isUnexpected) deps.logger.error({ reqId, err: error }, 'unexpected error');
    else if (mapped.status >= 500)
      // The client reads a generic message; the operator needs the cause (which upstream, what
      // it said or why it could not be reached).
      deps.logger.warn(
        { reqId, status: mapped.status, code: mapped.body.error.code, ...causeOf(error) },
        mapped.body.error.message,
      );
    else
      deps.logger.info(
        { reqId, status: mapped.status, code: mapped.body.error.code },
        mapped.body.error.message,
      );
    if (response.headersSent) {
      response.end();
      return;
    }
    if (mapped.isClientsOwnLimit) markClientsOwnLimit(response);
    response.set(mapped.headers).status(mapped.status).json(mapped.body);
  }
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) =>
    handleError(error, request, response),
  );

  // The /v1 passthrough's entrance outside Express (the same checks as its Express mount below).
  const servePassthrough = (request: Request, response: Response): void => {
    try {
      const caller = admitCaller(request);
      (passthrough as NonNullable<typeof passthrough>)
        .handle(request, response, caller ?? undefined)
        .catch((error: unknown) => failChat(error, request, response));
    } catch (error) {
      failChat(error, request, response);
    }
  };

  // Made before the listener reads `app.request`: from here on the app's prototypes are these
  // subclasses' (express-messages.ts).
  const serverOptions = expressServerOptions(app);

  // The server's request listener: the busiest routes — chat, and POSTs to the /v1 passthrough
  // spelled exactly — served without Express's dispatch (router, layers, final handler: ~5% of a
  // plain passthrough's CPU), everything else through Express.
  const handleRequest = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    // HTTP/1.1 requires Host (RFC 9112 §3.2); the server lets such requests in to answer here.
    if (incoming.headers.host === undefined && incoming.httpVersion === '1.1') {
      outgoing.setHeader('connection', 'close');
      sendJson(outgoing, 400, {
        error: {
          message: 'An HTTP/1.1 request needs a Host header.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_http',
        },
      });
      return;
    }
    const url = incoming.url ?? '';
    const isChat = url === '/v1/chat/completions';
    const isPassthrough =
      !isChat &&
      passthrough !== null &&
      url.startsWith('/v1/') &&
      // Other spellings of chat (a trailing slash, a query, upper case) are Express's to route,
      // and so is /v1/models (ours: another method is its 405).
      !url.toLowerCase().startsWith('/v1/chat/completions') &&
      !url.startsWith('/v1/models');
    if (incoming.method !== 'POST' || (!isChat && !isPassthrough)) {
      app(incoming, outgoing);
      return;
    }
    // What Express's own entry does before routing, so the handlers get Express's request and
    // response; a server made with `serverOptions` built them so already (express-messages.ts).
    const request = asExpressObject(incoming, app.request);
    const response = asExpressObject(outgoing, app.response);
    request.res = response;
    request.originalUrl = url;
    request.baseUrl = '';
    response.req = request;
    response.locals = Object.create(null) as Response['locals'];
    logAccess(request, response);
    if (allowCors) allowCors(request, response, noop);
    if (isChat) serveChat(request, response);
    else servePassthrough(request, response);
  };
  return Object.assign(app, {
    shadow,
    handleRequest,
    serverOptions,
    closePassthrough: () => passthrough?.close(),
  });
}

/**
 * CORS as vLLM serves it by default (any origin, any method and header, no credentials; its
 * `--allowed-origins`), so a browser chat UI can call the proxy it would call vLLM with; the
 * headers a UI reads (`x-tts-*`, `x-request-id`, `retry-after`) are exposed, and `x-should-retry`,
 * which the OpenAI SDKs read to skip retrying a 504 deadline (a header a browser hides unless
 * exposed: the SDK would then re-run the whole search). Null when off.
 */
function corsFor(origins: readonly string[]): RequestHandler | null {
  if (origins.length === 0) return null;
  const grant = cors({
    origin: origins.includes('*') ? '*' : [...origins],
    exposedHeaders: [
      'x-request-id',
      'x-tts-strategy',
      'x-tts-budget-spent',
      'x-tts-passthrough-reason',
      'x-tts-warning',
      'x-tts-ab-arm',
      'retry-after',
      'x-should-retry',
    ],
    maxAge: 600,
  });
  // Only browsers send Origin (Starlette's CORSMiddleware, which vLLM uses, answers only them):
  // other clients get no CORS headers and pay nothing for them.
  const isAnyOrigin = origins.includes('*');
  return (request, response, next) => {
    if (request.headers.origin !== undefined) grant(request, response, next);
    else {
      // With a list of origins the answer depends on Origin: say so to caches here too.
      if (!isAnyOrigin) response.vary('Origin');
      next();
    }
  };
}

/** 405 in OpenAI's shape, with the methods the route takes in `allow`. */
function refuseMethod(request: Request, response: Response, path: string, allow: string): void {
  response
    .status(405)
    .set('allow', allow)
    .json({
      error: {
        message: `Method ${request.method} is not allowed on ${path}.`,
        type: 'invalid_request_error',
        param: null,
        code: 'method_not_allowed',
      },
    });
}

function noop(): void {}

/** The API key's caller the /v1 key check kept for this response (none without keys). */
function callerOf(response: Response): Caller | undefined {
  const caller: unknown = response.locals.caller;
  return typeof caller === 'object' && caller !== null ? (caller as Caller) : undefined;
}
