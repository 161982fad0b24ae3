/**
 * Every network call to an upstream leaves through here: one undici Pool per upstream
 * (keep-alive, bounded connections; 6-7x cheaper per call than fetch, see docs/performance.md#what-keeps-the-hot-path-cheap),
 * per-call timeouts, bounded retries (the one rule in retry.ts), and normalisation of every
 * upstream error shape into our error classes. Error messages name the upstream by its config
 * name and a failure by its code, never by address: they can reach clients in `tts.warnings`.
 */
import { Pool, errors as undiciErrors } from 'undici';
import { InvalidRequestError, UpstreamError, UpstreamTimeoutError } from '../../errors';
import {
  isAbortError,
  isCompleteObject,
  readWholeBody,
  scanJson,
  type JsonScan,
  type AbortSource,
  type StreamBody,
  yieldToEventLoop,
} from '../../util';
import { dispatchBytes, dispatchText, type TextResponse } from './dispatch-text';
import { dispatchStream } from './dispatch-stream';
import { FairGate, Lane } from './fair-gate';
import { parseRetryAfter, withRetry } from './retry';

export interface UpstreamClientOptions {
  /** Logical name (config key), used in errors and logs; never the URL's secret. */
  name: string;
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  maxConnections: number;
  /** Extra attempts for retryable failures (connect errors, resets, 408/409/429/5xx). */
  retries: number;
  /** Which failures are retried (default `isRetryableFailure`; see `retryRuleFor`). */
  shouldRetry?: (error: unknown) => boolean;
  /** Called once per upstream call (for metrics). */
  onCall?: (event: UpstreamCallEvent) => void;
  /**
   * Shares the search calls' connections between lanes (made with `maxConnections` slots when
   * not given; given, the caller can read its load for metrics).
   */
  gate?: FairGate;
}

export interface UpstreamCallEvent {
  upstream: string;
  path: string;
  status: number | null;
  durationMs: number;
  outcome: 'ok' | 'error' | 'timeout' | 'aborted';
}

export interface UpstreamStream {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** Pushed to one reader as it arrives (src/util/pushed-body.ts). */
  body: StreamBody;
}

/** A parsed JSON answer with the response headers that were asked for. */
export interface JsonWithHeaders {
  body: unknown;
  /** The asked-for headers the answer carried, by lower-case name (absent ones are missing). */
  headers: Record<string, string>;
}

/**
 * A JSON request body already serialised (the client's own bytes, forwarded as they came):
 * `bytes` go on the wire; `value` is the same JSON parsed, for what reads a body rather than
 * sends it (replica affinity, recordings).
 */
export interface PreparedJson {
  bytes: Buffer;
  value: unknown;
}

/** A JSON answer as received, checked to be one complete object, with its structural scan. */
export interface JsonBytes {
  bytes: Buffer;
  scan: JsonScan;
}

export interface UpstreamClient {
  readonly name: string;
  readonly baseUrl: string;
  /** POST a JSON body and parse the JSON answer (unknown: callers validate with zod). */
  postJson(path: string, body: unknown, signal?: AbortSource): Promise<unknown>;
  /**
   * `postJson` that also returns the named response headers (lower-case names), for the one
   * stack that puts data there (TGI's `x-prompt-tokens`). Optional: a client without it (a
   * replayed recording, a test double) is called through `postJson` and the caller goes without.
   */
  postJsonWithHeaders?(
    path: string,
    body: unknown,
    headerNames: readonly string[],
    signal?: AbortSource,
  ): Promise<JsonWithHeaders>;
  getJson(path: string, signal?: AbortSource): Promise<unknown>;
  /**
   * GET (or POST `body`, as JSON) returning only the status: health and capability probes, on a
   * connection of their own and not counted as upstream calls; never throws for HTTP statuses.
   */
  probe(path: string, timeoutMs: number, body?: unknown): Promise<number | null>;
  /** POST and hand back the raw streaming body (SSE passthrough); errors before headers throw. */
  postStream(path: string, body: unknown, signal?: AbortSource): Promise<UpstreamStream>;
  /**
   * `postJson` on bytes both ways (the plain chat passthrough): the body is sent as it is and the
   * answer comes back unparsed, checked to be one complete JSON object (a cut or broken body is
   * retried, then fails as a 502, as `postJson`'s unparseable answer does). Errors and retries
   * are `postJson`'s. Optional: callers fall back to `postJson` on `body.value`.
   */
  postJsonBytes?(path: string, body: PreparedJson, signal?: AbortSource): Promise<JsonBytes>;
  /** `postStream` of a body already serialised. Optional, like `postJsonBytes`. */
  postStreamBytes?(path: string, body: PreparedJson, signal?: AbortSource): Promise<UpstreamStream>;
  /**
   * A view of this client for one request: its JSON calls take turns with other lanes' for the
   * connections when all are busy (fair-gate.ts), so one large search cannot hold everyone's
   * calls behind its own. Its `close` closes nothing (the connections are the client's).
   * `owner`: whose turns the lane shares (one API key's requests share one owner); absent, the
   * request takes turns of its own. Optional: a replay or a test double goes without (`laneOf`).
   */
  inLane?(owner?: object): UpstreamClient;
  close(): Promise<void>;
}

