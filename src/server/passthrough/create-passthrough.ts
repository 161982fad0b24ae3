/**
 * The /v1 passthrough behind the same edge as chat: an allow-listed, normalised path; the body
 * received under the body limits before an admission slot is taken; admission (429 +
 * Retry-After); the client's `authorization` never forwarded (only the proxy's upstream key is
 * sent); every error OpenAI-shaped; streamed answers relayed event by event and checked; JSON
 * answers checked when bounded (relay-json-answer.ts). The model name is the client's both ways:
 * the upstream gets its served name, the client reads back the name it sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tryHoldSlot, waitForSlot } from '../hold-slot';
import type { Admission } from '../admission';
import {
  decodeCharged,
  readsAsJson,
  receiveBody,
  tooDeep,
  type BodyLimits,
} from '../read-json-body';
import { sendJson } from '../send-json';
import { onCutShort, onShutdownCut } from '../shutdown-cut';
import { ClientDeparture } from './client-departure';
import { createForwarder, type PassthroughUpstream, type RetryRunner } from './forward-request';
import {
  mapBrokenAnswer,
  mapUpstreamFailure,
  mapUpstreamStatus,
  type MappedUpstreamError,
} from './passthrough-errors';
import { createRouteAllowList, normaliseTarget } from './passthrough-routes';
import { relayCheckedStream, type ModelRename } from './relay-checked-stream';
import { relayJsonAnswer } from './relay-json-answer';
import type { UpstreamAnswer } from './upstream-answer';
import { replaceRange, scanJson } from '../../util';

export interface PassthroughOptions {
  upstream: PassthroughUpstream;
  /** Forwarded routes, as "METHOD /v1/path". */
  routes: readonly string[];
  admission: Admission;
  body: BodyLimits;
  retry: RetryRunner;
  /** A streamed answer the upstream broke (for the log). */
  onBrokenStream?: (response: ServerResponse) => void;
  /**
   * Client-facing model name → the upstream's served name. `/v1/models` lists the client-facing
   * names, so a client sends those on every route; the upstream knows only its served names.
   */
  servedNames?: ReadonlyMap<string, string>;
}

export interface Passthrough {
  /**
   * Serve one request whose path starts with /v1; rejects with errors for the error handler.
   * `owner`: whose turn it waits in for admission (the caller's API key); absent, its own.
   */
  handle(request: IncomingMessage, response: ServerResponse, owner?: object): Promise<void>;
  close(): void;
}

/** Upstream error bodies read to wrap them; more than this is cut. */
const ERROR_BODY_LIMIT = 64 * 1024;

function send(response: ServerResponse, mapped: MappedUpstreamError): void {
  for (const [name, value] of Object.entries(mapped.headers)) response.setHeader(name, value);
  sendJson(response, mapped.status, mapped.body);
}

function readLimited(answer: UpstreamAnswer, limit: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => resolve(Buffer.concat(chunks).toString('utf8').slice(0, limit));
    answer.read({
      data(chunk) {
        if (size < limit) chunks.push(chunk);
        size += chunk.length;
      },
      end: done,
      fail: done,
    });
  });
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());
}

interface ForwardBody {
  body: Buffer;
  contentEncoding: string | undefined;
  /** Set when the client's model name differs from the one the upstream serves. */
  rename: ModelRename | null;
}

/**
 * The body to forward: JSON is decompressed (forwarded plain), depth-checked like chat's, and its
 * top-level `model` translated to the upstream's served name in place (one scan of the bytes, no
 * parse: every other byte goes as the client wrote it, big integers included); other media types
 * (audio uploads) go as received. Broken JSON goes too, and the upstream judges it.
 */
async function receiveForwardBody(
  request: IncomingMessage,
  response: ServerResponse,
  limits: BodyLimits,
  servedNames: ReadonlyMap<string, string>,
  renames: Map<string, ModelRename>,
): Promise<ForwardBody> {
  const received = await receiveBody(request, response, limits);
  // What the upstream reads as JSON gets the model-name translation (a body without a
  // `Content-Type` too: skipping it made the upstream answer 404 for a model we list).
  if (!readsAsJson(request.headers['content-type']))
    return {
      body: received.bytes,
      contentEncoding: request.headers['content-encoding'],
      rename: null,
    };
  const body = decodeCharged(received, request.headers, limits.limitBytes);
  const scan = scanJson(body, limits.maxDepth);
  if (scan.isTooDeep) throw tooDeep(limits.maxDepth);
  const served = scan.model === null ? undefined : servedNames.get(scan.model.name);
  if (scan.model === null || served === undefined || served === scan.model.name)
    return { body, contentEncoding: undefined, rename: null };
  return {
    body: replaceRange(body, scan.model.start, scan.model.end, served),
    contentEncoding: undefined,
    rename: renameOf(renames, served, scan.model.name),
  };
}

/**
 * One rename object per client name (the names are the config's), so what the relay derives from
 * it is made once, not per request.
 */
