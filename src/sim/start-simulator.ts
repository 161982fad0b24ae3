import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createSimEngine, type SimEngine } from './engine/sim-engine';
import { hashParts } from './hash-text';
import { createFaultPlan } from './http/fault-plan';
import { createLatencyModel } from './http/latency-model';
import { sendJson } from './http/respond';
import { unixSeconds, type RouteHandler, type ServerRuntime } from './http/route-context';
import { chatCompletionsRoute } from './http/routes/chat-completions-route';
import { completionsRoute } from './http/routes/completions-route';
import {
  DEFAULT_SIM_VLLM_VERSION,
  healthRoute,
  modelsRoute,
  versionRoute,
} from './http/routes/info-routes';
import { poolingRoute, embeddingsRoute } from './http/routes/pooling-route';
import { detokenizeRoute, tokenizeRoute } from './http/routes/tokenize-routes';
import { badRequest, VllmError } from './http/vllm-error';
import { GENERATION_SLICE_MS } from './http/work-slices';
import {
  DEFAULT_FAULTS,
  RECENT_ARRIVALS_KEPT,
  DEFAULT_LATENCY,
  type RunningSimulator,
  type SimStats,
  type SimulatorOptions,
} from './sim-options';
import { createSimRandom } from './sim-random';

const ROUTES: Record<string, RouteHandler> = {
  'GET /health': healthRoute,
  'GET /version': versionRoute,
  'GET /v1/models': modelsRoute,
  'POST /tokenize': tokenizeRoute,
  'POST /detokenize': detokenizeRoute,
  'POST /v1/completions': completionsRoute,
  'POST /v1/chat/completions': chatCompletionsRoute,
  'POST /pooling': poolingRoute,
  'POST /v1/embeddings': embeddingsRoute,
};
const KNOWN_PATHS = new Set(Object.keys(ROUTES).map((key) => key.split(' ')[1]));
const MAX_BODY_BYTES = 64 * 1024 * 1024;
// A "timeout" fault drops the socket after this long if the client has not given up already.
const TIMEOUT_HOLD_MS = 60_000;