/** `client.inLane(owner)`, or the client itself when it has no lanes. */
export function laneOf(client: UpstreamClient, owner?: object): UpstreamClient {
  return client.inLane?.(owner) ?? client;
}

/**
 * Why a connection failed, without the address Node puts in the message (`connect ECONNREFUSED
 * 10.0.0.5:8000`): the error code, else the error's class.
 */
export function describeConnectFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  return error instanceof Error ? error.name : 'connection failed';
}

/** JSON of a request body; a body that cannot be serialised is the request's fault (400). */
function serialise(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new InvalidRequestError(
      `The request could not be serialised for the model server: ${error instanceof Error ? error.message : String(error)}`,
      null,
      'unserializable_request',
    );
  }
}

function unreachable(name: string, error: unknown): UpstreamError {
  return new UpstreamError(`upstream '${name}' is unreachable (${describeConnectFailure(error)})`, {
    upstream: name,
    status: null,
    cause: error,
  });
}

/** Pull a human message out of any upstream error body (vLLM nested/flat, `{"error":"..."}`, text). */
export function describeUpstreamErrorBody(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const inner = record.error;
      if (typeof inner === 'string') return inner;
      if (
        typeof inner === 'object' &&
        inner !== null &&
        typeof (inner as Record<string, unknown>).message === 'string'
      ) {
        return (inner as Record<string, string>).message as string;
      }
      if (typeof record.message === 'string') return record.message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300);
}

/**
 * Answers longer than this (characters) are parsed between two turns of the event loop: the 64
 * samples of a hard question take a large part of a millisecond to parse
 * (`node dist-bench/test/bench/heavy-steps.js` measures it).
 */
const LARGE_ANSWER_CHARS = 32 * 1024;

/** No depth limit on answers: the scan is iterative, and the upstream's nesting is its own. */
const ANY_DEPTH = Number.MAX_SAFE_INTEGER;

/** A UTF-8 byte order mark, which `JSON.parse` of the decoded text would not see either. */
function withoutBom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