function renameOf(renames: Map<string, ModelRename>, served: string, client: string): ModelRename {
  let rename = renames.get(client);
  if (rename === undefined || rename.served !== served) {
    rename = { served, client };
    renames.set(client, rename);
  }
  return rename;
}

/**
 * The body with its `model` translated to the upstream's served name; any other body (not JSON,
 * not an object, an unknown model) goes unchanged and the upstream judges it.
 */
export function withServedModelName(
  body: Buffer,
  servedNames: ReadonlyMap<string, string>,
): Buffer {
  const model = scanJson(body, Number.MAX_SAFE_INTEGER).model;
  const served = model === null ? undefined : servedNames.get(model.name);
  return model === null || served === undefined
    ? body
    : replaceRange(body, model.start, model.end, served);
}

/** Hand the upstream's answer to the client: errors wrapped, streams and JSON checked. */
async function relayAnswer(
  upstream: UpstreamAnswer,
  response: ServerResponse,
  rename: ModelRename | null,
  onBrokenStream: PassthroughOptions['onBrokenStream'],
): Promise<void> {
  const status = upstream.status;
  if (status >= 400) {
    send(response, mapUpstreamStatus(status, await readLimited(upstream, ERROR_BODY_LIMIT)));
    return;
  }
  const type = upstream.header('content-type');
  if (type?.startsWith('text/event-stream')) {
    response.statusCode = status;
    response.setHeader('content-type', type);
    response.setHeader('cache-control', 'no-cache');
    response.setHeader('x-accel-buffering', 'no');
    // Not flushed alone: the headers leave with the first event (one write, as a bare hop does).
    const outcome = await relayCheckedStream(upstream, response, rename);
    if (outcome === 'broken') onBrokenStream?.(response);
    return;
  }
  if (isJson(type)) {
    response.statusCode = status;
    response.setHeader('content-type', type as string);
    if ((await relayJsonAnswer(upstream, response, rename)) === 'broken')
      send(response, mapBrokenAnswer());
    return;
  }
  response.statusCode = status;
  if (type !== undefined) response.setHeader('content-type', type);
  await pipeAnswer(upstream, response);
}

/** Any other media type (audio, text): relayed as it comes, a slow client pausing the upstream. */
function pipeAnswer(upstream: UpstreamAnswer, response: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const onDrain = (): void => upstream.resume();
    const stop = (): void => {
      upstream.destroy();
      resolve();
    };
    upstream.read({
      data(chunk) {
        if (!response.write(chunk)) {
          upstream.pause();
          response.once('drain', onDrain);
        }
      },
      end() {
        response.end();
        resolve();
      },
      // Cut mid-body: the client must see an incomplete answer, never a complete-looking one.
      // Ended already: the shutdown answered it (its cut cancels the upstream, which fails here).
      fail() {
        if (!response.writableEnded) response.destroy();
        resolve();
      },
    });
    response.once('close', stop);
    // Cut by the shutdown before its first byte: answered with a 503, nothing more to send.
    onShutdownCut(response, stop);
  });
}

export function createPassthrough(options: PassthroughOptions): Passthrough {
  const allowList = createRouteAllowList(options.routes);
  const forwarder = createForwarder(options.upstream, options.retry);
  const servedNames = options.servedNames ?? new Map<string, string>();
  const renames = new Map<string, ModelRename>();

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    owner?: object,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    const { path, query } = normaliseTarget(request.url ?? '/');
    const verdict = allowList.check(method, path);
    if (verdict !== 'allowed') {
      const status = verdict === 'method' ? 405 : 404;
      sendJson(response, status, {
        error: {
          message:
            verdict === 'method'
              ? `Method ${method} is not allowed on ${path}.`
              : `Unknown route ${method} ${path}`,
          type: 'invalid_request_error',
          param: null,
          code: verdict === 'method' ? 'method_not_allowed' : 'not_found',
        },
      });
      return;
    }
    // The whole body first (bounded), so a slow body never holds an admission slot.
    const { body, contentEncoding, rename } = await receiveForwardBody(
      request,
      response,
      options.body,
      servedNames,
      renames,
    );
    // Most requests find a free slot: no async call (and its promise) for them. However the
    // response ends, the slot is released (hold-slot.ts).
    const held =
      tryHoldSlot(options.admission, response) ??
      (await waitForSlot(options.admission, response, owner));
    if (held === 'closed') return;
    const departure = new ClientDeparture();
    // A client gone early (or the shutdown's cut) cancels the upstream.
    onCutShort(response, () => departure.leave());
    let upstream: UpstreamAnswer;
    try {
      upstream = await forwarder.forward({
        method,
        target: path + query,
        body,
        contentType: request.headers['content-type'],
        contentEncoding,
        accept: request.headers.accept,
        departure,
      });
    } catch (error) {
      if (departure.isGone) throw error;
      send(response, mapUpstreamFailure(error));
      return;
    }
    await relayAnswer(upstream, response, rename, options.onBrokenStream);
  }

  return { handle, close: () => forwarder.close() };
}