function emptyStats(): SimStats {
  return {
    requestsByRoute: {},
    inFlight: 0,
    aborted: 0,
    completionTokens: 0,
    promptTokens: 0,
    lastSampling: null,
    recentArrivals: [],
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(badRequest('Request body too large.'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * FastAPI (which vLLM's routes run on) parses a body as JSON only when its `Content-Type` is
 * absent, `application/json` or `application/<x>+json`; any other type leaves the raw bytes,
 * which fail the route's pydantic model, and vLLM answers that 400 (fastapi/routing.py
 * `get_request_handler`, 0.115.x: the `email.message.Message` media-type check).
 */
function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const [type = ''] = contentType.split(';');
  return /^application\/(?:json|[^/\s]+\+json)$/i.test(type.trim());
}

async function parseJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  if (text !== '' && !isJsonMediaType(request.headers['content-type']))
    throw badRequest(
      '1 validation error: body: Input should be a valid dictionary or object to extract fields from',
    );
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('1 validation error: body: JSON decode error');
  }
}

function sendFailure(response: ServerResponse, error: unknown, log: (line: string) => void): void {
  const vllmError =
    error instanceof VllmError
      ? error
      : new VllmError(
          500,
          'InternalServerError',
          error instanceof Error ? error.message : String(error),
        );
  if (!(error instanceof VllmError)) log(`simulator internal error: ${vllmError.message}`);
  if (response.destroyed || response.writableEnded) return;
  if (!response.headersSent) {
    sendJson(response, vllmError.status, vllmError.toBody());
    return;
  }
  // Mid-stream failure, as vLLM's stream generators do it: an error event, then [DONE].
  response.end(`data: ${JSON.stringify(vllmError.toBody())}\n\ndata: [DONE]\n\n`);
}

/**
 * Starts one simulated vLLM server (one model, like `vllm serve`). Resolves once it listens.
 * Everything it answers is synthetic; `/v1/models` and `/version` say so.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const engine: SimEngine = createSimEngine(options);
  const log = options.log ?? ((): void => undefined);
  const seedRandom = createSimRandom(hashParts('server-seeds', options.seed));
  let stats = emptyStats();
  let idCounter = 0;
  const runtime: ServerRuntime = {
    latency: createLatencyModel({ ...DEFAULT_LATENCY, ...options.latency }),
    startedAt: unixSeconds(),
    nextServerSeed: () => seedRandom.nextUint32(),
    nextId: (prefix) =>
      `${prefix}-sim${(hashParts(options.seed, ++idCounter) >>> 0).toString(16).padStart(8, '0')}${idCounter}`,
    recordUsage: (promptTokens, completionTokens) => {
      stats.promptTokens += promptTokens;
      stats.completionTokens += completionTokens;
    },
    recordSampling: (params) => {
      stats.lastSampling = {
        temperature: params.temperature,
        topP: params.topP,
        topK: params.topK,
        minP: params.minP,
        repetitionPenalty: params.repetitionPenalty,
        presencePenalty: params.presencePenalty,
        frequencyPenalty: params.frequencyPenalty,
      };
    },
    drawFault: createFaultPlan({ ...DEFAULT_FAULTS, ...options.faults }, options.seed),
    log,
    timeoutHoldMs: TIMEOUT_HOLD_MS,
    answerForms:
      options.answerForms === 'all-distinct'
        ? 'all-distinct'
        : options.answerForms === true
          ? 'equivalent'
          : null,
    vllmVersion: options.vllmVersion ?? DEFAULT_SIM_VLLM_VERSION,
    hasReturnTokenIds: (options.vllmVersion ?? DEFAULT_SIM_VLLM_VERSION) !== '0.10.1',
    generationSliceMs: options.generationSliceMs ?? GENERATION_SLICE_MS,
  };
  const controllers = new Set<AbortController>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const serviceStart = performance.now();
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const key = `${request.method ?? 'GET'} ${path}`;
    const handler = ROUTES[key];
    stats.requestsByRoute[handler ? key : 'other'] =
      (stats.requestsByRoute[handler ? key : 'other'] ?? 0) + 1;
    stats.recentArrivals.push({
      route: handler ? key : 'other',
      monotonicMs: Number(process.hrtime.bigint()) / 1e6,
    });
    // Trimmed in bulk, not one shift per request: the log stays between one and two sizes.
    if (stats.recentArrivals.length >= 2 * RECENT_ARRIVALS_KEPT)
      stats.recentArrivals = stats.recentArrivals.slice(-RECENT_ARRIVALS_KEPT);
    stats.inFlight++;
    const controller = new AbortController();
    controllers.add(controller);
    response.on('close', () => {
      // `stats` is read at close time, so a resetStats() in between keeps inFlight consistent.
      stats.inFlight--;
      controllers.delete(controller);
      if (!response.writableFinished) {
        stats.aborted++;
        controller.abort(new Error('client disconnected'));
      }
    });
    try {
      // vLLM's --api-key middleware guards /v1 only, with its own flat error body.
      if (
        options.apiKey !== undefined &&
        path.startsWith('/v1') &&
        request.headers.authorization !== `Bearer ${options.apiKey}`
      ) {
        sendJson(response, 401, { error: 'Unauthorized' });
        return;
      }
      if (!handler) {
        sendJson(response, KNOWN_PATHS.has(path) ? 405 : 404, {
          detail: KNOWN_PATHS.has(path) ? 'Method Not Allowed' : 'Not Found',
        });
        return;
      }
      const body = request.method === 'POST' ? await parseJsonBody(request) : undefined;
      await handler({
        engine,
        body,
        request,
        response,
        signal: controller.signal,
        serviceStart,
        runtime,
      });
    } catch (error) {
      if (controller.signal.aborted) {
        if (!response.destroyed) response.destroy();
        return;
      }
      sendFailure(response, error, log);
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  // Long generations under simulated latency must not be cut by Node's default timeouts.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('simulator is not listening on TCP');
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  log(
    `tts-proxy SIMULATED vLLM upstream (not a real model): role=${engine.role} model=${engine.modelId} family=${engine.family} seed=${options.seed} listening on ${url}`,
  );

  return {
    url,
    port: address.port,
    modelId: engine.modelId,
    stats: () => ({
      ...stats,
      requestsByRoute: { ...stats.requestsByRoute },
      recentArrivals: stats.recentArrivals.slice(-RECENT_ARRIVALS_KEPT),
    }),
    resetStats: () => {
      const inFlight = stats.inFlight;
      stats = emptyStats();
      stats.inFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const controller of controllers) controller.abort(new Error('simulator closing'));
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