const bodyOnly = (parsed: unknown): unknown => parsed;
const withHeaders = (parsed: unknown, response: TextResponse): JsonWithHeaders => ({
  body: parsed,
  headers: response.headers ?? {},
});

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const url = new URL(options.baseUrl);
  const prefix = url.pathname.replace(/\/$/, '');
  const poolOptions = {
    connections: options.maxConnections,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  };
  const pool = new Pool(url.origin, poolOptions);
  /**
   * Relayed requests (a plain chat's bytes, streams: `postJsonBytes`, `postStream*`) on connections
   * of their own: on the search calls' pool, a burst of large searches held every connection and
   * other clients' plain chats waited behind them, 335 ms → 12 s (review 23). The server
   * batches both kinds; only the proxy's own queue was in the way. Made on first use.
   */
  let relayPool: Pool | null = null;
  /** After `close`, probes answer nothing and relays use no new pool (nobody would close it). */
  let isClosed = false;
  // After `close`, the closed pool answers (it refuses, as every call then is refused).
  const relay = (): Pool => (isClosed ? pool : (relayPool ??= new Pool(url.origin, poolOptions)));
  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (options.apiKey) baseHeaders.authorization = `Bearer ${options.apiKey}`;
  const streamHeaders: Record<string, string> = { ...baseHeaders, accept: 'text/event-stream' };
  /** `probe`'s own one-connection pool, made on first use. */
  let probePool: Pool | null = null;
  const retryRule = options.shouldRetry ? { shouldRetry: options.shouldRetry } : {};
  /** The search calls' pool, shared between lanes (relays and probes have pools of their own). */
  const gate = options.gate ?? new FairGate(options.maxConnections);

  async function once<R extends { status: number }>(
    path: string,
    signal: AbortSource | undefined,
    send: () => Promise<R>,
  ): Promise<R> {
    const started = performance.now();
    try {
      // The per-call timeout is undici's own (headersTimeout, bodyTimeout = timeoutMs): vLLM answers
      // a non-streamed call with headers and body at once, so no headers within timeoutMs bounds
      // the call. The caller's signal (client disconnect, request deadline) is passed as is: a
      // combined AbortSignal.timeout/any per call cost ~3% of the proxy's CPU in the bench
      // (allocation, weak refs, timers) for the same behaviour.
      const response = await send();
      options.onCall?.({
        upstream: options.name,
        path,
        status: response.status,
        durationMs: performance.now() - started,
        outcome: response.status < 400 ? 'ok' : 'error',
      });
      return response;
    } catch (error) {
      const report = (outcome: UpstreamCallEvent['outcome']): void =>
        options.onCall?.({
          upstream: options.name,
          path,
          status: null,
          durationMs: performance.now() - started,
          outcome,
        });
      if (signal?.aborted) {
        report('aborted');
        throw error;
      }
      if (
        error instanceof undiciErrors.HeadersTimeoutError ||
        error instanceof undiciErrors.BodyTimeoutError
      ) {
        report('timeout');
        throw new UpstreamTimeoutError(options.name, options.timeoutMs);
      }
      report('error');
      throw unreachable(options.name, error);
    }
  }

  /** One call's request options (the per-call timeout is undici's own; see `once`). */
  function dispatchOptions(
    method: 'GET' | 'POST',
    path: string,
    body: string | Buffer | null,
  ): Parameters<typeof dispatchText>[1] {
    return {
      origin: url.origin,
      path: prefix + path,
      method,
      headers: baseHeaders,
      body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    };
  }

  /** One JSON exchange with retries; `answer` shapes what the caller gets from the parsed body. */
  async function withRetries<T>(
    lane: Lane,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal: AbortSource | undefined,
    keepHeaders: readonly string[] | undefined,
    answer: (parsed: unknown, response: TextResponse) => T,
  ): Promise<T> {
    // Serialised once, not once per attempt.
    const payload = method === 'POST' ? serialise(body) : null;
    return withRetry(
      async () => {
        // Waiting for a turn is not the upstream's time: it stays out of the call's duration.
        const turn = gate.enter(lane, signal);
        if (turn !== null) await turn;
        let response: TextResponse;
        try {
          response = await once(path, signal, () =>
            dispatchText(pool, dispatchOptions(method, path, payload), signal, keepHeaders),
          );
        } finally {
          gate.leave();
        }
        const { status, text, retryAfter } = response;
        if (status >= 400) throw statusError(status, text, retryAfter);
        let parsed: unknown;
        // A large answer (many samples) parses for a large part of a millisecond: let other
        // clients' waiting I/O in before it and before what the caller does with it.
        const isLarge = text.length > LARGE_ANSWER_CHARS;
        if (isLarge) await yieldToEventLoop();
        try {
          parsed = JSON.parse(text) as unknown;
        } catch (error) {
          // A 200 with a broken body: a transient upstream fault worth one more try.
          throw new UpstreamError(`upstream '${options.name}' sent a body that is not JSON`, {
            upstream: options.name,
            status: 502,
            body: text,
            cause: error,
          });
        }
        if (isLarge) await yieldToEventLoop();
        return answer(parsed, response);
      },
      { retries: options.retries, signal, ...retryRule },
    );
  }

  function statusError(
    status: number,
    text: string,
    retryAfter: string | undefined,
  ): UpstreamError {
    return new UpstreamError(
      `upstream '${options.name}' answered ${status}: ${describeUpstreamErrorBody(text)}`,
      { upstream: options.name, status, body: text, retryAfterMs: parseRetryAfter(retryAfter) },
    );
  }

  /** `withRetries` for a body already serialised, answered as checked bytes. */
  function postBytesWithRetries(
    path: string,
    body: PreparedJson,
    signal: AbortSource | undefined,
  ): Promise<JsonBytes> {
    return withRetry(
      async () => {
        const response = await once(path, signal, () =>
          dispatchBytes(relay(), dispatchOptions('POST', path, body.bytes), signal),
        );
        const { status, retryAfter } = response;
        if (status >= 400) throw statusError(status, response.bytes.toString('utf8'), retryAfter);
        const bytes = withoutBom(response.bytes);
        const scan = scanJson(bytes, ANY_DEPTH);
        if (!isCompleteObject(bytes, scan))
          // Cut or broken (what `JSON.parse` refuses in `postJson`): worth one more try.
          throw new UpstreamError(`upstream '${options.name}' sent a body that is not JSON`, {
            upstream: options.name,
            status: 502,
            body: bytes.toString('utf8', 0, Math.min(bytes.length, 300)),
          });
        return { bytes, scan };
      },
      { retries: options.retries, signal, ...retryRule },
    );
  }

  /** The client's methods with the JSON calls in `lane`. */
  const inLane = (lane: Lane, isRoot: boolean): UpstreamClient => ({
    ...shared,
    postJson: (path, body, signal) =>
      withRetries(lane, 'POST', path, body, signal, undefined, bodyOnly),
    postJsonWithHeaders: (path, body, headerNames, signal) =>
      withRetries(lane, 'POST', path, body, signal, headerNames, withHeaders),
    getJson: (path, signal) =>
      withRetries(lane, 'GET', path, undefined, signal, undefined, bodyOnly),
    inLane: (owner) => inLane(new Lane(owner), false),
    close: isRoot ? shared.close : async () => undefined,
  });

  const shared: Omit<UpstreamClient, 'postJson' | 'getJson'> = {
    name: options.name,
    baseUrl: options.baseUrl,
    postJsonBytes: postBytesWithRetries,
    postStreamBytes: (path, body, signal) =>
      withRetry(() => streamOnce(path, body.bytes, signal), {
        retries: options.retries,
        signal,
        ...retryRule,
      }),
    async probe(path, timeoutMs, body) {
      // Its own connection: on the shared pool a probe queues behind every search call, and
      // undici rejects a queued request only once a connection frees, so under load /health
      // answered after 15–20 s and reported a busy, healthy server as down (review 23).
      if (isClosed) return null;
      // Idle for less than uvicorn's 5 s keep-alive (vLLM's server), so a probe never lands on a
      // connection the server is closing.
      probePool ??= new Pool(url.origin, { connections: 1, keepAliveTimeout: 4_000 });
      try {
        const response = await probePool.request({
          origin: url.origin,
          path: prefix + path,
          ...(body === undefined
            ? { method: 'GET' as const }
            : { method: 'POST' as const, body: serialise(body) }),
          headers: baseHeaders,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body.dump();
        return response.statusCode;
      } catch {
        return null;
      }
    },
    postStream(path, body, signal) {
      // Retried only while nothing reached the caller: every failure here comes before the body.
      let payload: string;
      try {
        payload = serialise(body);
      } catch (error) {
        return Promise.reject(error);
      }
      return withRetry(() => streamOnce(path, payload, signal), {
        retries: options.retries,
        ...retryRule,
        signal,
      });
    },
    close: async () => {
      isClosed = true;
      await Promise.all([pool.close(), relayPool?.close(), probePool?.close()]);
    },
  };
  return inLane(new Lane(), true);

  async function streamOnce(
    path: string,
    payload: string | Buffer,
    signal: AbortSource | undefined,
  ): Promise<UpstreamStream> {
    const started = performance.now();
    try {
      const response = await dispatchStream(
        relay(),
        {
          origin: url.origin,
          path: prefix + path,
          method: 'POST',
          headers: streamHeaders,
          body: payload,
          headersTimeout: options.timeoutMs,
          // Streams may legitimately run long; only the wait for headers is bounded.
          bodyTimeout: 0,
        },
        signal,
      );
      options.onCall?.({
        upstream: options.name,
        path,
        status: response.statusCode,
        durationMs: performance.now() - started,
        outcome: response.statusCode < 400 ? 'ok' : 'error',
      });
      if (response.statusCode >= 400) {
        const text = (await readWholeBody(response.body)).toString('utf8');
        throw new UpstreamError(
          `upstream '${options.name}' answered ${response.statusCode}: ${describeUpstreamErrorBody(text)}`,
          {
            upstream: options.name,
            status: response.statusCode,
            body: text,
            retryAfterMs: parseRetryAfter(response.headers['retry-after']),
          },
        );
      }
      return response;
    } catch (error) {
      if (error instanceof UpstreamError || isAbortError(error) || signal?.aborted) throw error;
      throw unreachable(options.name, error);
    }
  }
}

/** `postJsonBytes` on a client that may not have it (a test double): through `postJson`. */
export async function postJsonBytesOn(
  client: UpstreamClient,
  path: string,
  body: PreparedJson,
  signal: AbortSource | undefined,
): Promise<JsonBytes> {
  if (client.postJsonBytes) return client.postJsonBytes(path, body, signal);
  const bytes = Buffer.from(JSON.stringify(await client.postJson(path, body.value, signal)));
  const scan = scanJson(bytes, Number.MAX_SAFE_INTEGER);
  if (!isCompleteObject(bytes, scan))
    throw new UpstreamError(`upstream '${client.name}' sent a body that is not a JSON object`, {
      upstream: client.name,
      status: 502,
    });
  return { bytes, scan };
}
